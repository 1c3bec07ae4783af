import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { namesOf, servicesTenants, TENANT_BACKENDS, type TenantBackend } from '@otel-stack/tenants';
import { requireBinaries } from './binaries';
import { Collector, type CollectorMetrics, type CollectorPorts, sumOf } from './collector';
import { Jaeger, type JaegerPorts } from './jaeger';
import { ControlPlaneProcess, OPAMP_BINARIES, requireOpampBinaries, SupervisedCollector } from './opamp';
import { freePort, type ManagedProcess, type RunningService, startService } from './processes';

/** The backends the collector routes to, from tenants.yaml: one Jaeger per tenant, then the fallback. */
export const BACKENDS = TENANT_BACKENDS.map((b) => b.id);
export type Backend = (typeof BACKENDS)[number];

/** The tenants the services accept (their TENANTS): every backend but the fallback. */
export const SERVICE_TENANTS = servicesTenants(TENANT_BACKENDS);

/** One value per backend (Object.fromEntries cannot know that every backend is a key). */
export function byBackend<T>(value: (backend: TenantBackend) => T): Record<Backend, T> {
  return Object.fromEntries(TENANT_BACKENDS.map((b) => [b.id, value(b)])) as Record<Backend, T>;
}

export interface PipelinePorts {
  readonly orderApi: number;
  readonly payment: number;
  readonly collector: CollectorPorts;
  readonly jaegers: Readonly<Record<Backend, JaegerPorts>>;
}

export interface PipelineOptions {
  /** Fixed ports (`pnpm stack`); free loopback ports when absent (tests). */
  readonly ports?: PipelinePorts;
  /** The collector's file_storage directory; a fresh temporary one (removed at stop) when absent. */
  readonly storageDir?: string;
  /** More collector environment, e.g. TAIL_SAMPLING_PERCENTAGE. */
  readonly collector?: Record<string, string>;
  readonly payment?: Record<string, string>;
  readonly orders?: Record<string, string>;
  /** Start payment-service and order-api too (default true). */
  readonly services?: boolean;
  /** See StartOptions.ownProcessGroup. */
  readonly ownProcessGroup?: boolean;
  /**
   * Run the collector under the OpAMP Supervisor, its config pushed by the control plane (docs/opamp.md), instead of
   * our distribution with collector/otel-collector.yaml. The control plane keeps its desired config in `stateDir`.
   */
  readonly opamp?: { readonly opampPort: number; readonly adminPort: number; readonly stateDir: string };
}

