// The OpAMP setup as real processes on loopback (docs/opamp.md): the control plane (services/control-plane) and a
// collector run by the OpAMP Supervisor, both built natively (scripts/build-opamp.sh). The supervised collector gets
// its whole config from the control plane; the one thing changed here is where it listens (a local config file the
// supervisor merges after the remote config, as collector.ts's --set overrides do for the plain collector).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './binaries';
import { type CollectorMetrics, type CollectorPorts, parsePrometheus } from './collector';
import { waitHealthy } from './jaeger';
import { freePort, ManagedProcess, track } from './processes';

export const OPAMP_BINARIES = {
  collector: path.join(ROOT, '.build/otelcol-opamp/otelcol-otel-stack-opamp'),
  supervisor: path.join(ROOT, '.build/opampsupervisor/opampsupervisor'),
} as const;

/** The supervisor config the images ship (and the local file they merge last). */
export const SUPERVISOR_CONFIG = path.join(ROOT, 'collector/opamp/supervisor.yaml');
const SHIPPED_LOCAL_CONFIG = '/etc/otelcol/local.yaml';

interface SupervisorConfig {
  server: Record<string, unknown>;
  agent: { config_files: string[]; [key: string]: unknown };
  [key: string]: unknown;
}

export function requireOpampBinaries(): void {
  const missing = Object.values(OPAMP_BINARIES).filter((binary) => !existsSync(binary));
  if (missing.length > 0) {
    throw new Error(`${missing.join(' and ')} not built: run ./scripts/pnpm opamp:build (needs Go)`);
  }
}

const CONTROL_PLANE_MAIN = path.join(ROOT, 'services/control-plane/dist/main.js');

export interface ControlPlaneOptions {
  readonly opampPort: number;
  readonly adminPort: number;
  /** Kept across restarts of the process (the desired config lives there). */
  readonly stateDir: string;
  /** The collector binary it validates configs with. */
  readonly validator: string;
  readonly env?: Record<string, string>;
  /** See StartOptions.ownProcessGroup. */
  readonly ownProcessGroup?: boolean;
}

/** services/control-plane as a process, and its admin API. */
export class ControlPlaneProcess {
  #process: ManagedProcess | undefined;

  constructor(readonly options: ControlPlaneOptions) {}

  get adminUrl(): string {
    return `http://127.0.0.1:${this.options.adminPort}`;
  }

  get opampUrl(): string {
    return `ws://127.0.0.1:${this.options.opampPort}/v1/opamp`;
  }

  get process(): ManagedProcess | undefined {
    return this.#process;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [CONTROL_PLANE_MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        OPAMP_HOST: '127.0.0.1',
        OPAMP_PORT: String(this.options.opampPort),
        ADMIN_PORT: String(this.options.adminPort),
        STATE_DIR: this.options.stateDir,
        COLLECTOR_VALIDATOR: this.options.validator,
        LOG_LEVEL: 'warn',
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: this.options.ownProcessGroup ?? false,
    });
    track(child);
    this.#process = new ManagedProcess('control-plane', child);
    await waitHealthy(this.#process, `${this.adminUrl}/healthz`);
  }

  async stop(): Promise<void> {
    await this.#process?.terminate();
  }

  /** One admin API call: the status and the JSON answer. */
  async call<T = unknown>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.adminUrl}${pathname}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    return { status: res.status, body: (await res.json()) as T };
  }
}

export interface SupervisedCollectorOptions {
  readonly ports: CollectorPorts;
  /** The control plane's OpAMP endpoint, ws://host:port/v1/opamp. */
  readonly serverUrl: string;
  /** The collector's environment (the Jaegers' endpoints, COLLECTOR_STORAGE_DIR); the supervisor passes it on. */
  readonly env: Record<string, string>;
  /** How long a restarted collector must stay healthy before the supervisor reports APPLIED. */
  readonly configApplyTimeout?: string;
  /** See StartOptions.ownProcessGroup. */
  readonly ownProcessGroup?: boolean;
}

