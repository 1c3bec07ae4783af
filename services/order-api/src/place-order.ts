import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { inSpan, markFailed, tenantOf } from '@otel-stack/telemetry';
import type { OrderStore, StoredOrder } from './order-store';
import { type PaymentClient, PaymentError } from './payment-client';
import type { CreateOrderBody } from './schemas/order';

const tracer = trace.getTracer('order-api');

export type PlaceOrderResult =
  | { readonly kind: 'paid'; readonly order: StoredOrder }
  | { readonly kind: 'declined'; readonly reason: string }
  | { readonly kind: 'payment_failed'; readonly error: PaymentError };

export interface PlaceOrderDeps {
  readonly payments: PaymentClient;
  readonly store: OrderStore;
}

export function orderTotalCents(items: CreateOrderBody['items']): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}

/**
 * Places one order inside an `order.place` span: charge the card through payment-service, keep the paid order.
 * A decline is a business outcome (span UNSET, `order.status=declined`); a payment failure is recorded as an error
 * on this span (the gRPC CLIENT span below it records its own).
 */
export function placeOrder(body: CreateOrderBody, deps: PlaceOrderDeps): Promise<PlaceOrderResult> {
  const orderId = `ord_${randomUUID()}`;
  const amountCents = orderTotalCents(body.items);
  const attributes = {
    'order.id': orderId,
    'order.amount_cents': amountCents,
    'order.currency': body.payment.currency,
    'order.item_count': body.items.length,
    'customer.id': body.customer.id,
    // Deliberately careless, as DESIGN.md asks: personal data on a span, for the collector to mask.
    'user.email': body.customer.email,
    'payment.card.number': body.payment.cardNumber,
  };
  return inSpan(tracer, 'order.place', attributes, async (span) => {
    try {
      const charged = await deps.payments.charge({
        orderId,
        amountCents,
        currency: body.payment.currency,
        cardNumber: body.payment.cardNumber,
      });
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
      await deps.store.save(order);
      span.setAttributes({ 'order.status': 'paid', 'payment.id': charged.paymentId });
      return { kind: 'paid', order };
    } catch (err) {
      if (!(err instanceof PaymentError)) throw err;
      markFailed(span, err);
      span.setAttribute('order.status', 'payment_failed');
      return { kind: 'payment_failed', error: err };
    }
  });
}
