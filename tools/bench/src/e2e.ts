/**
 * End to end: order-api and payment-service as real processes on loopback (the devstack launcher, the services'
 * own start command with the telemetry preload), `POST /orders` driven by autocannon from this process.
 *
 * autocannon, not the load generator's traffic library, drives these measurements: the published numbers
 * (docs/performance.md, results/latest.*) were measured with it, and another client would change what they
 * measure -- the driver's own CPU on the cores the services share, and how latency is sampled and recorded.
 */
import { mkdirSync } from 'node:fs';
import { OtlpReceiver, type RunningService, type ServiceName, startService } from '@otel-stack/devstack';
import type { InstrumentationName, SpanTotals } from '@otel-stack/telemetry';
import autocannon from 'autocannon';
import { sampleOrder } from 'load-generator/fixtures';
import { sendOrder } from 'load-generator/traffic';
import { DdAgentStub } from './dd-agent-stub';
import { NullReceiver } from './null-receiver';
import { cpuSeconds, rssMiB } from './proc';
import { progress } from './progress';

/**
 * Which tracer a variant runs: this project's preload (`ours`), none at all (`none`, the baseline), or a peer loaded
 * by its own preload instead of ours -- the zero-code OpenTelemetry distribution or dd-trace. The services' code is
 * the same in every variant; only the `--require` of their start command and the environment change.
 */
export type Tracer = 'ours' | 'none' | 'zero-code' | 'dd-trace';

/** One configuration of both services. */
export interface Variant {
  readonly id: string;
  readonly label: string;
  readonly tracer: Tracer;
  readonly env: Readonly<Record<string, string>>;
}

/** Ours with one instrumentation left out (OTEL_NODE_DISABLED_INSTRUMENTATIONS), and what that loses. */
function without(name: InstrumentationName, what: string, loses: string): Omit<Variant, 'id'> {
  return {
    label: `ours without ${what} (${loses})`,
    tracer: 'ours',
    env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: name },
  };
}