/** What the pipeline needs of its collector, plain or supervised. */
export interface PipelineCollector {
  readonly otlpGrpcEndpoint: string;
  readonly otlpHttpUrl: string;
  readonly process: ManagedProcess | undefined;
  start(): Promise<void>;
  /** How the collector's process (the supervisor's, supervised) exited; undefined when it was not running. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined>;
  metrics(): Promise<CollectorMetrics>;
}

/** Free loopback ports for one Jaeger per backend. */
export async function freeJaegerPorts(): Promise<Record<Backend, JaegerPorts>> {
  const jaegers = {} as Record<Backend, JaegerPorts>;
  for (const backend of BACKENDS) {
    jaegers[backend] = {
      otlpGrpc: await freePort(),
      queryHttp: await freePort(),
      queryGrpc: await freePort(),
      health: await freePort(),
    };
  }
  return jaegers;
}

/** Free loopback ports for one collector. */
export async function freeCollectorPorts(): Promise<CollectorPorts> {
  return {
    otlpGrpc: await freePort(),
    otlpHttp: await freePort(),
    health: await freePort(),
    metrics: await freePort(),
    pprof: await freePort(),
  };
}

async function freePipelinePorts(): Promise<PipelinePorts> {
  return {
    orderApi: await freePort(),
    payment: await freePort(),
    collector: await freeCollectorPorts(),
    jaegers: await freeJaegerPorts(),
  };
}

/** The collector environment that points every tenant's exporter at its Jaeger (or anything with an OTLP endpoint). */
export function jaegerEndpoints(
  jaegers: Readonly<Record<Backend, { readonly otlpEndpoint: string }>>,
): Record<string, string> {
  return Object.fromEntries(TENANT_BACKENDS.map((b) => [namesOf(b).endpointVariable, jaegers[b.id].otlpEndpoint]));
}

/**
 * Waits until every collector holds no trace in tail sampling (it decides `decision_wait` after a trace's first
 * span) and its exporters' queues are empty, i.e. everything they accepted is in a Jaeger. False on timeout.
 */
export async function collectorsDrained(
  collectors: readonly Pick<PipelineCollector, 'metrics'>[],
  timeoutMs = 30_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const drained = async (collector: Pick<PipelineCollector, 'metrics'>): Promise<boolean> => {
    const metrics = await collector.metrics().catch(() => undefined);
    return (
      metrics !== undefined &&
      sumOf(metrics, 'otelcol_processor_tail_sampling_sampling_traces_on_memory') === 0 &&
      sumOf(metrics, 'otelcol_exporter_queue_size') === 0
    );
  };
  while (Date.now() < deadline) {
    if ((await Promise.all(collectors.map(drained))).every(Boolean)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * The whole pipeline as real processes on loopback: a Jaeger per backend, the collector built from
 * collector/builder-config.yaml running collector/otel-collector.yaml, payment-service and order-api exporting to it.
 */
export class Pipeline {
  readonly ports: PipelinePorts;
  readonly jaegers: Readonly<Record<Backend, Jaeger>>;
  #collector: PipelineCollector;
  /** With the `opamp` option: the control plane that configures the collector. */
  readonly controlPlane: ControlPlaneProcess | undefined;
  readonly storageDir: string;
  readonly #ownsStorage: boolean;
  readonly #options: PipelineOptions;
  payment: RunningService | undefined;
  orders: RunningService | undefined;

  constructor(ports: PipelinePorts, options: PipelineOptions) {
    this.ports = ports;
    this.#options = options;
    this.#ownsStorage = options.storageDir === undefined;
    this.storageDir = options.storageDir ?? mkdtempSync(path.join(os.tmpdir(), 'otelcol-storage-'));
    this.jaegers = byBackend((b) => new Jaeger(b.id, ports.jaegers[b.id]));
    this.controlPlane =
      options.opamp &&
      new ControlPlaneProcess({
        opampPort: options.opamp.opampPort,
        adminPort: options.opamp.adminPort,
        stateDir: options.opamp.stateDir,
        validator: OPAMP_BINARIES.collector,
        ownProcessGroup: options.ownProcessGroup ?? false,
      });
    this.#collector = this.newCollector();
  }

  /** The current collector process (a new one after restartCollector). */
  get collector(): PipelineCollector {
    return this.#collector;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.ports.orderApi}`;
  }

  /** A collector on the same ports and storage (to start one again after stopping it). */
  newCollector(): PipelineCollector {
    const env = {
      ...jaegerEndpoints(this.jaegers),
      COLLECTOR_STORAGE_DIR: this.storageDir,
      ...this.#options.collector,
    };
    if (this.controlPlane) {
      return new SupervisedCollector({
        ports: this.ports.collector,
        serverUrl: this.controlPlane.opampUrl,
        env,
        ownProcessGroup: this.#options.ownProcessGroup ?? false,
      });
    }
    return new Collector({ ports: this.ports.collector, env, ownProcessGroup: this.#options.ownProcessGroup ?? false });
  }

  /** Every process of the pipeline started so far. */
  processes(): ManagedProcess[] {
    return [
      ...BACKENDS.flatMap((b) => this.jaegers[b].process ?? []),
      ...(this.controlPlane?.process ? [this.controlPlane.process] : []),
      ...(this.collector.process ? [this.collector.process] : []),
      ...(this.payment ? [this.payment] : []),
      ...(this.orders ? [this.orders] : []),
    ];
  }

  async restartCollector(): Promise<void> {
    await this.collector.stop();
    this.#collector = this.newCollector();
    await this.collector.start();
  }

  async start(onProgress: (what: string) => void = () => {}): Promise<void> {
    for (const backend of BACKENDS) {
      onProgress(`jaeger ${backend}`);
      await this.jaegers[backend].start({ ownProcessGroup: this.#options.ownProcessGroup ?? false });
    }
    if (this.controlPlane) {
      onProgress('control-plane');
      await this.controlPlane.start();
    }
    onProgress(this.controlPlane ? 'otel-collector (under the OpAMP Supervisor)' : 'otel-collector');
    await this.collector.start();
    if (this.#options.services === false) return;
    const group = { ownProcessGroup: this.#options.ownProcessGroup ?? false };
    const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: this.collector.otlpGrpcEndpoint, TENANTS: SERVICE_TENANTS };
    onProgress('payment-service');
    this.payment = await startService('payment-service', {
      ...group,
      env: { ...otlp, HOST: '127.0.0.1', PORT: String(this.ports.payment), ...this.#options.payment },
    });
    onProgress('order-api');
    this.orders = await startService('order-api', {
      ...group,
      env: {
        ...otlp,
        HOST: '127.0.0.1',
        PORT: String(this.ports.orderApi),
        PAYMENT_SERVICE_ADDR: `127.0.0.1:${this.ports.payment}`,
        ...this.#options.orders,
      },
    });
  }

  /** See collectorsDrained. */
  async drained(timeoutMs = 30_000): Promise<boolean> {
    return collectorsDrained([this.collector], timeoutMs);
  }

  /**
   * Stops everything, also what failed to start: the services first (they flush their spans into the collector),
   * with `drain` the collector's last decisions and exports, then the collector (its persistent queues stay on
   * disk) and the Jaegers.
   */
  async stop(options: { drain?: boolean } = {}): Promise<void> {
    await Promise.all([this.orders?.terminate(), this.payment?.terminate()]);
    if (options.drain && this.collector.process?.running) await this.drained();
    await this.collector.stop();
    await this.controlPlane?.stop();
    await Promise.all(BACKENDS.map((b) => this.jaegers[b].stop()));
    if (this.#ownsStorage) rmSync(this.storageDir, { recursive: true, force: true });
  }
}

/** Starts what `stack` runs, or stops whatever of it did start and rethrows: a failed start leaves nothing behind. */
export async function startedOrStopped<T extends { start(): Promise<void>; stop(): Promise<void> }>(
  stack: T,
): Promise<T> {
  try {
    await stack.start();
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}

export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  requireBinaries();
  if (options.opamp) requireOpampBinaries();
  return startedOrStopped(new Pipeline(options.ports ?? (await freePipelinePorts()), options));
}
