/**
 * What one collector costs and holds, measured with the real binary: our distribution running
 * collector/otel-collector.yaml (masking, tail sampling, routing, persistent queues) with every tenant's exporter
 * pointed at a null OTLP receiver, fed order-shaped spans (11 per trace, the services' attributes) by the SDK's own export path
 * (export-load.js) at a fixed rate. For each variant and rate, over a steady-state window (after the first
 * decision_wait, so releasing decided traces is counted too): the collector's CPU per accepted span, the spans it
 * accepted and refused per second, its RSS, and traces held in memory.
 *
 *   pnpm build && node tools/bench/dist/collector-capacity.js [--rates=5000,10000,20000]
 *     [--variants=full,nomask,redaction] [--rounds=1] [--warmup=15] [--window=30]
 *   node tools/bench/dist/collector-capacity.js build-redaction
 *
 * Variants: `full` is the shipped config; `nomask` is the same without the transform/pii processor (its share of the
 * cost); `redaction` replaces transform/pii with the contrib redaction processor configured as close to our rules as
 * it allows (REDACTION below; docs/performance.md "Collector: what masking costs" lists what it cannot do). It runs
 * a bench-only build of our distribution with that one processor added (`build-redaction`: the same manifest, all
 * modules at its release, into .build/otelcol-redaction/), because the shipped distribution holds exactly the
 * components the shipped configs use. `<name>=<file>` runs the full pipeline with another config file in place of
 * collector/otel-collector.yaml (e.g. the masking of an earlier commit, to compare). With --rounds=N the variants
 * run interleaved, N times per rate, so a slow spell of the machine does not land on one variant only.
 * Prints one JSON line per step and a markdown table. The span generator runs on the same cores, so the
 * highest sustained rate is a lower bound; CPU per span is the number that transfers to other machines.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BACKENDS,
  BINARIES,
  byBackend,
  COLLECTOR_CONFIG,
  Collector,
  freeCollectorPorts,
  jaegerEndpoints,
  sumOf,
} from '@otel-stack/devstack';
import { NullReceiver } from './null-receiver';
import { cpuSeconds, machine, rssMiB } from './proc';

const SPANS_PER_TRACE = 11;

interface Step {
  readonly variant: string;
  readonly targetSpansPerSec: number;
  readonly acceptedSpansPerSec: number;
  readonly refusedSpansPerSec: number;
  readonly exportedSpansPerSec: number;
  /** Collector CPU (user + system) per accepted span over the window, µs. */
  readonly cpuUsPerSpan: number;
  /** Share of one core the collector used over the window. */
  readonly cores: number;
  readonly rssMiB: number;
  readonly idleRssMiB: number;
  /** Traces held by tail sampling at the end of the window (the processor's own gauge). */
  readonly tracesInMemory: number;
}

function arg(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/** The shipped pipeline without the masking processor (lists are replaced when config sources merge). */
const NOMASK = 'yaml:service::pipelines::traces/in::processors: [memory_limiter, tail_sampling]';

const ROOT = path.resolve(__dirname, '../../..');
const REDACTION_DIR = path.join(ROOT, '.build/otelcol-redaction');
const REDACTION_BINARY = path.join(REDACTION_DIR, 'otelcol-otel-stack-redaction');
const REDACTION_MODULE = 'github.com/open-telemetry/opentelemetry-collector-contrib/processor/redactionprocessor';

/**
 * transform/pii's rules as far as the redaction processor can express them: blocked_values replace each whole match
 * with `****` (no capture groups, so no last four digits and no boundary characters: the card pattern uses \b
 * instead of consuming them), the two named keys are masked whole, non-string values are looked at too (the named
 * card key may be an int), and no summary attributes are added (ours adds none). It hashes only with
 * hash_function, which would then apply to every masked value (card numbers too), so none is set.
 */
const REDACTION = [
  'yaml:processors::redaction/pii: {allow_all_keys: true, redact_all_types: true, summary: silent,' +
    " blocked_key_patterns: ['^payment\\.card\\.number$$', '^user\\.email$$'], blocked_values: [" +
    "'\\b(?:[0-9](?:[ +._/-]|%20|%2[BDEFbdef]|%5[Ff])?){12,18}[0-9]\\b'," +
    " '[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:[.][A-Za-z0-9-]+)*[.][A-Za-z]{2,}']}",
  'yaml:service::pipelines::traces/in::processors: [memory_limiter, redaction/pii, tail_sampling]',
];

/** Builds REDACTION_BINARY: collector/builder-config.yaml with the redaction processor at the same release. */
function buildRedaction(): void {
  const manifest = readFileSync(path.join(ROOT, 'collector/builder-config.yaml'), 'utf8');
  const release = /^ {2}version: *([0-9.]+)/m.exec(manifest)?.[1];
  const ocb = path.join(ROOT, `.build/bin/ocb-v${release}`);
  if (!release || !existsSync(ocb)) throw new Error(`no ${ocb}: run ./scripts/pnpm collector:build first`);
  const derived = manifest
    .replace(/^( {2}module: .*)$/m, '$1-redaction')
    .replace(/^( {2}name: .*)$/m, '$1-redaction')
    .replace(/^ {2}output_path: .*$/m, `  output_path: ${REDACTION_DIR}`)
    .replace(/^(processors:\n)/m, `$1  - gomod: ${REDACTION_MODULE} v${release}\n`);
  mkdirSync(REDACTION_DIR, { recursive: true });
  // The pinned sums of every module the shipped distribution has; the new ones are added to this copy only.
  copyFileSync(path.join(ROOT, 'collector/go.sum'), path.join(REDACTION_DIR, 'go.sum'));
  const file = path.join(REDACTION_DIR, 'builder-config.yaml');
  writeFileSync(file, derived);
  execFileSync(ocb, [`--config=${file}`], {
    cwd: REDACTION_DIR,
    stdio: 'inherit',
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: `${process.env.GOFLAGS ?? ''} -e`.trim() },
  });
}