/** The variants by id; `--define` adds more (tracer `ours`). */
export const VARIANTS: Record<string, Omit<Variant, 'id'>> = {
  bare: { label: 'bare: no preload, nothing of OpenTelemetry loaded (the baseline)', tracer: 'none', env: {} },
  off: { label: 'ours, OTEL_SDK_DISABLED=true', tracer: 'ours', env: { OTEL_SDK_DISABLED: 'true' } },
  on: { label: 'ours: defaults, 100% sampled, OTLP/gRPC', tracer: 'ours', env: {} },
  'zero-code': {
    label: 'zero-code: @opentelemetry/auto-instrumentations-node/register, OTLP/gRPC',
    tracer: 'zero-code',
    env: {},
  },
  'dd-trace': { label: 'dd-trace/init, to a local agent stub', tracer: 'dd-trace', env: {} },
  gzip: {
    label: 'ours, OTEL_EXPORTER_OTLP_COMPRESSION=gzip',
    tracer: 'ours',
    env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
  },
  batch2048: {
    label: 'ours, OTEL_BSP_MAX_EXPORT_BATCH_SIZE=2048 (queue 8192)',
    tracer: 'ours',
    env: { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048', OTEL_BSP_MAX_QUEUE_SIZE: '8192' },
  },
  batch128: {
    label: 'ours, OTEL_BSP_MAX_EXPORT_BATCH_SIZE=128',
    tracer: 'ours',
    env: { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '128' },
  },
  sampled10: {
    label: 'ours, 10% sampled (parentbased_traceidratio 0.1)',
    tracer: 'ours',
    env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
  },
  'on-semi16': {
    label: 'ours, NODE_OPTIONS=--max-semi-space-size=16',
    tracer: 'ours',
    env: { NODE_OPTIONS: '--max-semi-space-size=16' },
  },
  'bare-semi16': {
    label: 'bare, NODE_OPTIONS=--max-semi-space-size=16',
    tracer: 'none',
    env: { NODE_OPTIONS: '--max-semi-space-size=16' },
  },
  noexport: {
    label: 'ours, OTEL_TRACES_EXPORTER=none (spans made, never exported)',
    tracer: 'ours',
    env: { OTEL_TRACES_EXPORTER: 'none' },
  },
  // What each part costs (ablations, not configurations to run: each loses something the design asks for).
  'always-off': {
    label: 'ours, OTEL_TRACES_SAMPLER=always_off (wrappers and propagation only, no span recorded)',
    tracer: 'ours',
    env: { OTEL_TRACES_SAMPLER: 'always_off' },
  },
  'no-pino': without('pino', 'instrumentation-pino', 'no trace_id in log lines'),
  'no-fastify': without('fastify', '@fastify/otel', 'no request/handler spans'),
  'no-grpc': without('grpc', 'instrumentation-grpc', 'two traces per order, no gRPC spans'),
  'no-http': without('http', 'instrumentation-http', 'no SERVER span, no context from callers'),
};

export function variantOf(id: string): Variant {
  const variant = VARIANTS[id];
  if (!variant) throw new Error(`unknown variant ${id} (known: ${Object.keys(VARIANTS).join(', ')})`);
  return { id, ...variant };
}

/** autocannon sends the same bytes every time: the README's sample order. */
const ORDER = JSON.stringify(sampleOrder());

export interface ServiceMeasure {
  /** CPU (user + system) per request, µs. */
  readonly cpuUsPerRequest: number;
  /** Peak RSS during the phase (sampled every 250 ms), MiB. */
  readonly rssPeakMiB: number;
}

export interface PhaseResult {
  readonly requests: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly orderApi: ServiceMeasure;
  readonly payment: ServiceMeasure;
}

/** The numbers of a service's `span export totals` log line. */
export function spanTotals(line: Record<string, unknown>): SpanTotals {
  return { exported: Number(line.exported), dropped: Number(line.dropped), failed: Number(line.failed) };
}

export interface RunResult {
  readonly variant: string;
  readonly round: number;
  /** Fixed concurrency, as many requests as the stack answers: throughput and CPU per request. */
  readonly saturation: PhaseResult;
  /** Fixed request rate well below saturation: the latency tracing adds when nothing queues. */
  readonly fixedRate: PhaseResult;
  /** VmHWM (peak RSS over the process's life), MiB. */
  readonly orderApiPeakRssMiB: number;
  readonly paymentPeakRssMiB: number;
  /** Each service's own "span export totals" at shutdown (undefined when uninstrumented). */
  readonly orderApiSpans: SpanTotals | undefined;
  readonly paymentSpans: SpanTotals | undefined;
}

export interface E2eOptions {
  readonly variants: readonly string[];
  readonly rounds: number;
  readonly concurrency: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Requests/s for the fixed-rate (latency) phase. */
  readonly rate: number;
  readonly rateSeconds: number;
}

interface Running {
  readonly receiver: NullReceiver;
  readonly ddAgent: DdAgentStub;
  readonly payment: RunningService;
  readonly orders: RunningService;
  readonly url: string;
}

/**
 * The devstack launcher splits every output chunk into lines, keeps them and hands each to its listeners: fine for
 * tests, but at thousands of log lines per second it would spend this process's CPU — which the load generator
 * needs, on a machine whose cores the services share. Once the service is up, keep only the lines the
 * benchmark reads (its span totals and loss warnings); the service still writes every log line, as in production.
 */
function lightenOutput(service: RunningService): string[] {
  const kept: string[] = [];
  for (const stream of [service.child.stdout, service.child.stderr]) {
    let partial = '';
    stream?.removeAllListeners('data');
    stream?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const end = text.lastIndexOf('\n');
      partial = end === -1 ? text : text.slice(end + 1);
      if (end === -1 || !text.includes('"name":"telemetry"')) return;
      for (const line of text.slice(0, end).split('\n')) if (line.includes('"name":"telemetry"')) kept.push(line);
    });
  }
  return kept;
}

