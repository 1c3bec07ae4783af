import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireBinaries } from './binaries';
import { COLLECTOR_CONFIG, Collector, type CollectorPorts, TIER1_CONFIG, TIER2_OVERLAY } from './collector';
import { Jaeger } from './jaeger';
import {
  BACKENDS,
  type Backend,
  byBackend,
  collectorsDrained,
  freeCollectorPorts,
  freeJaegerPorts,
  jaegerEndpoints,
  SERVICE_TENANTS,
  startedOrStopped,
} from './pipeline';
import { type ManagedProcess, type RunningService, startService } from './processes';

export interface TwoTierOptions {
  /** Collectors per tier (default 2 each). */
  readonly tier1Replicas?: number;
  readonly tier2Replicas?: number;
  /** More tier-2 environment, e.g. TAIL_SAMPLING_PERCENTAGE. */
  readonly tier2?: Record<string, string>;
  /** More --config sources for tier 1, merged last (a test's deliberate misconfiguration). */
  readonly tier1Configs?: readonly string[];
}

/** The tier-1 source that lists the tier-2 collectors: a static resolver, as on a machine without cluster DNS. */
export function staticResolver(tier2: readonly Collector[]): string {
  const hostnames = tier2.map((c) => `127.0.0.1:${c.options.ports.otlpGrpc}`).join(', ');
  return `yaml:exporters::loadbalancing::resolver::static::hostnames: [${hostnames}]`;
}

/**
 * The two-tier collector (docs/scaling.md) as real processes on loopback: a Jaeger per backend; tier-2 collectors
 * running collector/otel-collector.yaml with collector/tier2.yaml, each with its own file_storage directory; tier-1
 * collectors running collector/tier1.yaml with a static resolver listing the tier-2 ones. order-api exports to the
 * first tier-1 collector and payment-service to the second, so the spans of every order trace arrive split across
 * tier 1, as behind a Kubernetes Service.
 */
export class TwoTierPipeline {
  readonly jaegers: Readonly<Record<Backend, Jaeger>>;
  readonly tier1: readonly Collector[];
  readonly #tier2: Collector[];
  readonly #storageDirs: readonly string[];
  readonly #options: TwoTierOptions;
  payment: RunningService | undefined;
  orders: RunningService | undefined;

  constructor(
    jaegers: Record<Backend, Jaeger>,
    tier2Ports: CollectorPorts[],
    tier1Ports: CollectorPorts[],
    options: TwoTierOptions,
  ) {
    this.jaegers = jaegers;
    this.#options = options;
    this.#storageDirs = tier2Ports.map(() => mkdtempSync(path.join(os.tmpdir(), 'otelcol-tier2-storage-')));
    this.#tier2 = tier2Ports.map((_, i) => this.newTier2(i, tier2Ports));
    const resolver = staticResolver(this.#tier2);
    this.tier1 = tier1Ports.map(
      (ports, i) =>
        new Collector({
          name: `otel-collector-tier1-${i}`,
          ports,
          env: {},
          configs: [TIER1_CONFIG, resolver, ...(options.tier1Configs ?? [])],
        }),
    );
  }

  /** The tier-2 collectors now running (a new one after restartTier2). */
  get tier2(): readonly Collector[] {
    return this.#tier2;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.orders?.port}`;
  }

  newTier2(index: number, ports: readonly CollectorPorts[] = this.#tier2.map((c) => c.options.ports)): Collector {
    return new Collector({
      name: `otel-collector-tier2-${index}`,
      ports: ports[index] as CollectorPorts,
      env: {
        ...jaegerEndpoints(this.jaegers),
        COLLECTOR_STORAGE_DIR: this.#storageDirs[index] as string,
        ...this.#options.tier2,
      },
      configs: [COLLECTOR_CONFIG, TIER2_OVERLAY],
    });
  }

  /** Every collector of both tiers. */
  collectors(): Collector[] {
    return [...this.tier1, ...this.#tier2];
  }

  processes(): ManagedProcess[] {
    return [
      ...BACKENDS.flatMap((b) => this.jaegers[b].process ?? []),
      ...this.collectors().flatMap((c) => c.process ?? []),
      ...(this.payment ? [this.payment] : []),
      ...(this.orders ? [this.orders] : []),
    ];
  }

  async start(): Promise<void> {
    for (const backend of BACKENDS) await this.jaegers[backend].start();
    for (const collector of [...this.#tier2, ...this.tier1]) await collector.start();
    const otlp = (collector: Collector | undefined) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector?.otlpGrpcEndpoint ?? '',
      TENANTS: SERVICE_TENANTS,
      HOST: '127.0.0.1',
    });
    this.payment = await startService('payment-service', { env: otlp(this.tier1[1] ?? this.tier1[0]) });
    this.orders = await startService('order-api', {
      env: { ...otlp(this.tier1[0]), PAYMENT_SERVICE_ADDR: `127.0.0.1:${this.payment.port}` },
    });
  }

  /** SIGTERM to a tier-2 collector: it decides the traces it holds and keeps its queues on disk. */
  async stopTier2(index: number): Promise<void> {
    await this.#tier2[index]?.stop();
  }

  /** A tier-2 collector again, on the address and the storage of the one stopped. */
  async startTier2(index: number): Promise<void> {
    this.#tier2[index] = this.newTier2(index);
    await this.#tier2[index].start();
  }

  /** See collectorsDrained: for both tiers. */
  async drained(timeoutMs = 30_000): Promise<boolean> {
    return collectorsDrained(this.collectors(), timeoutMs);
  }

  /** Stops everything started, the services first (they flush into tier 1), then tier 1, tier 2, the Jaegers. */
  async stop(): Promise<void> {
    await Promise.all([this.orders?.terminate(), this.payment?.terminate()]);
    await Promise.all(this.tier1.map((c) => c.stop()));
    await Promise.all(this.#tier2.map((c) => c.stop()));
    await Promise.all(BACKENDS.map((b) => this.jaegers[b].stop()));
    for (const dir of this.#storageDirs) rmSync(dir, { recursive: true, force: true });
  }
}

export async function startTwoTier(options: TwoTierOptions = {}): Promise<TwoTierPipeline> {
  requireBinaries();
  const ports = async (n: number): Promise<CollectorPorts[]> => {
    const all: CollectorPorts[] = [];
    for (let i = 0; i < n; i++) all.push(await freeCollectorPorts());
    return all;
  };
  const jaegerPorts = await freeJaegerPorts();
  return startedOrStopped(
    new TwoTierPipeline(
      byBackend((b) => new Jaeger(b.id, jaegerPorts[b.id])),
      await ports(options.tier2Replicas ?? 2),
      await ports(options.tier1Replicas ?? 2),
      options,
    ),
  );
}
