import type { FastifyReply } from 'fastify';

/** The `code` values of the error envelope (the same `{ error: { code, message } }` as order-api's), with their status. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** The config bypasses or changes the masking processor. */
  config_rejected: 422,
  /** The collector's own validation refused the config. */
  config_invalid: 422,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export function errorBody(code: ErrorCode, message: string): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message } };
}

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(ERROR_STATUS[code]).type('application/json; charset=utf-8').send(errorBody(code, message));
}
