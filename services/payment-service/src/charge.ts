import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Span, trace } from '@opentelemetry/api';
import type { ChargeInput, ChargeResult } from '@otel-stack/protos';
import { inLeafSpan } from '@otel-stack/telemetry';
import { AttributeNames, SpanNames } from './attributes';
import { verdictFor } from './cards';

const tracer = trace.getTracer('payment-service');

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
export function charge(req: ChargeInput, options: ChargeOptions): Promise<ChargeResult> {
  const cardLast4 = req.cardNumber.slice(-4);
  const attributes = {
    [AttributeNames.ORDER_ID]: req.orderId,
    [AttributeNames.PAYMENT_AMOUNT_CENTS]: req.amountCents,
    [AttributeNames.PAYMENT_CURRENCY]: req.currency,
    [AttributeNames.PAYMENT_CARD_LAST4]: cardLast4,
    // Deliberately careless: the collector must mask this before any backend sees it.
    [AttributeNames.PAYMENT_CARD_NUMBER]: req.cardNumber,
  };
  // A leaf: nothing inside starts a span or logs, so the span need not become the active one.
  return inLeafSpan(tracer, SpanNames.PAYMENT_CHARGE, attributes, async (span: Span) => {
    if (options.latencyMs > 0) await sleep(options.latencyMs);
    if ((options.random ?? Math.random)() < options.failureRate) {
      throw new ChargeFailedError('payment processor unavailable (injected by PAYMENT_FAILURE_RATE)', true);
    }
    const verdict = verdictFor(req.cardNumber);
    switch (verdict.outcome) {
      case 'processor_error':
        throw new ChargeFailedError('payment processor error', false);
      case 'declined':
        span.setAttributes({
          [AttributeNames.PAYMENT_OUTCOME]: verdict.outcome,
          [AttributeNames.PAYMENT_DECLINE_REASON]: verdict.declineReason,
        });
        return { ...verdict, cardLast4 };
      case 'approved': {
        const paymentId = `pay_${randomUUID()}`;
        span.setAttributes({
          [AttributeNames.PAYMENT_OUTCOME]: verdict.outcome,
          [AttributeNames.PAYMENT_ID]: paymentId,
        });
        return { ...verdict, paymentId, cardLast4 };
      }
    }
  });
}
