import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeys } from '@otel-stack/telemetry';
import type { PlaceOrderDeps } from '../place-order';
import { apiKeyAuth } from '../plugins/api-key-auth';
import { notFound } from '../plugins/error-envelope';
import { ordersRoutes } from './orders';
import { ordersBatchRoutes } from './orders-batch';

interface ApiOptions extends PlaceOrderDeps {
  readonly batchConcurrency: number;
  /** API-key mode: every request of this context must authenticate. */
  readonly apiKeys?: ApiKeys | undefined;
}

/**
 * Everything but the health checks, in one encapsulated context: in API-key mode every request to it must
 * authenticate. The not-found handler is set here so that unknown paths run this context's hooks too: without a
 * key, an unknown path is answered 401 like any other, never 404.
 */
export const apiRoutes: FastifyPluginAsyncTypebox<ApiOptions> = async (app, { apiKeys, batchConcurrency, ...deps }) => {
  if (apiKeys) await app.register(apiKeyAuth, { apiKeys });
  // @fastify/otel names a handler's span after the function, else after the plugin chain it was registered in: the
  // handlers here are named, and nothing is registered inside the route plugins (`handler - ordersRoutes`).
  app.get('/openapi.json', { schema: { hide: true } }, async function openApiDocument() {
    return app.swagger();
  });
  await app.register(ordersRoutes, deps);
  await app.register(ordersBatchRoutes, { ...deps, concurrency: batchConcurrency });
  app.setNotFoundHandler(notFound);
};
