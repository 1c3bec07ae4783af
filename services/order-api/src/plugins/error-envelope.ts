import { redactPii } from '@otel-stack/redact';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type ErrorCode, sendError } from '../errors';

/** Maps Fastify's own errors (body parsing, validation, limits) to the envelope's codes. */
function classify(err: FastifyError): { code: ErrorCode; message: string } {
  if (err.validation) return { code: 'invalid_request', message: err.message };
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'unsupported_media_type', message: 'content-type must be application/json' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload_too_large', message: 'request body is too large' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'invalid_request', message: 'body: a JSON body is required' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'invalid_request', message: 'body: malformed JSON' };
  }
  // Other client errors Fastify raises (bad content-length, ...): keep the 4xx meaning, drop the details.
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return { code: 'invalid_request', message: 'invalid request' };
  }
  return { code: 'internal', message: 'internal error' };
}

/**
 * One error envelope for every error: `{ "error": { "code", "message" } }`. Unexpected errors answer 500 with a
 * fixed message (the details go to the log, never to the client). A fastify-plugin, so the handler is the app's.
 */
export const errorEnvelope = fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const { code, message } = classify(err);
      if (code === 'internal') {
        request.log.error({ err }, 'unhandled error');
      } else {
        request.log.info({ code, reason: message }, 'request rejected');
      }
      return sendError(reply, code, message);
    });
  },
  { name: 'error-envelope' },
);

/** Unknown routes answer 404 not_found, the path masked. */
export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = redactPii(request.url.split('?')[0] ?? '');
  return sendError(reply, 'not_found', `no route for ${request.method} ${path}`);
}
