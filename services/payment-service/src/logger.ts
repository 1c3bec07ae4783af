import pino from 'pino';

/**
 * JSON logs on stdout. The telemetry preload adds trace_id/span_id to every line logged inside a span.
 * Card numbers are never logged on purpose; `redact` is the safety net if one ever ends up in a logged object.
 */
export function createLogger(level: string): pino.Logger {
  return pino({
    name: 'payment-service',
    level,
    redact: { paths: ['*.cardNumber', '*.card_number', 'cardNumber', 'card_number'], censor: '[redacted]' },
  });
}
