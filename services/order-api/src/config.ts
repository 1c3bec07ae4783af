import {
  type ApiKeys,
  parseApiKeys,
  parseTenants,
  TELEMETRY_DEFAULTS,
  TelemetryConfigError,
} from '@otel-stack/telemetry';

/** order-api configuration: every variable, its default, and its validation, in one place. */
export interface OrderApiConfig {
  readonly host: string;
  readonly port: number;
  /** host:port of payment-service's gRPC endpoint. */
  readonly paymentServiceAddr: string;
  /** gRPC deadline for Charge; past it the order is answered 503 payment_unavailable. */
  readonly paymentTimeoutMs: number;
  /** Orders of one POST /orders/batch in flight at once. */
  readonly batchConcurrency: number;
  /** Largest accepted request body; larger bodies are answered 413 payload_too_large. */
  readonly bodyLimitBytes: number;
  readonly logLevel: string;
  /**
   * API_KEYS (`key:tenant,...`): requests must authenticate with `x-api-key`; off when unset. Parsed with the
   * telemetry bootstrap's parser, which reads the same variable to take each request's tenant from its key.
   */
  readonly apiKeys: ApiKeys | undefined;
}

export const ORDER_API_DEFAULTS = {
  HOST: '0.0.0.0',
  PORT: '8080',
  PAYMENT_SERVICE_ADDR: 'localhost:50051',
  PAYMENT_TIMEOUT_MS: '2000',
  BATCH_CONCURRENCY: '8',
  BODY_LIMIT_BYTES: '262144',
  LOG_LEVEL: 'info',
} as const;

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function readOrderApiConfig(env: NodeJS.ProcessEnv = process.env): OrderApiConfig {
  const paymentServiceAddr = env.PAYMENT_SERVICE_ADDR ?? ORDER_API_DEFAULTS.PAYMENT_SERVICE_ADDR;
  if (!HOST_PORT.test(paymentServiceAddr)) {
    throw new ConfigError(
      `PAYMENT_SERVICE_ADDR must be host:port (e.g. payment-service:50051), got "${paymentServiceAddr}"`,
    );
  }
  const logLevel = env.LOG_LEVEL ?? ORDER_API_DEFAULTS.LOG_LEVEL;
  if (!LOG_LEVELS.has(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}, got "${logLevel}"`);
  }
  let apiKeys: ApiKeys | undefined;
  try {
    apiKeys = parseApiKeys(env.API_KEYS, parseTenants(env.TENANTS ?? TELEMETRY_DEFAULTS.TENANTS));
  } catch (err) {
    if (err instanceof TelemetryConfigError) throw new ConfigError(err.message);
    throw err;
  }
  return {
    apiKeys,
    host: env.HOST ?? ORDER_API_DEFAULTS.HOST,
    port: integer('PORT', env.PORT ?? ORDER_API_DEFAULTS.PORT, 0, 65535),
    paymentServiceAddr,
    paymentTimeoutMs: integer(
      'PAYMENT_TIMEOUT_MS',
      env.PAYMENT_TIMEOUT_MS ?? ORDER_API_DEFAULTS.PAYMENT_TIMEOUT_MS,
      1,
      60_000,
    ),
    batchConcurrency: integer(
      'BATCH_CONCURRENCY',
      env.BATCH_CONCURRENCY ?? ORDER_API_DEFAULTS.BATCH_CONCURRENCY,
      1,
      64,
    ),
    bodyLimitBytes: integer(
      'BODY_LIMIT_BYTES',
      env.BODY_LIMIT_BYTES ?? ORDER_API_DEFAULTS.BODY_LIMIT_BYTES,
      1024,
      10 * 1024 * 1024,
    ),
    logLevel,
  };
}
