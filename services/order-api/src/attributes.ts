import { SharedAttributeNames } from '@otel-stack/telemetry';

/** The spans order-api starts: one per order and one per stage of it, one per batch. */
export const SpanNames = {
  ORDER_PLACE: 'order.place',
  ORDER_VALIDATE: 'order.validate',
  ORDER_PRICE: 'order.price',
  ORDER_CHARGE: 'order.charge',
  ORDER_PERSIST: 'order.persist',
  ORDERS_BATCH: 'orders.batch',
} as const;

/** The span attributes order-api records: the shared ones and its own. */
export const AttributeNames = {
  ...SharedAttributeNames,
  /** How the order ended: the `status` of its OrderOutcome (paid, declined, rejected, payment_failed, cancelled). */
  ORDER_STATUS: 'order.status',
  ORDER_CURRENCY: 'order.currency',
  ORDER_ITEM_COUNT: 'order.item_count',
  ORDER_AMOUNT_CENTS: 'order.amount_cents',
  ORDER_REJECTION_REASON: 'order.rejection_reason',
  ORDER_CANCEL_REASON: 'order.cancel_reason',
  CUSTOMER_ID: 'customer.id',
  /** The order's position in its batch. */
  BATCH_INDEX: 'batch.index',
  BATCH_SIZE: 'batch.size',
  BATCH_CONCURRENCY: 'batch.concurrency',
  BATCH_PAID: 'batch.paid',
  BATCH_DECLINED: 'batch.declined',
  BATCH_FAILED: 'batch.failed',
  BATCH_CANCELLED: 'batch.cancelled',
  /** On the `batch.cancelled` event: why the queued orders were not started. */
  CANCEL_REASON: 'reason',
} as const;

/** The span events order-api records. */
export const EventNames = {
  BATCH_CANCELLED: 'batch.cancelled',
} as const;
