/**
 * `pnpm demo`: sample orders through the real pipeline -- both services, our collector distribution and one Jaeger
 * per backend, as `pnpm stack` runs them -- and each tenant's traces read back from that tenant's Jaeger, masked.
 * Keeps running for your own requests until Ctrl-C; `--once` exits after the samples (used by the test suite).
 *
 * Without Go (the collector and Jaeger are built from their Go modules) it falls back to the services and a local
 * OTLP receiver that prints the raw spans: no masking, no routing, and it says so. `--receiver-only` forces that.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type CardKind, sampleOrder, TEST_CARDS } from 'load-generator/fixtures';
import { type Answer, endpointUrl, sendOrder } from 'load-generator/traffic';
import { buildBinaries, missingBinaries } from './binaries';
import { toReceivedSpan } from './jaeger';
import { randomSpanId, randomTraceId } from './otlp-json';
import type { ReceivedSpan } from './otlp-receiver';
import { BACKENDS, type Backend, type Pipeline } from './pipeline';
import { stopChildrenYourselfOnSigterm } from './processes';
import { type Stack, startStack } from './stack';
import { curlSampleOrder, describeStack, startNativeStack, stopOnSignals, writeLogs } from './stack-cli';
import { formatTraceTree } from './trace-tree';

const ONCE = process.argv.includes('--once');
const say = (line = '') => process.stdout.write(`${line}\n`);

// The sample order with the fixtures' test cards, one sample per tenant route.
const SAMPLES = [
  { what: 'approved', tenant: 'tenant_a', backend: 'tenant_a', card: 'approved' },
  { what: 'declined', tenant: 'tenant_b', backend: 'tenant_b', card: 'declined' },
  { what: 'payment-service fails', tenant: 'tenant_a', backend: 'tenant_a', card: 'failing' },
  { what: 'unknown tenant -> default', tenant: 'tenant_zz', backend: 'default', card: 'approved' },
] as const satisfies ReadonlyArray<{ what: string; tenant: string; backend: Backend; card: CardKind }>;

/** `201 paid`, `402 payment_declined`, ... or why no answer came. */
function describeAnswer(answer: Answer): string {
  if ('error' in answer) return `no answer (${answer.error})`;
  const { error } = JSON.parse(answer.body) as { error?: { code: string } };
  return `${answer.status} ${error ? error.code : 'paid'}`;
}

/** Sends the samples one after the other, each with its own trace ID; returns them. */
async function sendSamples(baseUrl: string): Promise<string[]> {
  const url = endpointUrl(new URL(baseUrl), 'orders');
  const traceIds: string[] = [];
  for (const { what, tenant, card } of SAMPLES) {
    const traceId = randomTraceId();
    traceIds.push(traceId);
    const answer = await sendOrder(
      url,
      { tenant, card, body: sampleOrder(TEST_CARDS[card]) },
      { timeoutMs: 10_000, headers: { traceparent: `00-${traceId}-${randomSpanId()}-01` } },
    );
    say(`POST /orders  baggage tenant_id=${tenant}  card ${TEST_CARDS[card]}  -> ${describeAnswer(answer)}  (${what})`);
  }
  return traceIds;
}

async function realPipelineDemo(): Promise<void> {
  const pipeline: Pipeline = await startNativeStack();
  const stop = stopOnSignals(pipeline);
  say(`\nThe pipeline is up:\n${describeStack(pipeline)}\n`);
  const traceIds = await sendSamples(pipeline.baseUrl);
  say('\nWaiting for tail sampling to decide (10 s after a trace starts), then reading each Jaeger back...');
  for (const backend of BACKENDS) {
    const jaeger = pipeline.jaegers[backend];
    const ids = traceIds.filter((_, i) => SAMPLES[i]?.backend === backend);
    say(`\n=== jaeger ${backend}  ${jaeger.queryUrl}  (${ids.length} trace${ids.length === 1 ? '' : 's'})`);
    for (const id of ids) {
      const spans = await waitForStoredTrace(pipeline, backend, id);
      say(spans ? formatTraceTree(spans) : `trace ${id}: not in this Jaeger after 30 s`);
    }
  }
  say(`
Stored as the collector left them: payment.card.number is **** + the last four digits, user.email is gone and
user.hash holds its SHA-256, and every tenant's traces are in its own Jaeger only. Send your own:

${curlSampleOrder(pipeline.baseUrl, 'tenant_b')}
`);
  if (ONCE) return stop('--once');
  say('Press Ctrl-C to stop.');
}

