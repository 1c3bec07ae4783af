import { redactPii } from '@otel-stack/redact';
import type { FastifyServerOptions } from 'fastify';

/**
 * Fastify's pino logger, JSON on stdout. The telemetry preload adds trace_id/span_id to lines logged inside a
 * request. Request lines carry the path (card-like numbers and emails masked) but never the query string; bodies
 * are never logged; `redact` is the safety net should a card number or email ever reach a logged object.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    name: 'order-api',
    redact: {
      paths: ['*.cardNumber', '*.email', '*.*.cardNumber', '*.*.email', 'req.headers.authorization'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        path: redactPii(req.url.split('?')[0] ?? ''),
        reqId: req.id,
      }),
    },
  };
}
