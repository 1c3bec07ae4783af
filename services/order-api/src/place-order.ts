import { randomUUID } from 'node:crypto';
import { context, type Span, trace } from '@opentelemetry/api';
import { inLeafSpan, inSpan, markFailed, RejectedError, tenantOf } from '@otel-stack/telemetry';
import { AttributeNames, SpanNames } from './attributes';
import type { OrderStore, StoredOrder } from './order-store';
import { type PaymentClient, PaymentError } from './payment-client';
import type { CreateOrderBody } from './schemas/order';

const tracer = trace.getTracer('order-api');

/**
 * How one order ended. `status` is the value its `order.status` span attribute records; never an HTTP status
 * (order-answer.ts maps outcomes to HTTP answers).
 */
export type OrderOutcome =
  | { readonly status: 'paid'; readonly order: StoredOrder }
  | { readonly status: 'declined'; readonly declineReason: string }
  /** The order broke a business rule the JSON schema cannot express (the same SKU twice). */
  | { readonly status: 'rejected'; readonly reason: string }
  | { readonly status: 'payment_failed'; readonly error: PaymentError }
  /** The order was not started: its signal was aborted (a batch whose client left, or a shutdown). */
  | { readonly status: 'cancelled'; readonly reason: string };

export interface PlaceOrderDeps {
  readonly payments: PaymentClient;
  readonly store: OrderStore;
}

class OrderRejectedError extends RejectedError {
  override name = 'OrderRejectedError';
}

function orderTotalCents(items: CreateOrderBody['items']): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}

// The stages. Each runs inside its own child span of `order.place`, which ends when the stage's work ends.

function validate(body: CreateOrderBody): void {
  const seen = new Set<string>();
  for (const item of body.items) {
    if (seen.has(item.sku)) throw new OrderRejectedError(`items: sku ${item.sku} appears more than once`);
    seen.add(item.sku);
  }
}

function price(body: CreateOrderBody): number {
  const total = orderTotalCents(body.items);
  // The schema's limits keep this far below 2^53; the check keeps that true if the limits ever change.
  if (!Number.isSafeInteger(total)) throw new OrderRejectedError('items: order total is too large');
  return total;
}

/** A stage whose work starts child spans (the gRPC CLIENT span of Charge): its span is the active one. */
function stage<T>(name: string, work: (span: Span) => Promise<T> | T): Promise<T> {
  return inSpan(tracer, name, {}, async (span) => work(span));
}

/** A stage that starts no spans and logs nothing: its span needs no context of its own (see inLeafSpan). */
function leafStage<T>(name: string, work: (span: Span) => Promise<T> | T): Promise<T> {
  return inLeafSpan(tracer, name, {}, work);
}

async function runStages(
  orderId: string,
  body: CreateOrderBody,
  deps: PlaceOrderDeps,
  span: Span,
): Promise<OrderOutcome> {
  await leafStage(SpanNames.ORDER_VALIDATE, () => validate(body));
  const amountCents = await leafStage(SpanNames.ORDER_PRICE, (s) => {
    const total = price(body);
    s.setAttribute(AttributeNames.ORDER_AMOUNT_CENTS, total);
    return total;
  });
  span.setAttribute(AttributeNames.ORDER_AMOUNT_CENTS, amountCents);

  const charged = await stage(SpanNames.ORDER_CHARGE, () =>
    deps.payments.charge({
      orderId,
      amountCents,
      currency: body.payment.currency,
      cardNumber: body.payment.cardNumber,
    }),
  );
  if (charged.outcome === 'declined') {
    span.setAttribute(AttributeNames.PAYMENT_DECLINE_REASON, charged.declineReason);
    return { status: 'declined', declineReason: charged.declineReason };
  }

  const order: StoredOrder = {
    orderId,
    status: 'paid',
    tenant: tenantOf(context.active()),
    customerId: body.customer.id,
    items: body.items,
    amountCents,
    currency: body.payment.currency,
    paymentId: charged.paymentId,
    cardLast4: charged.cardLast4,
    createdAt: new Date().toISOString(),
  };
  // A leaf while the store is in memory; a store whose client makes its own spans (a database) needs stage().
  await leafStage(SpanNames.ORDER_PERSIST, () => deps.store.save(order));
  span.setAttribute(AttributeNames.PAYMENT_ID, charged.paymentId);
  return { status: 'paid', order };
}

