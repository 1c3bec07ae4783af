import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { trace } from '@opentelemetry/api';
import { sendError } from '../errors';
import { type PlaceOrderDeps, placeOrder } from '../place-order';
import { CreatedOrder, CreateOrderBody, ErrorEnvelope, OrderIdParams, StoredOrderResponse } from '../schemas/order';

const errorResponses = {
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
      const result = await placeOrder(request.body, deps);
      switch (result.kind) {
        case 'paid': {
          const { order } = result;
          const traceId = trace.getActiveSpan()?.spanContext().traceId ?? '';
          return reply.code(201).send({
            orderId: order.orderId,
            status: order.status,
            amountCents: order.amountCents,
            currency: order.currency,
            paymentId: order.paymentId,
            cardLast4: order.cardLast4,
            traceId,
          });
        }
        case 'declined':
          return sendError(reply, 'payment_declined', `payment declined: ${result.reason}`);
        case 'payment_failed': {
          const { kind, message } = result.error;
          if (kind === 'unavailable') return sendError(reply, 'payment_unavailable', 'payment service unavailable');
          if (kind === 'rejected') return sendError(reply, 'invalid_request', `payment: ${message}`);
          return sendError(reply, 'payment_error', 'payment failed');
        }
      }
    },
  );

  app.get(
    '/orders/:orderId',
    { schema: { params: OrderIdParams, response: { 200: StoredOrderResponse, ...errorResponses } } },
    async (request, reply) => {
      const order = await deps.store.get(request.params.orderId);
      if (!order) return sendError(reply, 'not_found', `order ${request.params.orderId} not found`);
      return order;
    },
  );
};
