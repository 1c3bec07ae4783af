/**
 * Span micro-benchmarks, mirroring the Go SDK benchmarks (BenchmarkSpanCreation, BenchmarkSpanWithAttributes,
 * BenchmarkConcurrentSpans). Run as a child process per setup, so the two setups never share a JIT or a heap:
 *
 *   node dist/micro.js time  <api|sdk> [--smoke]   → ns per span (tinybench)
 *   node --expose-gc --min-semi-space-size=… --max-semi-space-size=… dist/micro.js alloc <api|sdk> [--smoke]
 *                                                  → bytes allocated per span (heap delta, no GC in between)
 *
 * `api`: @opentelemetry/api with no SDK registered (what a library pays when the application does not trace).
 * `sdk`: the SDK as the services use it: TracerProvider, always-on sampling, AsyncLocalStorage context manager,
 * BatchSpanProcessor (default queue 2048 / batch 512) + an exporter that accepts every batch and does nothing.
 *
 * The result (JSON) goes to stdout; the parent collects it.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type Attributes, context, type Tracer, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { SpanAccounting } from '@otel-stack/telemetry';
import { Bench } from 'tinybench';

export type Setup = 'api' | 'sdk';
export type Case = 'start+end' | 'start+end, 3 attributes' | 'concurrent (100 async tasks)';
export const CASES: readonly Case[] = ['start+end', 'start+end, 3 attributes', 'concurrent (100 async tasks)'];

export interface MicroTiming {
  readonly setup: Setup;
  readonly case: Case;
  /** Net of the harness (the same loop, yields and async tasks without spans). */
  readonly nsPerSpan: number;
  /** As measured, harness included. */
  readonly rawNsPerSpan: number;
  /** Relative margin of error of the mean (tinybench, 95 %), in percent. */
  readonly rmePercent: number;
  readonly samples: number;
}

export interface MicroAlloc {
  readonly setup: Setup;
  readonly case: Case;
  readonly bytesPerSpan: number;
  readonly spans: number;
  /** GCs observed during the measured window: must be 0 for the number to count every allocation. */
  readonly gcDuringMeasurement: number;
}

/**
 * The harness's own cost (loop, yields; for the concurrent case the async tasks and awaits themselves) is measured
 * the same way without spans and subtracted, so the numbers are the tracing's cost.
 */
export interface MicroResult {
  readonly timings: MicroTiming[];
  readonly allocations: MicroAlloc[];
  /** Spans the BatchSpanProcessor dropped (queue full) during the run: 0, or the numbers flatter the SDK. */
  readonly droppedSpans: number;
}

/** Spans per synchronous burst; the loop then yields so the BatchSpanProcessor can export (see below). */
const BURST = 256;
const CONCURRENT_TASKS = 100;

// Three attributes: a string, an int, a bool (created once, as the Go SDK benchmark does).
const ATTRS: Attributes = { key1: 'value1', key2: 42, key3: true };

