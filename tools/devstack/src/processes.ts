import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

export type ServiceName = 'order-api' | 'payment-service';

/**
 * A port, free right now, for an address where NOTHING should listen for a while (a collector or payment-service
 * that is down). It is drawn from 20000-29999, below the kernel's ephemeral range (32768+ on Linux), so a parallel
 * test binding port 0 cannot be handed it and start receiving traffic meant to go nowhere.
 */
export async function unusedPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

// Ports handed out by freePort(), so one process never gets the same port twice (the kernel may hand a just-released
// port out again at once, and a pipeline asks for twenty in a row).
const handedOut = new Set<number>();

/** Whether something accepts TCP connections on `host:port` right now. */
export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A free TCP port on loopback (released just before the service binds it), never one handed out before. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/**
 * The service's own `start` script (`node --require @otel-stack/telemetry/register dist/main.js`), run with this
 * test's Node binary and without pnpm in between, exactly as a container's entrypoint runs it: the test exercises
 * the real preload, and signals reach the service itself.
 */
function startCommand(service: ServiceName): { cwd: string; args: string[] } {
  const cwd = path.join(ROOT, 'services', service);
  const pkg = JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = pkg.scripts.start.split(/\s+/);
  if (node !== 'node') throw new Error(`${service}: start script must begin with "node", got "${pkg.scripts.start}"`);
  return { cwd, args };
}

/** Environment every test service gets: fast export so tests need not wait for the 5 s default batch delay. */
export const TEST_ENV = {
  OTEL_BSP_SCHEDULE_DELAY: '100',
  LOG_LEVEL: 'info',
} as const;

// Every service started from this process, so none outlives it: a failed test or a crashed demo must not leave
// services running (and holding ports) behind.
const running = new Set<ChildProcess>();
function killAll(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.once('exit', killAll);
// A test runner ending a worker with SIGTERM skips 'exit' handlers; orphaned services would keep exporting to a
// port a later test's receiver may get. Kill them first, then die of the signal as before.
function killAllAndDie(): void {
  killAll();
  process.kill(process.pid, 'SIGTERM');
}
process.once('SIGTERM', killAllAndDie);

/**
 * For a program that stops its children itself on SIGTERM (`pnpm stack`, `pnpm demo`): without this, the handler
 * above would kill them unflushed and signal this process a second time.
 */
export function stopChildrenYourselfOnSigterm(): void {
  process.removeListener('SIGTERM', killAllAndDie);
}

/** Lines kept in memory per process; enough for any test, bounded for a long demo session. */
const MAX_OUTPUT_LINES = 20_000;

/** Registers a child so that it never outlives this process. */
export function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** A child process with its output collected line by line: a service, the collector or a Jaeger. */
export class ManagedProcess {
  /** The lines the process wrote to stdout and stderr, in order (the most recent MAX_OUTPUT_LINES). */
  readonly output: string[] = [];
  readonly name: string;
  readonly child: ChildProcess;
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #lineListeners: Array<(line: string) => void> = [];

  constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.child = child;
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.output.push(line);
        // Trim in chunks: shift() per line is O(n) and costs real CPU at thousands of lines per second.
        if (this.output.length > MAX_OUTPUT_LINES * 1.25) this.output.splice(0, this.output.length - MAX_OUTPUT_LINES);
        for (const listener of this.#lineListeners) listener(line);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    // 'close', not 'exit': 'exit' can come before the last output has been read from the pipes, and the last line
    // is often the one a test wants ("span export totals").
    this.#exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  }

  /** Calls `listener` with every line written from now on. */
  onLine(listener: (line: string) => void): void {
    this.#lineListeners.push(listener);
  }

  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.#exited;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Parsed JSON log lines (non-JSON lines are skipped). */
  logs(): Array<Record<string, unknown>> {
    return this.output.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.some((line) => pattern.test(line))) {
      if (this.child.exitCode !== null) {
        throw new Error(`${this.name} exited (${this.child.exitCode}) before ${pattern}:\n${this.output.join('\n')}`);
      }
      if (Date.now() > deadline)
        throw new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms:\n${this.output.join('\n')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** SIGTERM, then the exit status and how long the exit took. */
  async terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const started = Date.now();
    if (this.running) this.child.kill('SIGTERM');
    const result = await this.#exited;
    return { ...result, ms: Date.now() - started };
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

/** One of our Node.js services. */
export class RunningService extends ManagedProcess {
  declare readonly name: ServiceName;
  readonly port: number;

  constructor(name: ServiceName, port: number, child: ChildProcess) {
    super(name, child);
    this.port = port;
  }
}

export interface StartOptions {
  readonly env?: Record<string, string>;
  /** Wait for the "listening" log line (default true). */
  readonly waitUntilListening?: boolean;
  /**
   * Start the service in its own process group, so a Ctrl-C in the terminal reaches only the parent, which then
   * stops the service with one SIGTERM (a second signal would make the service exit without flushing).
   */
  readonly ownProcessGroup?: boolean;
  /**
   * What the start script's `--require` preloads instead of the telemetry bootstrap: another module path, or null
   * for none at all (the benchmark's baseline and its peers). Default: the start script as written.
   */
  readonly preload?: string | null;
}

export async function startService(name: ServiceName, options: StartOptions = {}): Promise<RunningService> {
  const fixedPort = options.env?.PORT;
  // A port picked by freePort() is free when picked, but another process (a parallel test) may bind it before the
  // service does: retry with another port on EADDRINUSE.
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ? Number(fixedPort) : await freePort();
    const service = spawnService(name, port, options);
    if (!(options.waitUntilListening ?? true)) return service;
    try {
      await service.waitForOutput(/listening/i);
      return service;
    } catch (err) {
      const portTaken = service.output.some((line) => line.includes('EADDRINUSE'));
      if (fixedPort || !portTaken || attempt >= 3) throw err;
    }
  }
}

/** The start script's arguments with its `--require <module>` replaced (a path) or removed (null). */
function withPreload(args: readonly string[], preload: string | null): string[] {
  const at = args.indexOf('--require');
  if (at === -1) throw new Error(`start script has no --require to replace: ${args.join(' ')}`);
  return [...args.slice(0, at), ...(preload === null ? [] : ['--require', preload]), ...args.slice(at + 2)];
}

function spawnService(name: ServiceName, port: number, options: StartOptions): RunningService {
  const { cwd, args: scriptArgs } = startCommand(name);
  const args = options.preload === undefined ? scriptArgs : withPreload(scriptArgs, options.preload);
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...TEST_ENV, PORT: String(port), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  track(child);
  return new RunningService(name, port, child);
}
