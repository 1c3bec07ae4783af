import { ERROR_STATUS, type ErrorBody, errorBody } from './errors';
import type { OrderOutcome } from './place-order';
import type { CreatedOrder } from './schemas/order';

type OrderErrorCode = 'invalid_request' | 'payment_declined' | 'payment_error' | 'payment_unavailable';

/**
 * The HTTP answer to one order: POST /orders sends it (the order itself, or the error envelope), and each entry of
 * POST /orders/batch is `{ index, ...answer }`.
 */
export type OrderAnswer =
  | { readonly status: 201; readonly order: CreatedOrder }
  | { readonly status: (typeof ERROR_STATUS)[OrderErrorCode]; readonly error: ErrorBody['error'] };

function refused(code: OrderErrorCode, message: string): OrderAnswer {
  return { status: ERROR_STATUS[code], ...errorBody(code, message) };
}

/** The one mapping of an order's outcome to HTTP. */
export function answerFor(outcome: OrderOutcome, traceId: string): OrderAnswer {
  switch (outcome.status) {
    case 'paid': {
      const { order } = outcome;
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
      return refused('payment_declined', `payment declined: ${outcome.declineReason}`);
    case 'rejected':
      return refused('invalid_request', outcome.reason);
    case 'payment_failed': {
      const { kind, message } = outcome.error;
      if (kind === 'unavailable') return refused('payment_unavailable', 'payment service unavailable');
      if (kind === 'invalid_argument') return refused('invalid_request', `payment: ${message}`);
      return refused('payment_error', 'payment failed');
    }
    case 'cancelled':
      return refused('payment_unavailable', `not processed: ${outcome.reason}`);
  }
}
