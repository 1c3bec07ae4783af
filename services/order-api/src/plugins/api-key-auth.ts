import { API_KEY_HEADER, type ApiKeys } from '@otel-stack/telemetry';
import fp from 'fastify-plugin';
import { sendError } from '../errors';

/**
 * API-key mode (API_KEYS set): every request of the context that registers this plugin must carry a known key in
 * `x-api-key`, else 401 unauthorized, answered before the body is read. A fastify-plugin, so the hook applies to that
 * whole context (routes/api.ts: everything but the health checks). The tenant of the request is the key's tenant:
 * resolved by the telemetry bootstrap from the same header before any span starts, so inbound `tenant_id` baggage
 * cannot override it.
 */
export const apiKeyAuth = fp<{ apiKeys: ApiKeys }>(
  async (app, { apiKeys }) => {
    app.addHook('onRequest', async (request, reply) => {
      if (apiKeys.tenantFor(request.headers[API_KEY_HEADER]) === undefined) {
        return sendError(reply, 'unauthorized', `missing or unknown API key (send it in the ${API_KEY_HEADER} header)`);
      }
    });
  },
  { name: 'api-key-auth' },
);