interface Variant {
  readonly binary: string;
  readonly configs: readonly string[];
}

function variantOf(spec: string): Variant {
  const [name, file] = spec.split('=');
  if (file !== undefined) return { binary: BINARIES.collector, configs: [path.resolve(file)] };
  switch (name) {
    case 'full':
      return { binary: BINARIES.collector, configs: [COLLECTOR_CONFIG] };
    case 'nomask':
      return { binary: BINARIES.collector, configs: [COLLECTOR_CONFIG, NOMASK] };
    case 'redaction':
      if (!existsSync(REDACTION_BINARY)) {
        throw new Error(`no ${REDACTION_BINARY}: node tools/bench/dist/collector-capacity.js build-redaction`);
      }
      return { binary: REDACTION_BINARY, configs: [COLLECTOR_CONFIG, ...REDACTION] };
    default:
      throw new Error(`unknown variant ${spec}`);
  }
}

async function measure(spec: string, rate: number, warmup: number, window: number, dir: string): Promise<Step> {
  // One sink per tenant backend, where the config's exporters expect a Jaeger.
  const sinks = byBackend(() => new NullReceiver());
  await Promise.all(BACKENDS.map((b) => sinks[b].start()));
  const exporters = jaegerEndpoints(byBackend((b) => ({ otlpEndpoint: sinks[b.id].endpoint.replace('http://', '') })));
  const variant = spec.split('=')[0] ?? spec;
  const { binary, configs } = variantOf(spec);
  const storage = mkdtempSync(path.join(dir, `queue-${variant}-${rate}-`));
  const collector = new Collector({
    ports: await freeCollectorPorts(),
    env: {
      ...exporters,
      COLLECTOR_STORAGE_DIR: storage,
      TAIL_SAMPLING_PERCENTAGE: '100',
    },
    configs,
    binary,
  });
  await collector.start();
  const pid = collector.process?.child.pid;
  if (pid === undefined) throw new Error('collector has no pid');
  await sleep(2);
  const idleRss = rssMiB(pid).rss;

  const load = spawn(
    process.execPath,
    [
      path.join(__dirname, 'export-load.js'),
      collector.otlpGrpcEndpoint,
      'none',
      String(warmup + window + 2),
      String(rate),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const loadDone = new Promise<void>((resolve) => load.once('exit', () => resolve()));
  await sleep(warmup);
  const m0 = await collector.metrics();
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  await sleep(window);
  const m1 = await collector.metrics();
  const cpu1 = cpuSeconds(pid);
  const seconds = (performance.now() - t0) / 1000;
  const rss = rssMiB(pid).rss;
  await loadDone;
  await collector.stop();
  await Promise.all(BACKENDS.map((b) => sinks[b].stop()));
  rmSync(storage, { recursive: true, force: true });

  const delta = (name: string) => sumOf(m1, name) - sumOf(m0, name);
  const accepted = delta('otelcol_receiver_accepted_spans');
  return {
    variant,
    targetSpansPerSec: rate,
    acceptedSpansPerSec: accepted / seconds,
    refusedSpansPerSec: delta('otelcol_receiver_refused_spans') / seconds,
    exportedSpansPerSec: delta('otelcol_exporter_sent_spans') / seconds,
    cpuUsPerSpan: accepted > 0 ? ((cpu1 - cpu0) * 1e6) / accepted : 0,
    cores: (cpu1 - cpu0) / seconds,
    rssMiB: rss,
    idleRssMiB: idleRss,
    tracesInMemory: sumOf(m1, 'otelcol_processor_tail_sampling_sampling_traces_on_memory'),
  };
}

function table(steps: readonly Step[]): string {
  const rows = steps.map((s) =>
    [
      s.variant,
      s.targetSpansPerSec,
      Math.round(s.acceptedSpansPerSec),
      Math.round(s.refusedSpansPerSec),
      Math.round(s.exportedSpansPerSec),
      s.cpuUsPerSpan.toFixed(1),
      s.cores.toFixed(2),
      Math.round(s.tracesInMemory),
      Math.round(s.rssMiB - s.idleRssMiB),
      s.tracesInMemory > 0 ? (((s.rssMiB - s.idleRssMiB) * 1024) / s.tracesInMemory).toFixed(1) : '-',
    ].join(' | '),
  );
  return [
    '| variant | target spans/s | accepted/s | refused/s | exported/s | collector CPU µs/span | cores | traces held | RSS over idle MiB | KiB per held trace |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  if (process.argv[2] === 'build-redaction') {
    buildRedaction();
    return;
  }
  const rates = arg('rates', '5000,10000,20000').split(',').map(Number);
  const variants = arg('variants', 'full,nomask,redaction').split(',');
  const rounds = Number(arg('rounds', '1'));
  const warmup = Number(arg('warmup', '15'));
  const window = Number(arg('window', '30'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otel-stack-capacity-'));
  const steps: Step[] = [];
  try {
    for (const rate of rates) {
      for (let round = 0; round < rounds; round++) {
        // Interleaved, and in a different order each round.
        const order = round % 2 === 0 ? variants : [...variants].reverse();
        for (const variant of order) {
          process.stderr.write(`collector-capacity: ${variant} at ${rate} spans/s (${SPANS_PER_TRACE} per trace)\n`);
          const step = await measure(variant, rate, warmup, window, dir);
          process.stdout.write(`${JSON.stringify(step)}\n`);
          steps.push(step);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const m = machine();
  process.stdout.write(`\n${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB\n\n${table(steps)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
