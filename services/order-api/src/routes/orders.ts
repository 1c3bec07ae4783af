import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { context, trace } from '@opentelemetry/api';
import { redactPii } from '@otel-stack/redact';
import { tenantOf } from '@otel-stack/telemetry';
import { sendError } from '../errors';
import { answerFor } from '../order-answer';
import { type PlaceOrderDeps, placeOrder } from '../place-order';
import { CreatedOrder, CreateOrderBody, ErrorEnvelope, OrderIdParams, StoredOrderResponse } from '../schemas/order';

export const errorResponses = {
  400: ErrorEnvelope,
  404: ErrorEnvelope,
  413: ErrorEnvelope,
  415: ErrorEnvelope,
  500: ErrorEnvelope,
};

/** POST /orders and GET /orders/:orderId. */
export const ordersRoutes: FastifyPluginAsyncTypebox<PlaceOrderDeps> = async (app, deps) => {
  app.post(
    '/orders',
    {
      schema: {
        body: CreateOrderBody,
        response: { 201: CreatedOrder, 402: ErrorEnvelope, 502: ErrorEnvelope, 503: ErrorEnvelope, ...errorResponses },
      },
    },
    async (request, reply) => {
      const traceId = trace.getActiveSpan()?.spanContext().traceId ?? '';
      const answer = answerFor(await placeOrder(request.body, deps), traceId);
      // Every outcome is answered, not thrown: a thrown error would mark Fastify's spans as errors even for a 402.
      return reply.code(answer.status).send(answer.status === 201 ? answer.order : { error: answer.error });
    },
  );

  app.get(
    '/orders/:orderId',
    { schema: { params: OrderIdParams, response: { 200: StoredOrderResponse, ...errorResponses } } },
    async (request, reply) => {
      // The effective tenant of this request (API key, or allowed baggage), resolved when the request came in.
      const order = await deps.store.get(tenantOf(context.active()), request.params.orderId);
      if (!order) return sendError(reply, 'not_found', `order ${redactPii(request.params.orderId)} not found`);
      return order;
    },
  );
};
