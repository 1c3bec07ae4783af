import { SharedAttributeNames } from '@otel-stack/telemetry';

/** The spans payment-service starts. */
export const SpanNames = {
  PAYMENT_CHARGE: 'payment.charge',
} as const;

/** The span attributes payment-service records: the shared ones and its own. */
export const AttributeNames = {
  ...SharedAttributeNames,
  PAYMENT_AMOUNT_CENTS: 'payment.amount_cents',
  PAYMENT_CURRENCY: 'payment.currency',
  PAYMENT_CARD_LAST4: 'payment.card.last4',
  /** The ChargeResult's outcome: `approved` or `declined`. */
  PAYMENT_OUTCOME: 'payment.outcome',
} as const;
