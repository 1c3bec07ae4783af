import { attr, type Jaeger, randomSpanId, randomTraceId, type StoredSpan } from '@otel-stack/devstack';
import { sampleOrder } from 'load-generator/fixtures';
import { postOrder } from '../../integration/harness/orders';

/** A traceparent header with a fresh trace ID, so a test knows every trace it caused, answered or not. */
export function newTraceparent(): { traceId: string; header: string } {
  const traceId = randomTraceId();
  return { traceId, header: `00-${traceId}-${randomSpanId()}-01` };
}

export interface SentOrder {
  readonly traceId: string;
  readonly status: number;
  readonly card: string;
  /** The tenant_id baggage sent, if any. */
  readonly tenant: string | undefined;
}

/** POST /orders with our own trace ID and, unless undefined, `tenant_id` baggage. */
export async function sendOrder(baseUrl: string, card: string, tenant: string | undefined): Promise<SentOrder> {
  const { traceId, header } = newTraceparent();
  const headers: Record<string, string> = { traceparent: header };
  if (tenant !== undefined) headers.baggage = `tenant_id=${tenant}`;
  const res = await postOrder(baseUrl, sampleOrder(card), headers);
  return { traceId, status: res.status, card, tenant };
}

const serviceOf = (span: StoredSpan): string | undefined => attr(span.resource, 'service.name');

/**
 * A whole order trace: order-api's SERVER span is the one root (its parent is the caller's span from our
 * traceparent, which is not part of the trace), every other span's parent is in the trace, and payment-service's
 * spans are there too.
 */
export function isCompleteOrderTrace(spans: readonly StoredSpan[]): boolean {
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
  const services = new Set(spans.map(serviceOf));
  return (
    roots.length === 1 &&
    serviceOf(roots[0] as StoredSpan) === 'order-api' &&
    roots[0]?.kind === 2 &&
    services.has('order-api') &&
    services.has('payment-service')
  );
}

/**
 * Polls Jaeger until every trace ID is there and `complete` holds for it (a trace can land in more than one export
 * batch); throws naming the traces still missing.
 */
export async function waitForTraces(
  jaeger: Jaeger,
  traceIds: readonly string[],
  complete: (spans: readonly StoredSpan[]) => boolean = isCompleteOrderTrace,
  timeoutMs = 45_000,
): Promise<Map<string, StoredSpan[]>> {
  const found = new Map<string, StoredSpan[]>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const id of traceIds) {
      if (found.has(id)) continue;
      const spans = await jaeger.trace(id);
      if (spans && complete(spans)) found.set(id, spans);
    }
    if (found.size === traceIds.length) return found;
    if (Date.now() > deadline) {
      const missing = traceIds.filter((id) => !found.has(id));
      throw new Error(
        `jaeger-${jaeger.name}: ${missing.length} of ${traceIds.length} traces missing: ${missing.join(' ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** "span export totals" from a stopped service's log: what its SDK exported. */
export function exportedSpans(logs: ReadonlyArray<Record<string, unknown>>): number {
  const totals = logs.find((l) => typeof l.msg === 'string' && l.msg.includes('span export totals'));
  if (!totals) throw new Error('no "span export totals" log line');
  return Number(totals.exported);
}
