import { type Span, trace } from '@opentelemetry/api';
import { inSpan } from '@otel-stack/telemetry';
import pMap from 'p-map';
import { AttributeNames, EventNames, SpanNames } from './attributes';
import { answerFor, type OrderAnswer } from './order-answer';
import { abortReason, type OrderOutcome, type PlaceOrderDeps, placeOrder } from './place-order';
import type { CreateOrderBody } from './schemas/order';

const tracer = trace.getTracer('order-api');

interface BatchOptions {
  /** At most this many orders are in flight at once (BATCH_CONCURRENCY). */
  readonly concurrency: number;
  /** Aborted when the client disconnects or the service shuts down: orders not yet started are cancelled. */
  readonly signal: AbortSignal;
}

/**
 * Fan-out / fan-in: every order of the batch runs through the same pipeline as POST /orders, at most
 * `concurrency` at a time (a worker pool over the queue of orders, p-map), each under its own `order.place` span,
 * child of one `orders.batch` span. Results come back in input order, each answered like POST /orders. Each
 * order's spans stay in that order's own async context (AsyncLocalStorage), so concurrent orders never adopt each
 * other's spans.
 */
export function placeOrderBatch(
  orders: readonly CreateOrderBody[],
  deps: PlaceOrderDeps,
  options: BatchOptions,
): Promise<Array<{ readonly index: number } & OrderAnswer>> {
  const attributes = {
    [AttributeNames.BATCH_SIZE]: orders.length,
    [AttributeNames.BATCH_CONCURRENCY]: options.concurrency,
  };
  return inSpan(tracer, SpanNames.ORDERS_BATCH, attributes, async (span: Span) => {
    const outcomes = await pMap(
      orders.entries(),
      ([index, body]) => placeOrder(body, deps, { batchIndex: index, signal: options.signal }),
      { concurrency: options.concurrency },
    );
    const count = (status: OrderOutcome['status']) => outcomes.filter((o) => o.status === status).length;
    const cancelled = count('cancelled');
    span.setAttributes({
      [AttributeNames.BATCH_PAID]: count('paid'),
      [AttributeNames.BATCH_DECLINED]: count('declined'),
      [AttributeNames.BATCH_FAILED]: outcomes.length - count('paid') - count('declined') - cancelled,
      [AttributeNames.BATCH_CANCELLED]: cancelled,
    });
    if (cancelled > 0) {
      span.addEvent(EventNames.BATCH_CANCELLED, {
        [AttributeNames.BATCH_CANCELLED]: cancelled,
        [AttributeNames.CANCEL_REASON]: abortReason(options.signal),
      });
    }
    const traceId = span.spanContext().traceId;
    return outcomes.map((outcome, index) => ({ index, ...answerFor(outcome, traceId) }));
  });
}
