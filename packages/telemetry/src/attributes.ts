/**
 * Span attribute names more than one part of the stack depends on: the collector routes on `tenant.id` and masks
 * `user.email` and `payment.card.number`; both services record the order and payment ones. Each service adds its
 * own names to these in its `attributes.ts`.
 */
export const SharedAttributeNames = {
  /** The effective tenant, on every span of both services. */
  TENANT_ID: 'tenant.id',
  USER_EMAIL: 'user.email',
  PAYMENT_CARD_NUMBER: 'payment.card.number',
  ORDER_ID: 'order.id',
  PAYMENT_ID: 'payment.id',
  PAYMENT_DECLINE_REASON: 'payment.decline_reason',
  /** On the `rejected` event: why the caller's request was refused (a 4xx, not a failure of ours). */
  REJECTION_REASON: 'rejection.reason',
} as const;

/** Span event names the telemetry package records for the services. */
export const SharedEventNames = {
  /** A RejectedError ended the span: recorded, the span is not an error. */
  REJECTED: 'rejected',
} as const;
