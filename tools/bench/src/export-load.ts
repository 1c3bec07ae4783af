/**
 * The export benchmark's load process: the real SDK pipeline a service uses (TracerProvider, BatchSpanProcessor
 * with the default queue 2048 / batch 512 / delay 5000 ms, OTLP/gRPC exporter) creating spans at increasing
 * rates into a receiver, one step at a time. After each step it flushes and reports what the processor itself
 * counted (self-observability: exported, dropped because the queue was full, failed) as one JSON line on stdout.
 *
 *   OTEL_EXPORTER_OTLP_COMPRESSION=<none|gzip> node dist/export-load.js <endpoint> <none|gzip> <seconds per step> <rate> [<rate> …]
 *
 * Spans look like order-api's: nine per "order" (a SERVER root and eight children), with the attributes the
 * services set (HTTP/gRPC semantic conventions, tenant, order fields), so batch sizes on the wire are realistic.
 */
import { type Attributes, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { SpanAccounting } from '@otel-stack/telemetry';

export interface ExportStep {
  readonly compression: string;
  readonly targetSpansPerSec: number;
  /** Spans actually created per second (below target when the generator itself runs out of CPU). */
  readonly createdSpansPerSec: number;
  readonly created: number;
  readonly exported: number;
  readonly dropped: number;
  readonly failed: number;
  /** Process CPU (user + system) per exported span, µs: creation + batching + serialization + gRPC. */
  readonly cpuUsPerSpan: number;
  readonly rssMiB: number;
}

const SERVER_ATTRS: Attributes = {
  'http.request.method': 'POST',
  'url.path': '/orders',
  'url.scheme': 'http',
  'http.route': '/orders',
  'server.address': '127.0.0.1',
  'server.port': 8080,
  'network.protocol.version': '1.1',
  'client.address': '127.0.0.1',
  'user_agent.original': 'autocannon',
  'http.response.status_code': 201,
  'tenant.id': 'tenant_a',
};

const CHILD_ATTRS: Attributes = {
  'tenant.id': 'tenant_a',
  'order.id': 'ord_6f1d8c1e-8f1b-4d5b-9a55-6d3c0c3f1c2a',
  'order.currency': 'USD',
  'order.item_count': 1,
  'customer.id': 'c-42',
};

const CHILDREN = ['request', 'handler - ordersRoutes', 'order.place', 'order.validate', 'order.price', 'order.charge'];

function order(tracer: ReturnType<typeof trace.getTracer>): number {
  const root = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER, attributes: SERVER_ATTRS });
  let ctx = trace.setSpan(context.active(), root);
  const open: Span[] = [];
  for (const name of CHILDREN) {
    const span = tracer.startSpan(name, { attributes: CHILD_ATTRS }, ctx);
    ctx = trace.setSpan(ctx, span);
    open.push(span);
  }
  const client = tracer.startSpan(
    'grpc.payment.v1.PaymentService/Charge',
    { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', 'rpc.grpc.status_code': 0, 'tenant.id': 'tenant_a' } },
    ctx,
  );
  client.end();
  tracer
    .startSpan('order.persist', { attributes: CHILD_ATTRS }, trace.setSpan(context.active(), open[2] as Span))
    .end();
  for (const span of open.reverse()) span.end();
  root.end();
  return 2 + CHILDREN.length + 1; // root, children, client, persist
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function main(): Promise<void> {
  const [endpoint, compression, secondsRaw, ...rates] = process.argv.slice(2);
  if (!endpoint || (compression !== 'none' && compression !== 'gzip') || !secondsRaw || rates.length === 0) {
    throw new Error('usage: export-load.js <endpoint> <none|gzip> <seconds> <rate>...');
  }
  const seconds = Number(secondsRaw);
  // The same exact accounting the services log (the processor's own self-observability counter).
  const accounting = new SpanAccounting();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'order-api', 'service.version': '0.1.0' }),
    sampler: new AlwaysOnSampler(),
    spanProcessors: [
      new BatchSpanProcessor({
        // Compression comes from OTEL_EXPORTER_OTLP_COMPRESSION, as in the services (the parent sets it).
        exporter: new OTLPTraceExporter({ url: endpoint }),
        selfObsMeterProvider: accounting.meterProvider,
      }),
    ],
  });
  const tracer = provider.getTracer('bench-export');
  // Connect and warm up before the first step.
  for (let i = 0; i < 200; i++) order(tracer);
  await provider.forceFlush();
  for (const rateRaw of rates) {
    const rate = Number(rateRaw);
    const before = await accounting.totals();
    const cpu0 = cpuSeconds();
    const t0 = performance.now();
    let created = 0;
    // Every 5 ms, create the spans the target rate calls for by now (whole orders), like requests arriving.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = (performance.now() - t0) / 1000;
        const due = Math.min(elapsed, seconds) * rate;
        while (created + 11 <= due) created += order(tracer);
        if (elapsed >= seconds) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    const elapsed = (performance.now() - t0) / 1000;
    await provider.forceFlush();
    const after = await accounting.totals();
    const exported = after.exported - before.exported;
    const step: ExportStep = {
      compression,
      targetSpansPerSec: rate,
      createdSpansPerSec: created / elapsed,
      created,
      exported,
      dropped: after.dropped - before.dropped,
      failed: after.failed - before.failed,
      cpuUsPerSpan: exported > 0 ? ((cpuSeconds() - cpu0) * 1e6) / exported : 0,
      rssMiB: process.memoryUsage().rss / 2 ** 20,
    };
    process.stdout.write(`${JSON.stringify(step)}\n`);
    if (step.dropped > 0 || step.failed > 0) break;
  }
  await provider.shutdown();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