/** Accepts every batch immediately: measures the SDK, not a network. */
class NoopExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: ExportResultCode }) => void): void {
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

async function droppedSpans(accounting: SpanAccounting | undefined): Promise<number> {
  return accounting ? (await accounting.totals()).dropped : 0;
}

function install(setup: Setup): { tracer: Tracer; reader: SpanAccounting | undefined } {
  if (setup === 'api') return { tracer: trace.getTracer('bench'), reader: undefined };
  const reader = new SpanAccounting();
  const provider = new TracerProvider({
    sampler: new AlwaysOnSampler(),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new NoopExporter(),
        selfObsMeterProvider: reader.meterProvider,
      }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return { tracer: trace.getTracer('bench'), reader };
}

/**
 * One unit of work per case, `BURST` spans. The sequential cases end BURST spans back to back, then yield one
 * macrotask: the BatchSpanProcessor exports a full batch from `onEnd` but only clears its "exporting" flag a few
 * microtasks later, so a loop that never yields would fill the 2048-span queue and then measure the (cheap) drop
 * path instead of the real one. The yield costs ~1-2 µs per burst (the `harness` row shows it).
 *
 * The concurrent case is what "concurrent" means in Node.js: one thread, many spans open at once across awaits.
 * CONCURRENT_TASKS async tasks each start an active span, await (the span stays open while other tasks run; the
 * context manager must carry each task's span across the await), then end it. Go's RunParallel measures
 * throughput on all cores; Node runs JavaScript on one core, so this measures the cost of interleaving and
 * context propagation instead. Worker threads would each need their own SDK: that is per-core scaling, not sharing.
 */
type Harness = 'harness' | 'harness, concurrent';

function harnessOf(which: Case): Harness {
  return which === 'concurrent (100 async tasks)' ? 'harness, concurrent' : 'harness';
}

/** Rounds of each concurrent task, so that a unit of the concurrent case ends at least BURST spans. */
const TASK_ROUNDS = Math.ceil(BURST / CONCURRENT_TASKS);

/** One unit of the concurrent cases: CONCURRENT_TASKS tasks at once, each running `round` TASK_ROUNDS times. */
function concurrently(round: () => Promise<void>): () => Promise<void> {
  const task = async () => {
    for (let r = 0; r < TASK_ROUNDS; r++) await round();
  };
  return async () => {
    const tasks: Promise<void>[] = [];
    for (let t = 0; t < CONCURRENT_TASKS; t++) tasks.push(task());
    await Promise.all(tasks);
    await yieldToLoop();
  };
}

function work(tracer: Tracer, which: Case | Harness): () => Promise<void> {
  switch (which) {
    case 'harness':
      return async () => {
        for (let i = 0; i < BURST; i++);
        await yieldToLoop();
      };
    case 'harness, concurrent':
      return concurrently(async () => {
        await null;
      });
    case 'start+end':
      return async () => {
        for (let i = 0; i < BURST; i++) tracer.startSpan('operation').end();
        await yieldToLoop();
      };
    case 'start+end, 3 attributes':
      return async () => {
        for (let i = 0; i < BURST; i++) tracer.startSpan('operation', { attributes: ATTRS }).end();
        await yieldToLoop();
      };
    case 'concurrent (100 async tasks)':
      return concurrently(() =>
        tracer.startActiveSpan('operation', async (span) => {
          await null;
          span.end();
        }),
      );
  }
}

function spansPerUnit(which: Case | Harness): number {
  return which === 'concurrent (100 async tasks)' || which === 'harness, concurrent'
    ? TASK_ROUNDS * CONCURRENT_TASKS
    : BURST;
}

async function measureTime(setup: Setup, smoke: boolean): Promise<MicroResult> {
  const { tracer, reader } = install(setup);
  const bench = new Bench({ time: smoke ? 100 : 2000, warmupTime: smoke ? 50 : 500, iterations: smoke ? 8 : 64 });
  for (const which of [...CASES, 'harness', 'harness, concurrent'] as const) bench.add(which, work(tracer, which));
  await bench.run();
  const perSpan = (name: Case | Harness) => {
    const result = bench.getTask(name)?.result;
    if (result?.state !== 'completed') throw new Error(`${setup}/${name}: ${result?.state}`);
    return {
      ns: (result.latency.mean * 1e6) / spansPerUnit(name),
      rme: result.latency.rme,
      n: result.latency.samplesCount,
    };
  };
  const timings: MicroTiming[] = CASES.map((which) => {
    const raw = perSpan(which);
    const harness = perSpan(harnessOf(which));
    return {
      setup,
      case: which,
      nsPerSpan: Math.max(0, raw.ns - harness.ns),
      rawNsPerSpan: raw.ns,
      rmePercent: raw.rme,
      samples: raw.n,
    };
  });
  return { timings, allocations: [], droppedSpans: await droppedSpans(reader) };
}

declare const gc: (() => void) | undefined;

/**
 * Bytes allocated per span: `process.memoryUsage().heapUsed` after N spans minus before, divided by N, with a GC
 * forced just before (so the baseline is stable) and none allowed during: the process runs with a young generation
 * large enough for the whole window (--min/--max-semi-space-size), and a `gc` PerformanceObserver counts any GC
 * that happened anyway (then the row says so). Without a GC in between, every byte allocated on the V8 heap, live
 * or already garbage, is still counted in heapUsed, so the delta is the allocation volume — the number Go's
 * -benchmem B/op reports. The harness's own allocation (the loop's promises) is measured the same way and
 * subtracted. V8 offers no allocation count, so there is no allocs/op column.
 */
async function measureAlloc(setup: Setup, smoke: boolean): Promise<MicroResult> {
  if (typeof gc !== 'function') throw new Error('alloc mode needs --expose-gc');
  const forceGc = gc;
  const { tracer, reader } = install(setup);
  // ~60 units × 256-300 spans × ≤ 4 KB stays far inside the young generation: no GC in the window.
  const units = smoke ? 20 : 60;
  let gcCount = 0;
  const observer = new PerformanceObserver((list) => {
    gcCount += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  const measure = async (which: Case | Harness) => {
    const run = work(tracer, which);
    for (let i = 0; i < 20; i++) await run(); // warm up: JIT, lazily created objects
    forceGc();
    await yieldToLoop(); // let the observer see the forced GC before counting
    await yieldToLoop();
    const gcBefore = gcCount;
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < units; i++) await run();
    const after = process.memoryUsage().heapUsed;
    await yieldToLoop();
    await yieldToLoop();
    return { bytes: after - before, spans: units * spansPerUnit(which), gcs: gcCount - gcBefore };
  };
  const allocations: MicroAlloc[] = [];
  for (const which of CASES) {
    const harness = await measure(harnessOf(which));
    const m = await measure(which);
    allocations.push({
      setup,
      case: which,
      bytesPerSpan: Math.max(0, (m.bytes - harness.bytes) / m.spans),
      spans: m.spans,
      gcDuringMeasurement: m.gcs + harness.gcs,
    });
  }
  observer.disconnect();
  return { timings: [], allocations, droppedSpans: await droppedSpans(reader) };
}

/** Young generation size (MB) for the alloc child: large enough that no scavenge interrupts the window. */
export const ALLOC_SEMI_SPACE_MB = 256;

async function main(): Promise<void> {
  const [mode, setup] = process.argv.slice(2);
  const smoke = process.argv.includes('--smoke');
  if ((mode !== 'time' && mode !== 'alloc') || (setup !== 'api' && setup !== 'sdk')) {
    throw new Error('usage: micro.js <time|alloc> <api|sdk> [--smoke]');
  }
  const result = mode === 'time' ? await measureTime(setup, smoke) : await measureAlloc(setup, smoke);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
