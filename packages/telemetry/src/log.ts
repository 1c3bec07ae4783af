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

/** The SDK's diagnostics (`diag`) as JSON log lines. */
export const diagToJsonLog: DiagLogger = {
  error: (message, ...args) => log('error', message, { sdk: true, args: args.map(String) }),
  warn: (message, ...args) => log('warn', message, { sdk: true, args: args.map(String) }),
  info: (message, ...args) => log('info', message, { sdk: true, args: args.map(String) }),
  debug: () => {},
  verbose: () => {},
};
