import { randomUUID } from 'node:crypto';
import { context, type Span, trace } from '@opentelemetry/api';
import { inSpan, markFailed, RejectedError, tenantOf } from '@otel-stack/telemetry';
import type { OrderStore, StoredOrder } from './order-store';
import { type ChargeOutcome, type PaymentClient, PaymentError } from './payment-client';
import type { CreateOrderBody } from './schemas/order';

const tracer = trace.getTracer('order-api');

export type PlaceOrderResult =
  | { readonly kind: 'paid'; readonly order: StoredOrder }
  | { readonly kind: 'declined'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'payment_failed'; readonly error: PaymentError };

export interface PlaceOrderDeps {
  readonly payments: PaymentClient;
  readonly store: OrderStore;
}

/** A business rule the JSON schema cannot express; answered 400 invalid_request. */
export class OrderRejectedError extends RejectedError {
  override name = 'OrderRejectedError';
}

export function orderTotalCents(items: CreateOrderBody['items']): number {
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

function stage<T>(name: string, work: (span: Span) => Promise<T> | T): Promise<T> {
  return inSpan(tracer, name, {}, async (span) => work(span));
}

export interface PlaceOrderOptions {
  /** Position in a batch, recorded on the span. */
  readonly batchIndex?: number;
}

/**
 * Places one order as a staged pipeline under an `order.place` span:
 *   order.validate -> order.price -> order.charge (the gRPC CLIENT span is its child) -> order.persist
 * Stages run one after the other and each span ends when its stage's work does. A failing stage marks its own
 * span and `order.place` as errors and stops the pipeline. A decline is a business outcome: the pipeline stops
 * before persisting, and no span is an error.
 */
export function placeOrder(
  body: CreateOrderBody,
  deps: PlaceOrderDeps,
  options: PlaceOrderOptions = {},
): Promise<PlaceOrderResult> {
  const orderId = `ord_${randomUUID()}`;
  const attributes = {
    'order.id': orderId,
    'order.currency': body.payment.currency,
    'order.item_count': body.items.length,
    'customer.id': body.customer.id,
    ...(options.batchIndex === undefined ? {} : { 'batch.index': options.batchIndex }),
    // Deliberately careless: personal data on a span, for the collector to mask (the point of this demo).
    'user.email': body.customer.email,
    'payment.card.number': body.payment.cardNumber,
  };
  return inSpan(tracer, 'order.place', attributes, async (span) => {
    try {
      await stage('order.validate', () => validate(body));
      const amountCents = await stage('order.price', (s) => {
        const total = price(body);
        s.setAttribute('order.amount_cents', total);
        return total;
      });
      span.setAttribute('order.amount_cents', amountCents);

      const charged: ChargeOutcome = await stage('order.charge', () =>
        deps.payments.charge({
          orderId,
          amountCents,
          currency: body.payment.currency,
          cardNumber: body.payment.cardNumber,
        }),
      );
      if (charged.outcome === 'declined') {
        span.setAttributes({ 'order.status': 'declined', 'payment.decline_reason': charged.declineReason });
        return { kind: 'declined', reason: charged.declineReason };
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
      await stage('order.persist', () => deps.store.save(order));
      span.setAttributes({ 'order.status': 'paid', 'payment.id': charged.paymentId });
      return { kind: 'paid', order };
    } catch (err) {
      // Expected failures become results; the stage span already recorded the error, this marks the order span.
      if (err instanceof PaymentError) {
        markFailed(span, err);
        span.setAttribute('order.status', 'payment_failed');
        return { kind: 'payment_failed', error: err };
      }
      if (err instanceof OrderRejectedError) {
        // The caller's mistake (answered 400), not a failure of ours: recorded, but the span is not an error.
        span.setAttributes({ 'order.status': 'rejected', 'order.rejection_reason': err.message });
        return { kind: 'invalid', message: err.message };
      }
      throw err;
    }
  });
}