/** The OpAMP Supervisor running the opamp distribution; the collector starts once the control plane sends a config. */
export class SupervisedCollector {
  readonly #dir = mkdtempSync(path.join(os.tmpdir(), 'opamp-supervisor-'));
  #process: ManagedProcess | undefined;

  constructor(readonly options: SupervisedCollectorOptions) {}

  get otlpGrpcEndpoint(): string {
    return `http://127.0.0.1:${this.options.ports.otlpGrpc}`;
  }

  get otlpHttpUrl(): string {
    return `http://127.0.0.1:${this.options.ports.otlpHttp}`;
  }

  get healthUrl(): string {
    return `http://127.0.0.1:${this.options.ports.health}/`;
  }

  get process(): ManagedProcess | undefined {
    return this.#process;
  }

  /** Starts the supervisor and waits until the collector it runs answers its health check. */
  async start(): Promise<void> {
    const { ports } = this.options;
    const listen = path.join(this.#dir, 'listen.yaml');
    writeFileSync(
      listen,
      JSON.stringify({
        receivers: {
          otlp: {
            protocols: {
              grpc: { endpoint: `127.0.0.1:${ports.otlpGrpc}` },
              http: { endpoint: `127.0.0.1:${ports.otlpHttp}` },
            },
          },
        },
        extensions: {
          health_check: { endpoint: `127.0.0.1:${ports.health}` },
          pprof: { endpoint: `127.0.0.1:${ports.pprof}` },
        },
        service: {
          telemetry: {
            metrics: { readers: [{ pull: { exporter: { prometheus: { host: '127.0.0.1', port: ports.metrics } } } }] },
          },
        },
      }),
    );
    const config = path.join(this.#dir, 'supervisor.yaml');
    writeFileSync(config, JSON.stringify(this.#supervisorConfig(listen, await freePort())));
    const child = spawn(OPAMP_BINARIES.supervisor, [`--config=${config}`], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: this.options.ownProcessGroup ?? false,
    });
    track(child);
    this.#process = new ManagedProcess('opamp-supervisor', child);
    // The collector starts once the control plane's config has arrived and passed the supervisor's validation.
    await waitHealthy(this.#process, this.healthUrl, 60_000);
  }

  /**
   * collector/opamp/supervisor.yaml, the file the images run, with what differs on the host: the control plane's
   * URL, the binary built here, a temporary storage, a free port for the supervisor's local OpAMP server, the
   * listen addresses as the local file, and the supervisor's warnings only. Written back as JSON (JSON is YAML).
   */
  #supervisorConfig(localConfig: string, opampServerPort: number): SupervisorConfig {
    const shipped = parse(readFileSync(SUPERVISOR_CONFIG, 'utf8')) as SupervisorConfig;
    const files = shipped.agent.config_files;
    if (files.at(-1) !== SHIPPED_LOCAL_CONFIG) {
      throw new Error(`${SUPERVISOR_CONFIG}: agent.config_files must end with ${SHIPPED_LOCAL_CONFIG}`);
    }
    return {
      ...shipped,
      server: { ...shipped.server, endpoint: this.options.serverUrl },
      agent: {
        ...shipped.agent,
        executable: OPAMP_BINARIES.collector,
        config_apply_timeout: this.options.configApplyTimeout ?? '3s',
        opamp_server_port: opampServerPort,
        config_files: [...files.slice(0, -1), localConfig],
      },
      storage: { directory: path.join(this.#dir, 'storage') },
      telemetry: { logs: { level: 'warn' } },
    };
  }

  async metrics(): Promise<CollectorMetrics> {
    const res = await fetch(`http://127.0.0.1:${this.options.ports.metrics}/metrics`, {
      signal: AbortSignal.timeout(5_000),
    });
    return parsePrometheus(await res.text());
  }

  /**
   * SIGINT: the supervisor stops the collector (which drains) and exits. The supervisor (0.149.0) handles SIGINT
   * only; on SIGTERM it dies at once and leaves the collector running without it.
   */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    const supervisor = this.#process;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    if (supervisor?.running) {
      supervisor.child.kill('SIGINT');
      exit = await supervisor.exited;
    }
    rmSync(this.#dir, { recursive: true, force: true });
    return exit;
  }
}