/**
 * Expected failures become outcomes (the failing stage's span already recorded them: an exception, or a `rejected`
 * event); others are rethrown.
 */
function outcomeOfFailure(err: unknown, span: Span): OrderOutcome {
  if (err instanceof PaymentError) {
    markFailed(span, err);
    return { status: 'payment_failed', error: err };
  }
  if (err instanceof OrderRejectedError) {
    // The caller's mistake, not a failure of ours: recorded, but the span is not an error.
    span.setAttribute(AttributeNames.ORDER_REJECTION_REASON, err.message);
    return { status: 'rejected', reason: err.message };
  }
  throw err;
}

interface PlaceOrderOptions {
  /** Position in a batch, recorded on the span. */
  readonly batchIndex?: number;
  /** Once aborted, the order is not started: it ends `cancelled`. */
  readonly signal?: AbortSignal;
}

/** Why a signal was aborted, as recorded on spans and in the answer. */
export function abortReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
}

/** An order that is not started still gets a short `order.place` span saying so: the trace shows every order. */
function cancelled(signal: AbortSignal, batchIndex: number | undefined): OrderOutcome {
  const reason = abortReason(signal);
  const attributes = {
    ...(batchIndex === undefined ? {} : { [AttributeNames.BATCH_INDEX]: batchIndex }),
    [AttributeNames.ORDER_STATUS]: 'cancelled',
    [AttributeNames.ORDER_CANCEL_REASON]: reason,
  };
  tracer.startSpan(SpanNames.ORDER_PLACE, { attributes }).end();
  return { status: 'cancelled', reason };
}

/**
 * Places one order as a staged pipeline under an `order.place` span:
 *   order.validate -> order.price -> order.charge (the gRPC CLIENT span is its child) -> order.persist
 * Stages run one after the other and each span ends when its stage's work does. A failing stage marks its own
 * span and `order.place` as errors and stops the pipeline. A rejection (the caller's mistake) and a decline (a
 * business outcome) stop it too, recorded on the spans, and no span is an error.
 */
export function placeOrder(
  body: CreateOrderBody,
  deps: PlaceOrderDeps,
  options: PlaceOrderOptions = {},
): Promise<OrderOutcome> {
  if (options.signal?.aborted) return Promise.resolve(cancelled(options.signal, options.batchIndex));
  const orderId = `ord_${randomUUID()}`;
  const attributes = {
    [AttributeNames.ORDER_ID]: orderId,
    [AttributeNames.ORDER_CURRENCY]: body.payment.currency,
    [AttributeNames.ORDER_ITEM_COUNT]: body.items.length,
    [AttributeNames.CUSTOMER_ID]: body.customer.id,
    ...(options.batchIndex === undefined ? {} : { [AttributeNames.BATCH_INDEX]: options.batchIndex }),
    // Deliberately careless: personal data on a span, for the collector to mask (the point of this demo).
    [AttributeNames.USER_EMAIL]: body.customer.email,
    [AttributeNames.PAYMENT_CARD_NUMBER]: body.payment.cardNumber,
  };
  return inSpan(tracer, SpanNames.ORDER_PLACE, attributes, async (span) => {
    const outcome = await runStages(orderId, body, deps, span).catch((err: unknown) => outcomeOfFailure(err, span));
    span.setAttribute(AttributeNames.ORDER_STATUS, outcome.status);
    return outcome;
  });
}