const telemetryLines = new WeakMap<RunningService, string[]>();

/** Where a tracer's spans go: an OTLP/gRPC endpoint or the dd agent's URL. */
interface Sinks {
  readonly otlpEndpoint: string;
  readonly ddAgentUrl: string;
}

/**
 * The start command's preload and the environment a variant's tracer needs for one service. The peers get what
 * their documentation tells a user to set for this setup, and nothing that reaches a network beyond loopback:
 * the zero-code preload's resource detectors are the local ones (no cloud metadata endpoints), dd-trace exports
 * to the stub with its startup log, instrumentation telemetry and remote configuration off.
 */
function tracerSetup(
  tracer: Tracer,
  service: ServiceName,
  sinks: Sinks,
): { preload: string | null | undefined; env: Record<string, string> } {
  switch (tracer) {
    case 'ours':
      // The SDK's default batch delay, not the tests' 100 ms.
      return {
        preload: undefined,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: sinks.otlpEndpoint, OTEL_BSP_SCHEDULE_DELAY: '5000' },
      };
    case 'none':
      return { preload: null, env: {} };
    case 'zero-code':
      return {
        preload: require.resolve('@opentelemetry/auto-instrumentations-node/register'),
        env: {
          OTEL_SERVICE_NAME: service,
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
          OTEL_EXPORTER_OTLP_ENDPOINT: sinks.otlpEndpoint,
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
          OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process,serviceinstance,container',
        },
      };
    case 'dd-trace':
      return {
        preload: require.resolve('dd-trace/init'),
        env: {
          DD_TRACE_AGENT_URL: sinks.ddAgentUrl,
          DD_SERVICE: service,
          DD_ENV: 'bench',
          DD_TRACE_STARTUP_LOGS: 'false',
          DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
          DD_REMOTE_CONFIGURATION_ENABLED: 'false',
        },
      };
  }
}

/** One service of a variant: its tracer's preload and environment, then the variant's, then the caller's. */
function startVariantService(
  name: ServiceName,
  variant: Variant,
  sinks: Sinks,
  env: Readonly<Record<string, string>>,
): Promise<RunningService> {
  const setup = tracerSetup(variant.tracer, name, sinks);
  return startService(name, {
    env: { ...setup.env, ...variant.env, ...env },
    ...(setup.preload === undefined ? {} : { preload: setup.preload }),
  });
}

/** Both services, payment-service first; when order-api fails to start, payment-service is killed. */
async function startBoth(variant: Variant, sinks: Sinks, env: Readonly<Record<string, string>>) {
  const payment = await startVariantService('payment-service', variant, sinks, env);
  try {
    const orders = await startVariantService('order-api', variant, sinks, {
      ...env,
      PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}`,
    });
    return { payment, orders };
  } catch (err) {
    payment.kill();
    throw err;
  }
}

/**
 * SIGTERM, and SIGKILL if the service has not exited after `graceMs`: our preload flushes and exits, but the
 * zero-code preload only shuts its SDK down on SIGTERM and leaves the process running.
 */
async function stopService(service: RunningService, graceMs = 5_000): Promise<void> {
  const timer = setTimeout(() => service.kill(), graceMs);
  try {
    await service.terminate();
  } finally {
    clearTimeout(timer);
  }
}

/** Both services exporting to receivers that decode nothing (a collector or agent on another machine). */
async function startBenchStack(variant: Variant, extraEnv: Readonly<Record<string, string>>) {
  const receiver = new NullReceiver();
  const ddAgent = new DdAgentStub();
  await Promise.all([receiver.start(), ddAgent.start()]);
  try {
    const sinks = { otlpEndpoint: receiver.endpoint, ddAgentUrl: ddAgent.url };
    const { payment, orders } = await startBoth(variant, sinks, extraEnv);
    telemetryLines.set(payment, lightenOutput(payment));
    telemetryLines.set(orders, lightenOutput(orders));
    return {
      receiver,
      ddAgent,
      payment,
      orders,
      url: `http://127.0.0.1:${orders.port}/orders`,
    } satisfies Running;
  } catch (err) {
    await Promise.all([receiver.stop(), ddAgent.stop()]);
    throw err;
  }
}

