import type { FastifyReply } from 'fastify';

/** The `code` values of the one error envelope, with the HTTP status each one always has. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  payment_declined: 402,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
  payment_error: 502,
  payment_unavailable: 503,
  service_unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Answers with the envelope, for errors the route decides itself rather than throws. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(ERROR_STATUS[code]).type('application/json; charset=utf-8').send(errorBody(code, message));
}
