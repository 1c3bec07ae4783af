import { type ErrorBody, errorBody } from './errors';
import type { PlaceOrderResult } from './place-order';
import type { CreatedOrder } from './schemas/order';

/** The HTTP answer for one order's outcome; shared by POST /orders and each entry of POST /orders/batch. */
export function answerFor(
  result: PlaceOrderResult,
  traceId: string,
): { status: 201; order: CreatedOrder } | { status: 400 | 402 | 502 | 503; body: ErrorBody } {
  switch (result.kind) {
    case 'paid': {
      const { order } = result;
      return {
        status: 201,
        order: {
          orderId: order.orderId,
          status: order.status,
          amountCents: order.amountCents,
          currency: order.currency,
          paymentId: order.paymentId,
          cardLast4: order.cardLast4,
          traceId,
        },
      };
    }
    case 'declined':
      return { status: 402, body: errorBody('payment_declined', `payment declined: ${result.reason}`) };
    case 'invalid':
      return { status: 400, body: errorBody('invalid_request', result.message) };
    case 'payment_failed': {
      const { kind, message } = result.error;
      if (kind === 'unavailable')
        return { status: 503, body: errorBody('payment_unavailable', 'payment service unavailable') };
      if (kind === 'rejected') return { status: 400, body: errorBody('invalid_request', `payment: ${message}`) };
      return { status: 502, body: errorBody('payment_error', 'payment failed') };
    }
  }
}