function pidOf(service: RunningService): number {
  const pid = service.child.pid;
  if (pid === undefined) throw new Error(`${service.name}: no pid`);
  return pid;
}

interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
  readonly overallRate?: number;
}

/** One autocannon run with each service's CPU time read before and after and its RSS sampled throughout. */
async function load(stack: Running, options: LoadOptions): Promise<PhaseResult> {
  const pids = { orders: pidOf(stack.orders), payment: pidOf(stack.payment) };
  const cpu0 = { orders: cpuSeconds(pids.orders), payment: cpuSeconds(pids.payment) };
  const peak = { orders: 0, payment: 0 };
  const sample = () => {
    peak.orders = Math.max(peak.orders, rssMiB(pids.orders).rss);
    peak.payment = Math.max(peak.payment, rssMiB(pids.payment).rss);
  };
  sample();
  const sampler = setInterval(sample, 250);
  let result: autocannon.Result;
  try {
    result = await autocannon({
      url: stack.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', baggage: 'tenant_id=tenant_a' },
      body: ORDER,
      connections: options.connections,
      duration: options.seconds,
      ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    });
  } finally {
    clearInterval(sampler);
  }
  sample();
  const cpu1 = { orders: cpuSeconds(pids.orders), payment: cpuSeconds(pids.payment) };
  const requests = result['2xx'] + result.non2xx;
  const perRequest = (s: number) => (requests > 0 ? (s * 1e6) / requests : 0);
  return {
    requests,
    reqPerSec: requests / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    orderApi: { cpuUsPerRequest: perRequest(cpu1.orders - cpu0.orders), rssPeakMiB: peak.orders },
    payment: { cpuUsPerRequest: perRequest(cpu1.payment - cpu0.payment), rssPeakMiB: peak.payment },
  };
}

/** SIGTERM both (they flush), then each service's own "span export totals" line. */
async function stopBenchStack(stack: Running): Promise<{ orders?: SpanTotals; payment?: SpanTotals }> {
  await Promise.all([stopService(stack.orders), stopService(stack.payment)]);
  await Promise.all([stack.receiver.stop(), stack.ddAgent.stop()]);
  const totals = (service: RunningService): SpanTotals | undefined => {
    const raw = (telemetryLines.get(service) ?? []).find((l) => l.includes('"msg":"span export totals"'));
    return raw === undefined ? undefined : spanTotals(JSON.parse(raw) as Record<string, unknown>);
  };
  return { orders: totals(stack.orders), payment: totals(stack.payment) };
}

/**
 * `work` on a fresh stack, then what the stack measured itself: each service's peak RSS over its life (VmHWM, MiB)
 * and its span totals after SIGTERM. When `work` throws, both services are killed.
 */
async function onFreshStack<T>(
  variant: Variant,
  extraEnv: Readonly<Record<string, string>>,
  work: (stack: Running) => Promise<T>,
) {
  const stack = await startBenchStack(variant, extraEnv);
  try {
    const result = await work(stack);
    const peakRssMiB = { orders: rssMiB(pidOf(stack.orders)).peak, payment: rssMiB(pidOf(stack.payment)).peak };
    const spans = await stopBenchStack(stack);
    return { result, peakRssMiB, spans, receiver: stack.receiver };
  } catch (err) {
    stack.orders.kill();
    stack.payment.kill();
    await Promise.all([stack.receiver.stop(), stack.ddAgent.stop()]);
    throw err;
  }
}

