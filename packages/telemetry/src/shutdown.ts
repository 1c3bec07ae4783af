import { log } from './log';
import { processWide } from './process-wide';

/** Work a service must finish before spans are flushed: typically "stop accepting, finish in-flight requests". */
type ShutdownHook = () => Promise<void> | void;

const hooks = () => processWide('shutdown-hooks', (): ShutdownHook[] => []);

/** Registers work to run on SIGTERM/SIGINT before the final span flush. Hooks run in registration order. */
export function onShutdown(hook: ShutdownHook): void {
  hooks().push(hook);
}

class Timeout extends Error {}

function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`${what} did not finish within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

interface ShutdownOptions {
  /** Flushes and stops telemetry (NodeSDK.shutdown). */
  readonly flush: () => Promise<void>;
  /** Runs after the flush, whether it completed or not (the final span accounting). */
  readonly afterFlush?: () => Promise<void>;
  readonly drainTimeoutMs: number;
  readonly flushTimeoutMs: number;
  /** For tests; defaults to process.exit. */
  readonly exit?: (code: number) => void;
}

/**
 * Runs the shutdown sequence once: the registered hooks (bounded), then the span flush (bounded), then exit.
 * Exit code 0 when everything finished, 1 when a hook failed or timed out. A flush that fails — the collector
 * may be gone — is logged but does not change the exit code: the service itself shut down cleanly.
 */
export async function shutdown(signal: string, options: ShutdownOptions): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const started = Date.now();
  let code = 0;
  log('info', 'shutting down', { signal });
  try {
    await within(
      (async () => {
        for (const hook of hooks()) await hook();
      })(),
      options.drainTimeoutMs,
      'draining in-flight work',
    );
  } catch (err) {
    code = 1;
    log('error', 'drain failed', { err: String(err) });
  }
  try {
    await within(options.flush(), options.flushTimeoutMs, 'flushing spans');
  } catch (err) {
    log('warn', 'span flush incomplete', { err: String(err) });
  }
  if (options.afterFlush) {
    await within(options.afterFlush(), 1_000, 'final report').catch((err) => log('warn', String(err)));
  }
  log('info', 'shutdown complete', { signal, durationMs: Date.now() - started, exitCode: code });
  exit(code);
}

/** SIGTERM (orchestrators) and SIGINT (Ctrl-C) start the sequence; a second signal exits at once. */
export function installSignalHandlers(options: ShutdownOptions): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log('warn', 'second signal: exiting without waiting', { signal });
      process.exit(130);
    }
    stopping = true;
    void shutdown(signal, options);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
