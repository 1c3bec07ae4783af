/** payment-service configuration: every variable, its default, and its validation, in one place. */
export interface PaymentConfig {
  readonly port: number;
  /** Share of charges (0..1) that fail with UNAVAILABLE, to exercise order-api's failure handling. */
  readonly failureRate: number;
  /** Latency added to every charge, in milliseconds. */
  readonly latencyMs: number;
  readonly logLevel: string;
}

export const PAYMENT_DEFAULTS = {
  PORT: '50051',
  PAYMENT_FAILURE_RATE: '0',
  PAYMENT_LATENCY_MS: '0',
  LOG_LEVEL: 'info',
} as const;

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function number(name: string, raw: string, min: number, max: number, integer: boolean): number {
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'a whole number' : 'a number';
    throw new ConfigError(`${name} must be ${kind} from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function readPaymentConfig(env: NodeJS.ProcessEnv = process.env): PaymentConfig {
  const logLevel = env.LOG_LEVEL ?? PAYMENT_DEFAULTS.LOG_LEVEL;
  if (!LOG_LEVELS.has(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}, got "${logLevel}"`);
  }
  return {
    port: number('PORT', env.PORT ?? PAYMENT_DEFAULTS.PORT, 0, 65535, true),
    failureRate: number(
      'PAYMENT_FAILURE_RATE',
      env.PAYMENT_FAILURE_RATE ?? PAYMENT_DEFAULTS.PAYMENT_FAILURE_RATE,
      0,
      1,
      false,
    ),
    latencyMs: number(
      'PAYMENT_LATENCY_MS',
      env.PAYMENT_LATENCY_MS ?? PAYMENT_DEFAULTS.PAYMENT_LATENCY_MS,
      0,
      60_000,
      true,
    ),
    logLevel,
  };
}