async function runOnce(variant: Variant, round: number, options: E2eOptions): Promise<RunResult> {
  const { result, peakRssMiB, spans } = await onFreshStack(variant, {}, async (stack) => {
    await load(stack, { connections: options.concurrency, seconds: options.warmupSeconds });
    const saturation = await load(stack, { connections: options.concurrency, seconds: options.seconds });
    const fixedRate = await load(stack, {
      connections: Math.min(16, options.concurrency),
      seconds: options.rateSeconds,
      overallRate: options.rate,
    });
    return { saturation, fixedRate };
  });
  return {
    variant: variant.id,
    round,
    ...result,
    orderApiPeakRssMiB: peakRssMiB.orders,
    paymentPeakRssMiB: peakRssMiB.payment,
    orderApiSpans: spans.orders,
    paymentSpans: spans.payment,
  };
}

/** Spans one order makes in each service (the same work is not the same span count across tracers). */
export interface SpansPerOrder {
  readonly orderApi: number;
  readonly payment: number;
}

/** Orders counted per variant, after one warm-up order whose spans are not counted. */
export const COUNTED_ORDERS = 20;

/** One sample order, sent the way the demo sends it; anything but a 2xx fails the count. */
async function postOrder(url: URL): Promise<void> {
  const answer = await sendOrder(
    url,
    { tenant: 'tenant_a', card: 'approved', body: sampleOrder() },
    { timeoutMs: 10_000 },
  );
  if (!('status' in answer) || answer.status >= 300) {
    throw new Error(`POST /orders while counting spans: ${'status' in answer ? answer.status : answer.error}`);
  }
}

/** Polls `read` until its value has not changed for `quietMs` (exports arrive in batches). */
async function settled(read: () => SpansPerOrder, quietMs = 1_000, timeoutMs = 20_000): Promise<SpansPerOrder> {
  const deadline = Date.now() + timeoutMs;
  let last = read();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`span counts still changing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
    const now = read();
    if (now.orderApi !== last.orderApi || now.payment !== last.payment) {
      last = now;
      since = Date.now();
    }
  }
  return last;
}

/**
 * Spans per order for a variant, counted by receivers that decode what they get: an OTLP receiver for
 * OpenTelemetry tracers, the agent stub for dd-trace (the baseline is counted too: it must come out 0). Sequential
 * orders on a fresh stack with a short flush interval.
 */
export async function countSpansPerOrder(variant: Variant): Promise<SpansPerOrder> {
  const otlp = new OtlpReceiver();
  const ddAgent = new DdAgentStub({ countSpans: true });
  await Promise.all([otlp.start(), ddAgent.start()]);
  const read = (): SpansPerOrder => {
    const count = (service: ServiceName) =>
      otlp.spans.filter((span) => span.service === service).length + (ddAgent.spansByService.get(service) ?? 0);
    return { orderApi: count('order-api'), payment: count('payment-service') };
  };
  const sinks = { otlpEndpoint: otlp.endpoint, ddAgentUrl: ddAgent.url };
  // Whatever a variant loads, its spans reach a counting receiver: a baseline that loaded a tracer by mistake shows.
  const { payment, orders } = await startBoth(variant, sinks, {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
    DD_TRACE_AGENT_URL: ddAgent.url,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    DD_TRACE_FLUSH_INTERVAL: '200',
  });
  try {
    const url = new URL(`http://127.0.0.1:${orders.port}/orders`);
    await postOrder(url);
    const before = await settled(read);
    for (let i = 0; i < COUNTED_ORDERS; i++) await postOrder(url);
    const after = await settled(read);
    return {
      orderApi: (after.orderApi - before.orderApi) / COUNTED_ORDERS,
      payment: (after.payment - before.payment) / COUNTED_ORDERS,
    };
  } finally {
    await Promise.all([stopService(orders), stopService(payment)]);
    await Promise.all([otlp.stop(), ddAgent.stop()]);
  }
}

/**
 * Each variant's spans per order, then the variants interleaved round by round (A/B/A/B…), so drift on the
 * machine hits every variant alike.
 */
