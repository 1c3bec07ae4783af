import { ConfigError, readHost, readLogLevel, readNumber } from '@otel-stack/config';
import { type ApiKeys, parseApiKeys, parseTenants, TELEMETRY_DEFAULTS } from '@otel-stack/telemetry';

export { ConfigError };

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
  /** What a client can hold: see ConnectionLimits. */
  readonly limits: ConnectionLimits;
  readonly logLevel: string;
  /**
   * API_KEYS (`key:tenant,...`): requests must authenticate with `x-api-key`; off when unset. Parsed with the
   * telemetry bootstrap's parser, which reads the same variable to take each request's tenant from its key.
   */
  readonly apiKeys: ApiKeys | undefined;
}

/**
 * Bounds on what one client can hold. Without them a client that sends headers and a few body bytes keeps its socket
 * (and a file descriptor) forever: Fastify turns Node's request timeout off by default.
 */
export interface ConnectionLimits {
  /** The whole request, headers and body, must arrive within this (Node's requestTimeout). */
  readonly requestTimeoutMs: number;
  /** The headers must arrive within this; also closes connections that never send a request. */
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** Connections held at once; further ones are closed as they arrive. */
  readonly maxConnections: number;
}

export const ORDER_API_DEFAULTS = {
  HOST: '0.0.0.0',
  PORT: '8080',
  PAYMENT_SERVICE_ADDR: 'localhost:50051',
  PAYMENT_TIMEOUT_MS: '2000',
  BATCH_CONCURRENCY: '8',
  BODY_LIMIT_BYTES: '262144',
  REQUEST_TIMEOUT_MS: '10000',
  HEADERS_TIMEOUT_MS: '5000',
  KEEP_ALIVE_TIMEOUT_MS: '5000',
  MAX_CONNECTIONS: '1024',
  LOG_LEVEL: 'info',
} as const;

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/;

export function readOrderApiConfig(env: NodeJS.ProcessEnv = process.env): OrderApiConfig {
  const paymentServiceAddr = env.PAYMENT_SERVICE_ADDR ?? ORDER_API_DEFAULTS.PAYMENT_SERVICE_ADDR;
  if (!HOST_PORT.test(paymentServiceAddr)) {
    throw new ConfigError(
      `PAYMENT_SERVICE_ADDR must be host:port (e.g. payment-service:50051), got "${paymentServiceAddr}"`,
    );
  }
  const whole = (name: keyof typeof ORDER_API_DEFAULTS, min: number, max: number) =>
    readNumber(name, env[name] ?? ORDER_API_DEFAULTS[name], { min, max, integer: true });
  return {
    // Parsed with the telemetry bootstrap's parser; its errors are ConfigErrors too.
    apiKeys: parseApiKeys(env.API_KEYS, parseTenants(env.TENANTS ?? TELEMETRY_DEFAULTS.TENANTS)),
    host: readHost('HOST', env.HOST ?? ORDER_API_DEFAULTS.HOST),
    port: whole('PORT', 0, 65535),
    paymentServiceAddr,
    paymentTimeoutMs: whole('PAYMENT_TIMEOUT_MS', 1, 60_000),
    batchConcurrency: whole('BATCH_CONCURRENCY', 1, 64),
    bodyLimitBytes: whole('BODY_LIMIT_BYTES', 1024, 10 * 1024 * 1024),
    limits: readLimits(whole),
    logLevel: readLogLevel(env.LOG_LEVEL ?? ORDER_API_DEFAULTS.LOG_LEVEL),
  };
}

function readLimits(
  whole: (name: keyof typeof ORDER_API_DEFAULTS, min: number, max: number) => number,
): ConnectionLimits {
  const limits = {
    requestTimeoutMs: whole('REQUEST_TIMEOUT_MS', 100, 600_000),
    headersTimeoutMs: whole('HEADERS_TIMEOUT_MS', 100, 600_000),
    keepAliveTimeoutMs: whole('KEEP_ALIVE_TIMEOUT_MS', 100, 600_000),
    maxConnections: whole('MAX_CONNECTIONS', 16, 1_000_000),
  };
  // Node refuses a headers timeout longer than the request timeout.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError(
      `HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must not exceed REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`,
    );
  }
  return limits;
}
