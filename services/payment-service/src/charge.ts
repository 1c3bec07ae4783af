import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Span, trace } from '@opentelemetry/api';
import { inSpan } from '@otel-stack/telemetry';
import { verdictFor } from './cards';
import type { ValidCharge } from './validate-charge';

const tracer = trace.getTracer('payment-service');

export type ChargeResult =
  | { readonly outcome: 'approved'; readonly paymentId: string; readonly cardLast4: string }
  | { readonly outcome: 'declined'; readonly declineReason: string; readonly cardLast4: string };

/** The charge could not be made; `retryable` failures map to UNAVAILABLE, the others to INTERNAL. */
export class ChargeFailedError extends Error {
  override name = 'ChargeFailedError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface ChargeOptions {
  readonly failureRate: number;
  readonly latencyMs: number;
  /** Injected for tests; Math.random by default. */
  readonly random?: () => number;
}

/**
 * Charges a validated request inside a `payment.charge` span. Declines are business outcomes: returned, span UNSET.
 * Failures throw ChargeFailedError, recorded on the span (exception event, status ERROR).
 */
export function charge(req: ValidCharge, options: ChargeOptions): Promise<ChargeResult> {
  const cardLast4 = req.cardNumber.slice(-4);
  const attributes = {
    'order.id': req.orderId,
    'payment.amount_cents': req.amountCents,
    'payment.currency': req.currency,
    'payment.card.last4': cardLast4,
    // Deliberately careless: the collector must mask this before any backend sees it.
    'payment.card.number': req.cardNumber,
  };
  return inSpan(tracer, 'payment.charge', attributes, async (span: Span) => {
    if (options.latencyMs > 0) await sleep(options.latencyMs);
    if ((options.random ?? Math.random)() < options.failureRate) {
      throw new ChargeFailedError('payment processor unavailable (injected by PAYMENT_FAILURE_RATE)', true);
    }
    const verdict = verdictFor(req.cardNumber);
    switch (verdict.kind) {
      case 'processor_error':
        throw new ChargeFailedError('payment processor error', false);
      case 'decline':
        span.setAttributes({ 'payment.outcome': 'declined', 'payment.decline_reason': verdict.reason });
        return { outcome: 'declined', declineReason: verdict.reason, cardLast4 };
      case 'approve': {
        const paymentId = `pay_${randomUUID()}`;
        span.setAttributes({ 'payment.outcome': 'approved', 'payment.id': paymentId });
        return { outcome: 'approved', paymentId, cardLast4 };
      }
    }
  });
}
