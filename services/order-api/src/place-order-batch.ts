import { type Span, trace } from '@opentelemetry/api';
import { inSpan } from '@otel-stack/telemetry';
import pMap from 'p-map';
import { type ErrorBody, errorBody } from './errors';
import { answerFor } from './order-answer';
import { type PlaceOrderDeps, placeOrder } from './place-order';
import type { CreatedOrder, CreateOrderBody } from './schemas/order';

const tracer = trace.getTracer('order-api');

export type BatchResult =
  | { index: number; status: 201; order: CreatedOrder }
  | { index: number; status: 400 | 402 | 502 | 503; error: ErrorBody['error'] };

export interface BatchOptions {
  /** At most this many orders are in flight at once (BATCH_CONCURRENCY). */
  readonly concurrency: number;
  /** Aborted when the client disconnects or the service shuts down: orders not yet started are cancelled. */
  readonly signal: AbortSignal;
}

/** Why a batch was cut short, as recorded on spans and in the answer. */
function cancelReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
}

/** A queued order that never started: a short `order.place` span says so, so the trace shows every order. */
function cancelled(index: number, reason: string): BatchResult {
  tracer
    .startSpan('order.place', {
      attributes: { 'batch.index': index, 'order.status': 'cancelled', 'order.cancel_reason': reason },
    })
    .end();
  return { index, status: 503, error: errorBody('payment_unavailable', `not processed: ${reason}`).error };
}

/**
 * Fan-out / fan-in: every order of the batch runs through the same pipeline as POST /orders, at most
 * `concurrency` at a time (a worker pool over the queue of orders, p-map), each under its own `order.place` span,
 * child of one `orders.batch` span. Results come back in input order. Each order's spans stay in that order's
 * own async context (AsyncLocalStorage), so concurrent orders never adopt each other's spans.
 */
export function placeOrderBatch(
  orders: readonly CreateOrderBody[],
  deps: PlaceOrderDeps,
  options: BatchOptions,
): Promise<BatchResult[]> {
  const attributes = { 'batch.size': orders.length, 'batch.concurrency': options.concurrency };
  return inSpan(tracer, 'orders.batch', attributes, async (span: Span) => {
    const traceId = span.spanContext().traceId;
    let cancelledCount = 0;
    const results = await pMap(
      orders.entries(),
      async ([index, body]): Promise<BatchResult> => {
        if (options.signal.aborted) {
          cancelledCount++;
          return cancelled(index, cancelReason(options.signal));
        }
        const answer = answerFor(await placeOrder(body, deps, { batchIndex: index }), traceId);
        return answer.status === 201
          ? { index, status: 201, order: answer.order }
          : { index, status: answer.status, error: answer.body.error };
      },
      { concurrency: options.concurrency },
    );
    const count = (status: number) => results.filter((r) => r.status === status).length;
    span.setAttributes({
      'batch.paid': count(201),
      'batch.declined': count(402),
      'batch.failed': results.length - count(201) - count(402) - cancelledCount,
      'batch.cancelled': cancelledCount,
    });
    if (cancelledCount > 0)
      span.addEvent('batch.cancelled', { 'batch.cancelled': cancelledCount, reason: cancelReason(options.signal) });
    return results;
  });
}
