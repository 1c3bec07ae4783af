import type { DiagLogger } from '@opentelemetry/api';

/**
 * The bootstrap's own log lines: one JSON object per line on stderr, shaped like pino's (level numbers, time, msg),
 * so they sit next to the services' logs in the same collector or `docker compose logs`.
 */
const LEVELS = { info: 30, warn: 40, error: 50 } as const;

export function log(level: keyof typeof LEVELS, msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(
    `${JSON.stringify({ level: LEVELS[level], time: Date.now(), pid: process.pid, name: 'telemetry', msg, ...fields })}\n`,
  );
}

/**
 * The first line of an SDK diagnostic, without its stack: the exporter reports a failed export as the JSON of the
 * error (`{"stack":"Error: 14 UNAVAILABLE: ...\n    at ..."}`), once per failed batch.
 */
export function condense(message: string): string {
  let text = message;
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown; stack?: unknown };
      text = String(parsed.message ?? parsed.stack ?? text);
    } catch {
      // not JSON after all
    }
  }
  return (text.split('\n')[0] ?? '').trim();
}

/** How long the same diagnostic stays quiet after it was logged. */
const REPEAT_WINDOW_MS = 60_000;

/**
 * The SDK's diagnostics (`diag`) as JSON log lines: the first line of each message only, with the OTLP endpoint the
 * exports go to, and the same message at most once a minute (the next line says how many were held back) -- a
 * collector that is down would otherwise cost a stack trace every export interval.
 */
export function createDiagLog(otlpEndpoint: string, now: () => number = Date.now): DiagLogger {
  const seen = new Map<string, { at: number; held: number }>();
  const emit = (level: 'info' | 'warn' | 'error', message: string, args: unknown[]) => {
    const msg = condense(message);
    const last = seen.get(msg);
    if (last && now() - last.at < REPEAT_WINDOW_MS) {
      last.held++;
      return;
    }
    const repeated = last?.held ? { repeated: last.held } : {};
    seen.set(msg, { at: now(), held: 0 });
    log(level, msg, {
      sdk: true,
      otlpEndpoint,
      ...repeated,
      ...(args.length ? { args: args.map((a) => condense(String(a))) } : {}),
    });
  };
  return {
    error: (message, ...args) => emit('error', message, args),
    warn: (message, ...args) => emit('warn', message, args),
    info: (message, ...args) => emit('info', message, args),
    debug: () => {},
    verbose: () => {},
  };
}
