import { readHost, readLogLevel, readNumber } from '@otel-stack/config';

export { ConfigError } from '@otel-stack/config';

/** payment-service configuration: every variable, its default, and its validation, in one place. */
export interface PaymentConfig {
  /**
   * The address to bind. 0.0.0.0 by default, which a container needs; this service trusts the tenant baggage of
   * whoever calls it, so only order-api may reach it: the NetworkPolicy in k8s/ and compose's internal network are the
   * boundary. Natively, 127.0.0.1 keeps it off the network.
   */
  readonly host: string;
  readonly port: number;
  /** Share of charges (0..1) that fail with UNAVAILABLE, to exercise order-api's failure handling. */
  readonly failureRate: number;
  /** Latency added to every charge, in milliseconds. */
  readonly latencyMs: number;
  readonly logLevel: string;
}

export const PAYMENT_DEFAULTS = {
  HOST: '0.0.0.0',
  PORT: '50051',
  PAYMENT_FAILURE_RATE: '0',
  PAYMENT_LATENCY_MS: '0',
  LOG_LEVEL: 'info',
} as const;

export function readPaymentConfig(env: NodeJS.ProcessEnv = process.env): PaymentConfig {
  return {
    host: readHost('HOST', env.HOST ?? PAYMENT_DEFAULTS.HOST),
    port: readNumber('PORT', env.PORT ?? PAYMENT_DEFAULTS.PORT, { min: 0, max: 65535, integer: true }),
    failureRate: readNumber('PAYMENT_FAILURE_RATE', env.PAYMENT_FAILURE_RATE ?? PAYMENT_DEFAULTS.PAYMENT_FAILURE_RATE, {
      min: 0,
      max: 1,
    }),
    latencyMs: readNumber('PAYMENT_LATENCY_MS', env.PAYMENT_LATENCY_MS ?? PAYMENT_DEFAULTS.PAYMENT_LATENCY_MS, {
      min: 0,
      max: 60_000,
      integer: true,
    }),
    logLevel: readLogLevel(env.LOG_LEVEL ?? PAYMENT_DEFAULTS.LOG_LEVEL),
  };
}
