import { spawn } from 'node:child_process';
import path from 'node:path';
import { BINARIES, ROOT } from './binaries';
import { waitHealthy } from './jaeger';
import { ManagedProcess, track } from './processes';

export const COLLECTOR_CONFIG = path.join(ROOT, 'collector/otel-collector.yaml');
/** The two-tier collector (docs/scaling.md): tier 1's config, and the overlay tier 2 merges over COLLECTOR_CONFIG. */
export const TIER1_CONFIG = path.join(ROOT, 'collector/tier1.yaml');
export const TIER2_OVERLAY = path.join(ROOT, 'collector/tier2.yaml');

export interface CollectorPorts {
  readonly otlpGrpc: number;
  readonly otlpHttp: number;
  readonly health: number;
  readonly metrics: number;
  readonly pprof: number;
}

export interface CollectorOptions {
  readonly ports: CollectorPorts;
  /** Values for the config's variables: JAEGER_*_ENDPOINT, COLLECTOR_STORAGE_DIR, TAIL_SAMPLING_PERCENTAGE. */
  readonly env: Record<string, string>;
  /**
   * The --config sources, merged in this order: files, or inline `yaml:` sources (default: COLLECTOR_CONFIG alone;
   * e.g. with collector/debug.yaml after it).
   */
  readonly configs?: readonly string[];
  /** The process name in logs and errors (default otel-collector). */
  readonly name?: string;
  /** See StartOptions.ownProcessGroup. */
  readonly ownProcessGroup?: boolean;
  /** Another build of the collector (the benchmark's distribution with one more component); default ours. */
  readonly binary?: string;
}

/**
 * The listen addresses of collector/otel-collector.yaml (and tier1.yaml, which has the same) moved to loopback ports:
 * the only thing the native stack and the tests change. The files bind 0.0.0.0 (what a container needs); `--set`
 * overrides those keys and nothing else, so every processor, route and exporter runs exactly as in compose and
 * Kubernetes.
 */
export function listenOverrides(ports: CollectorPorts): string[] {
  return [
    `--set=receivers.otlp.protocols.grpc.endpoint=127.0.0.1:${ports.otlpGrpc}`,
    `--set=receivers.otlp.protocols.http.endpoint=127.0.0.1:${ports.otlpHttp}`,
    `--set=extensions.health_check.endpoint=127.0.0.1:${ports.health}`,
    `--set=extensions.pprof.endpoint=127.0.0.1:${ports.pprof}`,
    `--set=service.telemetry.metrics.readers=[{pull: {exporter: {prometheus: {host: 127.0.0.1, port: ${ports.metrics}}}}}]`,
  ];
}

/** Sums of the collector's own counters, by metric name (without `_total`) and label set. */
export type CollectorMetrics = Map<string, Array<{ labels: Record<string, string>; value: number }>>;

export function parsePrometheus(text: string): CollectorMetrics {
  const metrics: CollectorMetrics = new Map();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m?.[1] || m[3] === undefined) continue;
    const name = m[1].replace(/_total$/, '');
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      if (key !== undefined && value !== undefined) labels[key] = value;
    }
    const series = metrics.get(name) ?? [];
    series.push({ labels, value: Number(m[3]) });
    metrics.set(name, series);
  }
  return metrics;
}

/** The sum of a counter over the series whose labels include `where`. */
export function sumOf(metrics: CollectorMetrics, name: string, where: Record<string, string> = {}): number {
  return (metrics.get(name) ?? [])
    .filter((s) => Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Our collector distribution (collector/builder-config.yaml) running collector/otel-collector.yaml, or a tier. */
export class Collector {
  readonly options: CollectorOptions;
  #process: ManagedProcess | undefined;

  constructor(options: CollectorOptions) {
    this.options = options;
  }

  get process(): ManagedProcess | undefined {
    return this.#process;
  }

  get otlpGrpcEndpoint(): string {
    return `http://127.0.0.1:${this.options.ports.otlpGrpc}`;
  }

  get otlpHttpUrl(): string {
    return `http://127.0.0.1:${this.options.ports.otlpHttp}`;
  }

  async start(): Promise<void> {
    const configs = (this.options.configs ?? [COLLECTOR_CONFIG]).map((source) => `--config=${source}`);
    const child = spawn(
      this.options.binary ?? BINARIES.collector,
      [...configs, ...listenOverrides(this.options.ports)],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...this.options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: this.options.ownProcessGroup ?? false,
      },
    );
    track(child);
    this.#process = new ManagedProcess(this.options.name ?? 'otel-collector', child);
    await waitHealthy(this.#process, `http://127.0.0.1:${this.options.ports.health}/`);
  }

  /** SIGTERM: the collector drains its pipelines and keeps what the persistent queues hold on disk. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number } | undefined> {
    return this.#process?.terminate();
  }

  async metrics(): Promise<CollectorMetrics> {
    const res = await fetch(`http://127.0.0.1:${this.options.ports.metrics}/metrics`, {
      signal: AbortSignal.timeout(5_000),
    });
    return parsePrometheus(await res.text());
  }
}
