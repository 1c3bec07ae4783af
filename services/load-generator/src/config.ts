import { ConfigError, readNumber } from '@otel-stack/config';

export { ConfigError };
/**
 * load-generator configuration: every setting has an environment variable, a CLI flag (which wins) and a default,
 * and is validated up front so a typo fails in the first millisecond, not after a minute of traffic.
 */
export interface TenantShare {
  /** Sent as W3C baggage `tenant_id=<name>`; `null` sends no baggage header at all. */
  readonly tenant: string | null;
  readonly weight: number;
}

export interface LoadConfig {
  /** Base URL of order-api; requests go to `${target}/orders`. */
  readonly target: URL;
  /** Requests started per second (open loop: the schedule does not wait for slow answers). */
  readonly rate: number;
  /** Run length in seconds; the generator always stops by itself. */
  readonly durationS: number;
  /** Most requests in flight at once (and HTTP connections); when reached, due requests are skipped and counted. */
  readonly concurrency: number;
  readonly tenants: readonly TenantShare[];
  /** Share (0..1) of orders paid with a card that is declined (402): declined, insufficient funds, bad Luhn. */
  readonly declineRate: number;
  /** Share (0..1) of orders paid with the card payment-service fails with INTERNAL (order-api answers 502). */
  readonly failureRate: number;
  /** Per-request timeout in milliseconds. */
  readonly timeoutMs: number;
  /** Progress line interval in seconds (0 turns progress lines off). */
  readonly reportEveryS: number;
  /** How long to wait for `${target}/readyz` to answer 200 before starting (0: do not wait). */
  readonly waitS: number;
  /** Seed of the pseudo-random choices (tenant, card, items), for reproducible runs. */
  readonly seed: number;
  /** Print the final summary as one JSON line instead of text. */
  readonly json: boolean;
}

export const LOAD_DEFAULTS = {
  TARGET_URL: 'http://localhost:8080',
  RATE: '20',
  DURATION: '60s',
  CONCURRENCY: '64',
  TENANT_MIX: 'tenant_a:45,tenant_b:35,tenant_c:15,none:5',
  DECLINE_RATE: '0.1',
  FAILURE_RATE: '0.05',
  TIMEOUT_MS: '5000',
  REPORT_EVERY: '5s',
  WAIT: '30s',
  SEED: '',
  SUMMARY_FORMAT: 'text',
} as const;

/** CLI flag -> environment variable. */
const FLAGS: Record<string, keyof typeof LOAD_DEFAULTS> = {
  '--target': 'TARGET_URL',
  '--rate': 'RATE',
  '--duration': 'DURATION',
  '--concurrency': 'CONCURRENCY',
  '--tenants': 'TENANT_MIX',
  '--decline-rate': 'DECLINE_RATE',
  '--failure-rate': 'FAILURE_RATE',
  '--timeout-ms': 'TIMEOUT_MS',
  '--report-every': 'REPORT_EVERY',
  '--wait': 'WAIT',
  '--seed': 'SEED',
  '--summary': 'SUMMARY_FORMAT',
};

export const USAGE = `Usage: load-generator [options]        (every option also reads an environment variable)

  --target URL          order-api base URL                  TARGET_URL    (${LOAD_DEFAULTS.TARGET_URL})
  --rate N              requests per second, 0.1..5000      RATE          (${LOAD_DEFAULTS.RATE})
  --duration D          run length: 90, 90s, 5m, 1h (<=24h) DURATION      (${LOAD_DEFAULTS.DURATION})
  --concurrency N       max requests in flight, 1..1024     CONCURRENCY   (${LOAD_DEFAULTS.CONCURRENCY})
  --tenants MIX         tenant:weight,... ("none" = no baggage header)
                                                            TENANT_MIX    (${LOAD_DEFAULTS.TENANT_MIX})
  --decline-rate R      share of declined cards, 0..1       DECLINE_RATE  (${LOAD_DEFAULTS.DECLINE_RATE})
  --failure-rate R      share of failing cards (502), 0..1  FAILURE_RATE  (${LOAD_DEFAULTS.FAILURE_RATE})
  --timeout-ms N        per-request timeout                 TIMEOUT_MS    (${LOAD_DEFAULTS.TIMEOUT_MS})
  --report-every D      progress interval, 0 = off          REPORT_EVERY  (${LOAD_DEFAULTS.REPORT_EVERY})
  --wait D              wait for /readyz first, 0 = off     WAIT          (${LOAD_DEFAULTS.WAIT})
  --seed N              seed for reproducible choices       SEED          (random)
  --summary text|json   format of the final summary         SUMMARY_FORMAT (${LOAD_DEFAULTS.SUMMARY_FORMAT})
  -h, --help            this text

Stops after --duration, or on SIGINT/SIGTERM (in-flight requests get --timeout-ms to finish).
Customers and cards are fake: user<n>@example.com and the public test cards payment-service knows.`;

