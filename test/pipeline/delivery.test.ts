// Delivery through the real collector's persistent queues (file_storage): a tenant's Jaeger down for a while, and
// the collector itself stopped with SIGTERM while that Jaeger is down, then started again on the same storage.
import { type CollectorMetrics, type Pipeline, startPipeline, sumOf } from '@otel-stack/devstack';
import { TEST_CARDS } from 'load-generator/fixtures';
import { type SentOrder, sendOrder, waitForTraces } from './harness/traces';

const QUEUED = { exporter: 'otlp_grpc/tenant_b' };

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline({ collector: { TAIL_SAMPLING_PERCENTAGE: '100' } });
}, 60_000);

afterAll(() => pipeline?.stop());

async function sendOrders(tenant: string, count: number): Promise<SentOrder[]> {
  const sent: SentOrder[] = [];
  for (let i = 0; i < count; i++) sent.push(await sendOrder(pipeline.baseUrl, TEST_CARDS.approved, tenant));
  return sent;
}

/** Waits until tail sampling has decided every trace and tenant_b's exporter holds them (its Jaeger is down). */
async function waitUntilQueued(): Promise<CollectorMetrics> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const metrics = await pipeline.collector.metrics();
    const inSampler = sumOf(metrics, 'otelcol_processor_tail_sampling_sampling_traces_on_memory');
    if (inSampler === 0 && sumOf(metrics, 'otelcol_exporter_queue_size', QUEUED) > 0) return metrics;
    if (Date.now() > deadline) throw new Error(`not queued: ${inSampler} traces still in tail sampling`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a tenant Jaeger down and back', () => {
  it('the traces sent meanwhile arrive once it is back, and the counters agree: accepted = sent, 0 refused, 0 failed', async () => {
    await pipeline.jaegers.tenant_b.stop();
    const whileDown = await sendOrders('tenant_b', 3);
    const others = await sendOrders('tenant_a', 2);
    expect([...whileDown, ...others].map((o) => o.status)).toEqual([201, 201, 201, 201, 201]);
    // tenant_a is not held up by tenant_b's outage.
    await waitForTraces(
      pipeline.jaegers.tenant_a,
      others.map((o) => o.traceId),
    );
    await waitUntilQueued();

    await pipeline.jaegers.tenant_b.start();
    await waitForTraces(
      pipeline.jaegers.tenant_b,
      whileDown.map((o) => o.traceId),
      undefined,
      60_000,
    );

    expect(await pipeline.drained()).toBe(true);
    const metrics = await pipeline.collector.metrics();
    const accepted = sumOf(metrics, 'otelcol_receiver_accepted_spans');
    expect(accepted).toBeGreaterThan(0);
    expect(sumOf(metrics, 'otelcol_exporter_sent_spans')).toBe(accepted);
    expect(sumOf(metrics, 'otelcol_receiver_refused_spans')).toBe(0);
    expect(sumOf(metrics, 'otelcol_exporter_send_failed_spans')).toBe(0);
    expect(sumOf(metrics, 'otelcol_exporter_enqueue_failed_spans')).toBe(0);
  }, 120_000);
});

describe('the collector stopped while a Jaeger is down', () => {
  it('keeps the queued spans on disk across SIGTERM and delivers them after a restart on the same storage', async () => {
    await pipeline.jaegers.tenant_b.stop();
    const queued = await sendOrders('tenant_b', 3);
    const before = await waitUntilQueued();
    const queuedSpans = sumOf(before, 'otelcol_exporter_queue_size', QUEUED);

    const stopped = await pipeline.collector.stop();
    expect(stopped).toMatchObject({ code: 0 });
    await pipeline.restartCollector();
    await pipeline.jaegers.tenant_b.start();

    const stored = await waitForTraces(
      pipeline.jaegers.tenant_b,
      queued.map((o) => o.traceId),
      undefined,
      60_000,
    );
    expect(stored.size).toBe(queued.length);
    expect(await pipeline.drained()).toBe(true);
    const after = await pipeline.collector.metrics();
    // The new process accepted nothing itself: what it sent came from the queue on disk.
    expect(sumOf(after, 'otelcol_receiver_accepted_spans')).toBe(0);
    expect(sumOf(after, 'otelcol_exporter_sent_spans', QUEUED)).toBeGreaterThanOrEqual(queuedSpans);
    expect(sumOf(after, 'otelcol_exporter_send_failed_spans')).toBe(0);
  }, 120_000);
});