/** The trace once its span count has stopped growing (a trace can land in more than one export batch). */
async function waitForStoredTrace(
  pipeline: Pipeline,
  backend: Backend,
  traceId: string,
): Promise<ReceivedSpan[] | undefined> {
  const deadline = Date.now() + 30_000;
  let last = -1;
  while (Date.now() < deadline) {
    const spans = await pipeline.jaegers[backend].trace(traceId);
    if (spans && spans.length === last) return spans.map(toReceivedSpan);
    last = spans?.length ?? -1;
    await new Promise((r) => setTimeout(r, spans ? 1_000 : 500));
  }
  return undefined;
}

/** Buffers spans per trace and prints each trace once no span of it has arrived for a second. */
class TracePrinter {
  readonly #pending = new Map<string, { spans: ReceivedSpan[]; timer: NodeJS.Timeout }>();
  printed = 0;

  add(span: ReceivedSpan): void {
    const entry = this.#pending.get(span.traceId) ?? { spans: [], timer: setTimeout(() => {}, 0) };
    clearTimeout(entry.timer);
    entry.spans.push(span);
    entry.timer = setTimeout(() => this.#print(span.traceId), 1_000);
    this.#pending.set(span.traceId, entry);
  }

  get idle(): boolean {
    return this.#pending.size === 0;
  }

  #print(traceId: string): void {
    const entry = this.#pending.get(traceId);
    this.#pending.delete(traceId);
    if (!entry) return;
    this.printed++;
    say(`\n${formatTraceTree(entry.spans)}`);
  }
}

async function receiverOnlyDemo(): Promise<void> {
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'otel-stack-demo-'));
  const printer = new TracePrinter();
  let stack: Stack;
  try {
    stack = await startStack({
      otlpPort: Number(process.env.COLLECTOR_OTLP_GRPC_PORT ?? '4317'),
      ownProcessGroup: true,
      orders: { PORT: process.env.ORDER_API_PORT ?? '8080', OTEL_BSP_SCHEDULE_DELAY: '200' },
      payment: { PORT: process.env.PAYMENT_SERVICE_PORT ?? '50051', OTEL_BSP_SCHEDULE_DELAY: '200' },
    });
  } catch (err) {
    console.error(`Could not start the demo: ${String(err)}`);
    console.error('Ports in use? Set ORDER_API_PORT, PAYMENT_SERVICE_PORT or COLLECTOR_OTLP_GRPC_PORT.');
    process.exit(1);
  }
  writeLogs([stack.orders, stack.payment], logDir);
  stack.receiver.onSpan((span) => printer.add(span));
  stopChildrenYourselfOnSigterm();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping the services (they flush their spans first)...`);
    await stack.stop();
    say('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  say(`order-api        ${stack.baseUrl}`);
  say(`payment-service  127.0.0.1:${stack.payment.port} (gRPC, reflection on)`);
  say(`OTLP receiver    ${stack.receiver.endpoint} (prints every trace below, raw)`);
  say(`service logs     ${logDir}\n`);
  await sendSamples(stack.baseUrl);
  const deadline = Date.now() + 15_000;
  while (!(printer.printed >= SAMPLES.length && printer.idle) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  say(`
These spans come straight from the services, UNMASKED: user.email and payment.card.number are recorded on purpose,
and without the collector nothing masks or routes them. With Go installed, \`pnpm demo\` runs the real collector
and shows what each tenant's Jaeger stores. Send your own:

${curlSampleOrder(stack.baseUrl, 'tenant_b')}
`);
  if (ONCE) return stop('--once');
  say('Press Ctrl-C to stop.');
}

/** Why the real pipeline cannot run here, or undefined when it can (building what is missing first). */
async function whyNoPipeline(): Promise<string | undefined> {
  if (process.argv.includes('--receiver-only')) return '--receiver-only';
  const missing = missingBinaries();
  if (missing.length === 0) return (await buildBinaries()) ? undefined : 'the collector or Jaeger could not be rebuilt';
  if (!(await buildBinaries())) return `no ${missing.join(' or ')} binary and it could not be built (Go is needed)`;
  return undefined;
}

async function main(): Promise<void> {
  const why = await whyNoPipeline();
  if (why === undefined) return realPipelineDemo();
  say(`Receiver-only demo (${why}): the services export to a local OTLP receiver, without the collector.\n`);
  return receiverOnlyDemo();
}

void main();
