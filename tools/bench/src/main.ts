/**
 * `pnpm bench`: what tracing costs, measured on this machine.
 *
 *   1. micro   span start+end, with 3 attributes, concurrent (100 async tasks): ns and bytes per span, API-only
 *              vs the SDK (BatchSpanProcessor + no-op exporter). Mirrors the Go SDK benchmarks it compares with.
 *   2. e2e     POST /orders through order-api and payment-service (real processes, loopback): bare (no preload),
 *              ours, the zero-code OpenTelemetry preload, dd-trace and ours with OTEL_SDK_DISABLED=true, variants
 *              interleaved A/B/A/B: spans per order, req/s at fixed concurrency (ratios within a round), p50/p99 at
 *              a fixed rate, CPU per request (/proc/<pid>/stat), RSS.
 *   3. sustain 1,000 orders/s for 60 s with default settings: dropped spans (each service's own totals), RSS, p99.
 *   4. export  spans/s the SDK's export path (BatchSpanProcessor + OTLP/gRPC) sustains into a local receiver with
 *              no drops, with and without gzip.
 *   (5. profile, with --profile: both services under `node --cpu-prof`, one run per --profile-variants (default
 *              bare,on), self time by origin in µs per request side by side, top self-time functions.)
 *
 * Progress goes to stderr; results to <out>/latest.json, latest.md and latest.svg (default tools/bench/results; with
 * --smoke, a temporary directory unless --out is given).
 *
 * Options: --smoke  --only=micro,e2e,sustain,export,profile  --out=DIR  --variants=bare,on,gzip  --rounds=N
 *          --concurrency=N  --seconds=N  --rate=N  --sustain-rate=N  --sustain-seconds=N  --sustain-variants=on,bare
 *          --profile (adds the profile part)  --profile-variants=bare,on
 *          --define=id:KEY=VALUE,KEY=VALUE (an extra variant, then usable in --variants / --sustain-variants)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type E2eOptions, runE2e, runProfiled, runSustain, VARIANTS } from './e2e';
import type { ExportStep } from './export-load';
import { ALLOC_SEMI_SPACE_MB, type MicroAlloc, type MicroResult, type MicroTiming } from './micro';
import { NullReceiver } from './null-receiver';
import { machine } from './proc';
import { profileOf, summarizeProfile } from './profile';
import { progress } from './progress';
import { renderMarkdown, renderSvg } from './report';
import { type BenchResults, PARTS, type Part, summarizeE2e } from './results';

const ROOT = path.resolve(__dirname, '../../..');

function arg(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}
function num(name: string, fallback: number): number {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got "${raw}"`);
  return n;
}
function list(name: string, fallback: readonly string[]): string[] {
  const raw = arg(name);
  return raw === undefined ? [...fallback] : raw.split(',').filter((s) => s !== '');
}

/** Runs a built script of this package as a child process and returns its stdout lines. */
function runChild(
  script: string,
  args: string[],
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
  onLine?: (line: string) => void,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, path.join(__dirname, script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    const lines: string[] = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        lines.push(line);
        onLine?.(line);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(lines) : reject(new Error(`${script} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

async function runMicro(smoke: boolean): Promise<NonNullable<BenchResults['micro']>> {
  const flags = smoke ? ['--smoke'] : [];
  const out: { timings: MicroTiming[]; allocations: MicroAlloc[]; droppedSpans: number } = {
    timings: [],
    allocations: [],
    droppedSpans: 0,
  };
  for (const setup of ['api', 'sdk'] as const) {
    progress(`micro: ${setup}, time per span (tinybench)`);
    const [timeLine] = await runChild('micro.js', ['time', setup, ...flags]);
    progress(`micro: ${setup}, bytes allocated per span`);
    const [allocLine] = await runChild(
      'micro.js',
      ['alloc', setup, ...flags],
      ['--expose-gc', `--min-semi-space-size=${ALLOC_SEMI_SPACE_MB}`, `--max-semi-space-size=${ALLOC_SEMI_SPACE_MB}`],
    );
    for (const line of [timeLine, allocLine]) {
      if (!line) throw new Error(`micro ${setup}: no result`);
      const r = JSON.parse(line) as MicroResult;
      out.timings.push(...r.timings);
      out.allocations.push(...r.allocations);
      out.droppedSpans += r.droppedSpans;
    }
  }
  for (const t of out.timings) {
    const a = out.allocations.find((x) => x.setup === t.setup && x.case === t.case);
    progress(`  ${t.setup} ${t.case}: ${t.nsPerSpan.toFixed(0)} ns/span, ${a?.bytesPerSpan.toFixed(0)} B/span`);
  }
  return out;
}

async function runExport(smoke: boolean): Promise<NonNullable<BenchResults['export']>> {
  const seconds = smoke ? 1 : 5;
  const rates = smoke ? [2_000] : [5_000, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 80_000];
  const steps: ExportStep[] = [];
  const sustained: Record<string, number> = {};
  for (const compression of ['none', 'gzip']) {
    const receiver = new NullReceiver();
    await receiver.start();
    try {
      progress(`export: compression ${compression}, ${rates.length} steps of ${seconds} s`);
      await runChild(
        'export-load.js',
        [receiver.endpoint, compression, String(seconds), ...rates.map(String)],
        [],
        { OTEL_EXPORTER_OTLP_COMPRESSION: compression },
        (line) => {
          const step = JSON.parse(line) as ExportStep;
          steps.push(step);
          progress(
            `  target ${step.targetSpansPerSec}/s: created ${step.createdSpansPerSec.toFixed(0)}/s, exported ` +
              `${step.exported}, dropped ${step.dropped}, failed ${step.failed}, ${step.cpuUsPerSpan.toFixed(1)} µs CPU/span`,
          );
        },
      );
    } finally {
      await receiver.stop();
    }
    sustained[compression] = Math.max(
      0,
      ...steps
        .filter((s) => s.compression === compression && s.dropped === 0 && s.failed === 0)
        .filter((s) => s.createdSpansPerSec >= 0.95 * s.targetSpansPerSec)
        .map((s) => s.targetSpansPerSec),
    );
  }
  return { secondsPerStep: seconds, steps, sustainedSpansPerSec: sustained };
}

async function main(): Promise<void> {
  const smoke = process.argv.includes('--smoke');
  const startedAt = new Date().toISOString();
  const defaultParts: Part[] = ['micro', 'e2e', 'sustain', 'export'];
  if (process.argv.includes('--profile')) defaultParts.push('profile');
  const parts = list('only', defaultParts) as Part[];
  for (const p of parts) if (!PARTS.includes(p)) throw new Error(`--only: unknown part ${p} (${PARTS.join(', ')})`);
  for (const def of process.argv.filter((a) => a.startsWith('--define='))) {
    const [id, envList] = def.slice('--define='.length).split(/:(.*)/s);
    if (!id || envList === undefined) throw new Error(`--define: expected id:KEY=VALUE,..., got ${def}`);
    const env: Record<string, string> = {};
    // Split at commas that start the next KEY=, so a value may hold commas (OTEL_NODE_RESOURCE_DETECTORS=env,host).
    for (const kv of envList.split(/,(?=[A-Za-z_][A-Za-z0-9_]*=)/)) {
      const [key, value] = kv.split(/=(.*)/s);
      if (key) env[key] = value ?? '';
    }
    VARIANTS[id] = { label: `${id} (${envList})`, tracer: 'ours', env };
  }
  const outDir =
    arg('out') ?? (smoke ? mkdtempSync(path.join(os.tmpdir(), 'otel-bench-smoke-')) : 'tools/bench/results');
  const out = path.resolve(ROOT, outDir);
  const m = machine();
  progress(`${m.cores} cores, ${m.cpuModel}, Node ${m.node}; parts: ${parts.join(', ')}${smoke ? ' (smoke)' : ''}`);

  const e2eOptions: E2eOptions = {
    variants: list(
      'variants',
      smoke ? ['bare', 'on'] : ['bare', 'on', 'zero-code', 'dd-trace', 'off', 'sampled10', 'batch2048', 'gzip'],
    ),
    rounds: num('rounds', smoke ? 1 : 6),
    concurrency: num('concurrency', smoke ? 8 : 32),
    warmupSeconds: smoke ? 1 : 3,
    seconds: num('seconds', smoke ? 1 : 10),
    rate: num('rate', smoke ? 50 : 200),
    rateSeconds: smoke ? 1 : 10,
  };
  const sustainOptions = {
    variants: list('sustain-variants', smoke ? ['on'] : ['on', 'bare', 'on-semi16']),
    rate: num('sustain-rate', smoke ? 100 : 1000),
    seconds: num('sustain-seconds', smoke ? 1 : 60),
    connections: smoke ? 8 : 64,
  };

  const results: { -readonly [K in keyof BenchResults]: BenchResults[K] } = {
    schema: 'otel-stack-bench/1',
    smoke,
    startedAt,
    finishedAt: '',
    machine: m,
    parts,
    options: { e2e: e2eOptions, sustain: sustainOptions },
  };
  if (parts.includes('micro')) results.micro = await runMicro(smoke);
  if (parts.includes('e2e')) {
    const { runs, spansPerOrder } = await runE2e(e2eOptions);
    results.e2e = { options: e2eOptions, runs, spansPerOrder, summary: summarizeE2e(runs, spansPerOrder) };
  }
  if (parts.includes('sustain')) {
    results.sustain = [];
    for (const v of sustainOptions.variants) {
      results.sustain.push(
        await runSustain(v, sustainOptions.rate, sustainOptions.seconds, sustainOptions.connections),
      );
    }
  }
  if (parts.includes('export')) results.export = await runExport(smoke);
  if (parts.includes('profile')) {
    const dir = path.join(out, 'profiles');
    results.profile = { dir: path.relative(ROOT, dir), variants: [] };
    for (const variant of list('profile-variants', ['bare', 'on'])) {
      const variantDir = path.join(dir, variant);
      rmSync(variantDir, { recursive: true, force: true });
      const pids = await runProfiled(variant, variantDir, e2eOptions.concurrency, smoke ? 2 : 15);
      const o = profileOf(variantDir, pids.orders);
      const p = profileOf(variantDir, pids.payment);
      results.profile.variants.push({
        variant,
        ...(o ? { orderApi: summarizeProfile(o, pids.requests) } : {}),
        ...(p ? { payment: summarizeProfile(p, pids.requests) } : {}),
      });
    }
  }
  results.finishedAt = new Date().toISOString();

  mkdirSync(out, { recursive: true });
  const final = results as BenchResults;
  writeFileSync(path.join(out, 'latest.json'), `${JSON.stringify(final, null, 2)}\n`);
  writeFileSync(path.join(out, 'latest.md'), renderMarkdown(final));
  writeFileSync(path.join(out, 'latest.svg'), renderSvg(final));
  progress(`results: ${path.join(out, 'latest.json')} (.md, .svg)`);
  process.stdout.write(`${path.join(out, 'latest.json')}\n`);
}

if (require.main === module) {
  main().then(
    // Services are gone and sockets closed; exit rather than wait for stray handles (autocannon agents).
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
