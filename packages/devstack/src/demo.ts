/**
 * `pnpm demo`: the stack without Docker. Starts payment-service and order-api as real processes with the real
 * telemetry preload, an OTLP/gRPC receiver that prints each trace as a tree, sends a few sample orders, and keeps
 * running for your own requests until Ctrl-C. `--once` exits after the samples (used by the test suite).
 */
import { createWriteStream, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReceivedSpan } from './otlp-receiver';
import { type Stack, startStack } from './stack';
import { formatTraceTree } from './trace-tree';

const ONCE = process.argv.includes('--once');
const HTTP_PORT = process.env.DEMO_HTTP_PORT ?? '8080';
const GRPC_PORT = process.env.DEMO_GRPC_PORT ?? '50051';
const OTLP_PORT = Number(process.env.DEMO_OTLP_PORT ?? '4317');
/** A trace is printed once no span of it has arrived for this long. */
const QUIET_MS = 1_000;

// Public test cards (DESIGN.md) and an obviously fake customer.
const SAMPLES = [
  { what: 'approved', tenant: 'tenant_a', card: '4242424242424242' },
  { what: 'declined', tenant: 'tenant_b', card: '4000000000000002' },
  { what: 'payment-service fails', tenant: 'tenant_a', card: '4000000000000119' },
  { what: 'unknown tenant -> default', tenant: 'tenant_zz', card: '4242424242424242' },
] as const;

function orderFor(card: string) {
  return {
    customer: { id: 'c-42', email: 'ada@example.com' },
    items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1250 }],
    payment: { cardNumber: card, currency: 'USD' },
  };
}

/** Buffers spans per trace and prints each trace once it has gone quiet. */
class TracePrinter {
  readonly #pending = new Map<string, { spans: ReceivedSpan[]; timer: NodeJS.Timeout }>();
  printed = 0;

  add(span: ReceivedSpan): void {
    const entry = this.#pending.get(span.traceId) ?? { spans: [], timer: setTimeout(() => {}, 0) };
    clearTimeout(entry.timer);
    entry.spans.push(span);
    entry.timer = setTimeout(() => this.#print(span.traceId), QUIET_MS);
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
    process.stdout.write(`\n${formatTraceTree(entry.spans)}\n`);
  }
}

async function sendSamples(baseUrl: string): Promise<void> {
  for (const sample of SAMPLES) {
    const res = await fetch(`${baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', baggage: `tenant_id=${sample.tenant}` },
      body: JSON.stringify(orderFor(sample.card)),
    });
    const body = (await res.json()) as { traceId?: string; error?: { code: string } };
    const answer = body.error ? body.error.code : `paid, traceId ${body.traceId}`;
    console.log(
      `POST /orders  baggage tenant_id=${sample.tenant}  card ${sample.card}  -> ${res.status} ${answer}  (${sample.what})`,
    );
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

async function main(): Promise<void> {
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'otel-demo-'));
  const printer = new TracePrinter();
  let stack: Stack;
  try {
    stack = await startStack({
      otlpPort: OTLP_PORT,
      ownProcessGroup: true,
      orders: { PORT: HTTP_PORT, OTEL_BSP_SCHEDULE_DELAY: '200' },
      payment: { PORT: GRPC_PORT, OTEL_BSP_SCHEDULE_DELAY: '200' },
    });
  } catch (err) {
    console.error(`Could not start the demo: ${String(err)}`);
    console.error('Ports in use? Set DEMO_HTTP_PORT, DEMO_GRPC_PORT or DEMO_OTLP_PORT.');
    process.exit(1);
  }
  for (const service of [stack.orders, stack.payment]) {
    const log = createWriteStream(path.join(logDir, `${service.name}.log`));
    for (const line of service.output) log.write(`${line}\n`);
    service.onLine((line) => log.write(`${line}\n`));
  }
  stack.receiver.onSpan((span) => printer.add(span));

  const stop = async (signal: string) => {
    console.log(`\n${signal}: stopping the services (they flush their spans first)...`);
    await stack.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('Ctrl-C'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // Never leave orphans behind, whatever happens to this process.
  process.once('exit', () => {
    stack.orders.kill();
    stack.payment.kill();
  });

  console.log(`order-api        ${stack.baseUrl}`);
  console.log(
    `payment-service  127.0.0.1:${stack.payment.port} (gRPC, reflection on: grpcurl -plaintext 127.0.0.1:${stack.payment.port} list)`,
  );
  console.log(`OTLP receiver    ${stack.receiver.endpoint} (prints every trace below)`);
  console.log(`service logs     ${logDir}\n`);

  await sendSamples(stack.baseUrl);
  await waitUntil(() => printer.printed >= SAMPLES.length && printer.idle, 15_000);

  console.log(`
The spans above carry user.email and payment.card.number on purpose: in the Docker stack the collector masks them
before any Jaeger sees them (collector/README.md). Send your own:

  curl -s -X POST ${stack.baseUrl}/orders -H 'content-type: application/json' -H 'baggage: tenant_id=tenant_b' \\
    -d '${JSON.stringify(orderFor('4242424242424242'))}'
`);
  if (ONCE) return stop('--once');
  console.log('Press Ctrl-C to stop.');
}

void main();
