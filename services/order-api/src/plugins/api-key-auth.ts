import { API_KEY_HEADER, type ApiKeys } from '@otel-stack/telemetry';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../errors';
import { UNAUTHENTICATED_PATHS } from '../routes/health';

/**
 * API-key mode (API_KEYS set): every request except the health checks must carry a known key in `x-api-key`,
 * else 401 unauthorized. The tenant of the request is the key's tenant — resolved by the telemetry bootstrap from
 * the same header before any span starts, so inbound `tenant_id` baggage cannot override it.
 */
export function registerApiKeyAuth(app: FastifyInstance, apiKeys: ApiKeys): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (UNAUTHENTICATED_PATHS.has(path)) return;
    if (apiKeys.tenantFor(request.headers[API_KEY_HEADER]) === undefined) {
      return sendError(reply, 'unauthorized', `missing or unknown API key (send it in the ${API_KEY_HEADER} header)`);
    }
  });
}
