// Tail sampling in the real collector with TAIL_SAMPLING_PERCENTAGE=0: only traces with an error and traces over
// 1 s reach a Jaeger, each decided as a whole before routing. (With 100, every trace arrives: routing.test.ts.)
import {
  BACKENDS,
  type Pipeline,
  type RunningService,
  randomSpanId,
  randomTraceId,
  sendOtlpJson,
  startPipeline,
  startService,
  sumOf,
} from '@otel-stack/devstack';
import { TEST_CARDS } from 'load-generator/fixtures';
import { type SentOrder, sendOrder, waitForTraces } from './harness/traces';

let pipeline: Pipeline;
let slowPayment: RunningService;
let slowOrders: RunningService;
const kept: SentOrder[] = [];
const dropped: SentOrder[] = [];
const mixedTraceId = randomTraceId();
const mixedSpans = { error: randomSpanId(), ok: randomSpanId() };

beforeAll(async () => {
  pipeline = await startPipeline({ collector: { TAIL_SAMPLING_PERCENTAGE: '0' } });
  // A second order-api / payment-service pair whose charges take 1.2 s: every order trace lasts more than 1 s.
  const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: pipeline.collector.otlpGrpcEndpoint };
  slowPayment = await startService('payment-service', { env: { ...otlp, PAYMENT_LATENCY_MS: '1200' } });
  slowOrders = await startService('order-api', {
    env: { ...otlp, PAYMENT_SERVICE_ADDR: `127.0.0.1:${slowPayment.port}`, PAYMENT_TIMEOUT_MS: '5000' },
  });
  const slowUrl = `http://127.0.0.1:${slowOrders.port}`;
  for (const tenant of ['tenant_a', 'tenant_b']) {
    dropped.push(await sendOrder(pipeline.baseUrl, TEST_CARDS.approved, tenant));
    dropped.push(await sendOrder(pipeline.baseUrl, TEST_CARDS.declined, tenant)); // a decline is not an error
    kept.push(await sendOrder(pipeline.baseUrl, TEST_CARDS.failing, tenant)); // ERROR spans
    kept.push(await sendOrder(slowUrl, TEST_CARDS.approved, tenant)); // > 1 s
  }
  // One trace whose spans belong to two backends: the error is in tenant_a's span only. Sampled as a whole before
  // routing, both parts are kept; a sampler after the router would drop the default part, which has no error.
  await sendOtlpJson(pipeline.collector.otlpHttpUrl, [
    {
      resource: { 'service.name': 'sampling-probe' },
      spans: [
        {
          traceId: mixedTraceId,
          spanId: mixedSpans.error,
          name: 'fails',
          attributes: { 'tenant.id': 'tenant_a' },
          status: { code: 2 },
        },
        { traceId: mixedTraceId, spanId: mixedSpans.ok, parentSpanId: mixedSpans.error, name: 'fine' },
      ],
    },
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([slowOrders?.terminate(), slowPayment?.terminate()]);
  await pipeline?.stop();
});

describe('tail sampling at 0 %', () => {
  it('the orders got their expected answers', () => {
    expect(kept.map((o) => o.status)).toEqual([502, 201, 502, 201]);
    expect(dropped.map((o) => o.status)).toEqual([201, 402, 201, 402]);
  });

  it("keeps every trace with an error and every trace over 1 s, whole, in its tenant's Jaeger", async () => {
    for (const tenant of ['tenant_a', 'tenant_b'] as const) {
      const ids = kept.filter((o) => o.tenant === tenant).map((o) => o.traceId);
      expect((await waitForTraces(pipeline.jaegers[tenant], ids)).size).toBe(ids.length);
    }
  });

  it('decides on the whole trace before routing: both parts of a trace spanning two tenants are kept', async () => {
    const has = (id: string) => (spans: readonly { spanId: string }[]) => spans.some((s) => s.spanId === id);
    await waitForTraces(pipeline.jaegers.tenant_a, [mixedTraceId], has(mixedSpans.error));
    await waitForTraces(pipeline.jaegers.default, [mixedTraceId], has(mixedSpans.ok));
  });

  it('drops every other trace: fast approved and declined orders reach no Jaeger', async () => {
    // Every decision is made once the collector holds no trace any more; only then is absence meaningful.
    expect(await pipeline.drained()).toBe(true);
    for (const backend of BACKENDS) {
      const { traceIds } = await pipeline.jaegers[backend].dump();
      for (const order of dropped) expect(traceIds.has(order.traceId)).toBe(false);
    }
    const metrics = await pipeline.collector.metrics();
    expect(sumOf(metrics, 'otelcol_processor_tail_sampling_sampling_trace_dropped_too_early')).toBe(0);
  });
});
