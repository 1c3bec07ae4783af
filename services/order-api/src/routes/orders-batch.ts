import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PlaceOrderDeps } from '../place-order';
import { placeOrderBatch } from '../place-order-batch';
import { BatchBody, BatchResponse } from '../schemas/order';
import { errorResponses } from './orders';

class ClientDisconnected extends Error {
  constructor() {
    super('client disconnected');
  }
}

/** POST /orders/batch: 1..100 orders, each answered in `results` in input order, at most `concurrency` at a time. */
export const ordersBatchRoutes: FastifyPluginAsyncTypebox<PlaceOrderDeps & { readonly concurrency: number }> = async (
  app,
  { concurrency, ...deps },
) => {
  app.post(
    '/orders/batch',
    { schema: { body: BatchBody, response: { 200: BatchResponse, ...errorResponses } } },
    async (request, reply) => {
      // Orders still queued are cancelled when the client goes away (nobody will read the answer) or the service
      // shuts down (in-flight orders finish; the queue does not hold the shutdown).
      const clientGone = new AbortController();
      // The response closing before it was written completely means the connection is gone.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) clientGone.abort(new ClientDisconnected());
      });
      const results = await placeOrderBatch(request.body.orders, deps, {
        concurrency,
        signal: AbortSignal.any([clientGone.signal, app.shutdownSignal]),
      });
      return { results };
    },
  );
};