export class HelpRequested extends Error {
  override name = 'HelpRequested';
}

/** `90`, `90s`, `1500ms`, `5m`, `1h` -> seconds. */
export function parseDuration(name: string, raw: string, min: number, max: number): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(raw);
  if (!match) throw new ConfigError(`${name} must be a duration like 30, 30s, 5m or 1h, got "${raw}"`);
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] ?? 's'] ?? 1;
  const seconds = Number(match[1]) * factor;
  if (seconds < min || seconds > max) {
    throw new ConfigError(`${name} must be between ${min}s and ${max}s, got "${raw}"`);
  }
  return seconds;
}

const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function parseTenantMix(raw: string): TenantShare[] {
  const shares: TenantShare[] = [];
  const seen = new Set<string>();
  for (const part of raw.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [name = '', weightRaw = '1', ...rest] = part.split(':').map((p) => p.trim());
    if (rest.length > 0 || !TENANT_NAME.test(name)) {
      throw new ConfigError(`TENANT_MIX: "${part}" is not tenant:weight (e.g. tenant_a:45)`);
    }
    if (seen.has(name)) throw new ConfigError(`TENANT_MIX: "${name}" appears twice`);
    seen.add(name);
    const weight = readNumber(`TENANT_MIX weight of ${name}`, weightRaw, { min: 0, max: 1_000_000 });
    shares.push({ tenant: name === 'none' ? null : name, weight });
  }
  if (shares.reduce((sum, s) => sum + s.weight, 0) <= 0) {
    throw new ConfigError('TENANT_MIX needs at least one tenant with a weight above 0');
  }
  return shares;
}

/** Flags from argv over environment variables over defaults. */
export function readLoadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LoadConfig {
  const values: Record<string, string> = { ...LOAD_DEFAULTS };
  for (const key of Object.keys(LOAD_DEFAULTS)) {
    const fromEnv = env[key];
    if (fromEnv !== undefined && fromEnv !== '') values[key] = fromEnv;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') throw new HelpRequested(USAGE);
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = FLAGS[flag];
    if (key === undefined) throw new ConfigError(`unknown option "${arg}" (see --help)`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    values[key] = value;
  }

  let target: URL;
  try {
    target = new URL(values.TARGET_URL ?? '');
  } catch {
    throw new ConfigError(`TARGET_URL must be an absolute http(s) URL, got "${values.TARGET_URL}"`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new ConfigError(`TARGET_URL must be http or https, got "${target.protocol}"`);
  }
  const declineRate = readNumber('DECLINE_RATE', values.DECLINE_RATE ?? '', { min: 0, max: 1 });
  const failureRate = readNumber('FAILURE_RATE', values.FAILURE_RATE ?? '', { min: 0, max: 1 });
  if (declineRate + failureRate > 1) {
    throw new ConfigError(`DECLINE_RATE + FAILURE_RATE must not exceed 1, got ${declineRate + failureRate}`);
  }
  const summary = values.SUMMARY_FORMAT;
  if (summary !== 'text' && summary !== 'json') {
    throw new ConfigError(`SUMMARY_FORMAT must be text or json, got "${summary}"`);
  }
  const seedRaw = values.SEED ?? '';
  return {
    target,
    rate: readNumber('RATE', values.RATE ?? '', { min: 0.1, max: 5000 }),
    durationS: parseDuration('DURATION', values.DURATION ?? '', 0.1, 24 * 3600),
    concurrency: readNumber('CONCURRENCY', values.CONCURRENCY ?? '', { min: 1, max: 1024, integer: true }),
    tenants: parseTenantMix(values.TENANT_MIX ?? ''),
    declineRate,
    failureRate,
    timeoutMs: readNumber('TIMEOUT_MS', values.TIMEOUT_MS ?? '', { min: 100, max: 120_000, integer: true }),
    reportEveryS: parseDuration('REPORT_EVERY', values.REPORT_EVERY ?? '', 0, 3600),
    waitS: parseDuration('WAIT', values.WAIT ?? '', 0, 3600),
    seed:
      seedRaw === ''
        ? Math.floor(Math.random() * 2 ** 32)
        : readNumber('SEED', seedRaw, { min: 0, max: 2 ** 32 - 1, integer: true }),
    json: summary === 'json',
  };
}