export async function runE2e(
  options: E2eOptions,
): Promise<{ runs: RunResult[]; spansPerOrder: Record<string, SpansPerOrder> }> {
  const spansPerOrder: Record<string, SpansPerOrder> = {};
  for (const id of options.variants) {
    const variant = variantOf(id);
    spansPerOrder[id] = await countSpansPerOrder(variant);
    progress(`e2e spans per order, ${id}: ${spansPerOrder[id].orderApi} + ${spansPerOrder[id].payment}`);
  }
  const runs: RunResult[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const id of options.variants) {
      const variant = variantOf(id);
      progress(`e2e round ${round}/${options.rounds}: ${variant.label}`);
      const r = await runOnce(variant, round, options);
      progress(
        `  ${r.saturation.reqPerSec.toFixed(0)} req/s at c=${options.concurrency}, p99 ${r.saturation.p99Ms} ms; ` +
          `at ${options.rate}/s p50 ${r.fixedRate.p50Ms} ms p99 ${r.fixedRate.p99Ms} ms; ` +
          `CPU/req ${r.saturation.orderApi.cpuUsPerRequest.toFixed(0)}+${r.saturation.payment.cpuUsPerRequest.toFixed(0)} µs`,
      );
      runs.push(r);
    }
  }
  return { runs, spansPerOrder };
}

export interface SustainResult {
  readonly variant: string;
  readonly targetRate: number;
  readonly seconds: number;
  readonly load: PhaseResult;
  readonly orderApiPeakRssMiB: number;
  readonly paymentPeakRssMiB: number;
  readonly orderApiSpans: SpanTotals | undefined;
  readonly paymentSpans: SpanTotals | undefined;
  /** Receiver's view: export requests and bytes received. */
  readonly receiverRequests: number;
  readonly receiverMiB: number;
}

/** A fixed rate held for `seconds` with default settings: spans dropped, RSS, latency. */
export async function runSustain(
  variantId: string,
  rate: number,
  seconds: number,
  connections: number,
): Promise<SustainResult> {
  const variant = variantOf(variantId);
  progress(`sustain: ${variant.label}, ${rate} orders/s for ${seconds} s`);
  const { result, peakRssMiB, spans, receiver } = await onFreshStack(variant, {}, async (stack) => {
    await load(stack, { connections, seconds: Math.min(3, seconds), overallRate: rate });
    return load(stack, { connections, seconds, overallRate: rate });
  });
  progress(
    `  ${result.reqPerSec.toFixed(0)} orders/s, p99 ${result.p99Ms} ms, dropped ${spans.orders?.dropped ?? '-'}+` +
      `${spans.payment?.dropped ?? '-'}, peak RSS ${peakRssMiB.orders.toFixed(0)}/${peakRssMiB.payment.toFixed(0)} MiB`,
  );
  return {
    variant: variantId,
    targetRate: rate,
    seconds,
    load: result,
    orderApiPeakRssMiB: peakRssMiB.orders,
    paymentPeakRssMiB: peakRssMiB.payment,
    orderApiSpans: spans.orders,
    paymentSpans: spans.payment,
    receiverRequests: receiver.requests,
    receiverMiB: receiver.bytes / 2 ** 20,
  };
}

/** A profiled run: both services under --cpu-prof at the saturation concurrency; profiles land in `dir`. */
export async function runProfiled(variantId: string, dir: string, concurrency: number, seconds: number) {
  mkdirSync(dir, { recursive: true });
  const variant = variantOf(variantId);
  progress(`profile: ${variant.label}, c=${concurrency} for ${seconds} s (node --cpu-prof)`);
  const { result } = await onFreshStack(
    variant,
    { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir} --require ${require.resolve('./exit-on-sigterm')}` },
    async (stack) => {
      const { requests } = await load(stack, { connections: concurrency, seconds });
      return { orders: pidOf(stack.orders), payment: pidOf(stack.payment), requests };
    },
  );
  return result;
}
