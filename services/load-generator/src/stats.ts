/** Counters and a latency histogram: constant memory whatever the run length, about 1% precision on percentiles. */
import { type CardKind, EXPECTED_STATUS } from './fixtures';

/** Log-bucketed histogram of milliseconds: bucket i covers [BASE^i, BASE^(i+1)) microseconds. */
const BASE = 1.02;
const LOG_BASE = Math.log(BASE);

export class Histogram {
  readonly #buckets = new Map<number, number>();
  #count = 0;
  #max = 0;

  record(ms: number): void {
    const micros = Math.max(1, ms * 1000);
    const index = Math.floor(Math.log(micros) / LOG_BASE);
    this.#buckets.set(index, (this.#buckets.get(index) ?? 0) + 1);
    this.#count++;
    if (ms > this.#max) this.#max = ms;
  }

  get count(): number {
    return this.#count;
  }

  get max(): number {
    return this.#max;
  }

  /** The q-quantile (0..1) in milliseconds (the bucket's geometric middle), or NaN when empty. */
  quantile(q: number): number {
    if (this.#count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (const index of [...this.#buckets.keys()].sort((a, b) => a - b)) {
      seen += this.#buckets.get(index) ?? 0;
      if (seen >= rank) return Math.min(this.#max, BASE ** (index + 0.5) / 1000);
    }
    return this.#max;
  }

  reset(): void {
    this.#buckets.clear();
    this.#count = 0;
    this.#max = 0;
  }
}

/** Outcome of one request: an HTTP status, or the error code when no response came back. */
export type Outcome = { readonly status: number } | { readonly error: string };

/** What each card kind is planned as, and the answer that means the stack did what the card calls for. */
const OUTCOME_OF: Record<CardKind, 'approved' | 'declined' | 'failing'> = {
  approved: 'approved',
  declined: 'declined',
  insufficientFunds: 'declined',
  invalidLuhn: 'declined',
  failing: 'failing',
};

export class Stats {
  sent = 0;
  /** Requests that were due while `concurrency` requests were already in flight, and were not sent. */
  skipped = 0;
  readonly statuses = new Map<number, number>();
  readonly errors = new Map<string, number>();
  readonly byTenant = new Map<string, number>();
  readonly latency = new Histogram();
  /** Reset after every progress line. */
  readonly window = new Histogram();
  /** Answers as planned, by outcome (approved / declined / failing). */
  readonly outcomes = new Map<string, number>();
  /** Answers other than the card calls for (`approved card -> 400`): each one is a finding. */
  readonly unexpected = new Map<string, number>();
  /** One trace ID per tenant from 201 answers, to look up in that tenant's Jaeger. */
  readonly sampleTraceIds = new Map<string, string>();

  recordSent(tenant: string | null): void {
    this.sent++;
    const key = tenant ?? '(no baggage)';
    this.byTenant.set(key, (this.byTenant.get(key) ?? 0) + 1);
  }

  recordDone(outcome: Outcome, ms: number, card: CardKind): void {
    if ('status' in outcome) {
      this.statuses.set(outcome.status, (this.statuses.get(outcome.status) ?? 0) + 1);
      const key = EXPECTED_STATUS[card] === outcome.status ? OUTCOME_OF[card] : undefined;
      if (key) this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
      else {
        const finding = `${card} card -> ${outcome.status}`;
        this.unexpected.set(finding, (this.unexpected.get(finding) ?? 0) + 1);
      }
      this.latency.record(ms);
      this.window.record(ms);
    } else {
      this.errors.set(outcome.error, (this.errors.get(outcome.error) ?? 0) + 1);
    }
  }

  get completed(): number {
    let total = 0;
    for (const n of this.statuses.values()) total += n;
    for (const n of this.errors.values()) total += n;
    return total;
  }

  get answered(): number {
    let total = 0;
    for (const n of this.statuses.values()) total += n;
    return total;
  }
}

export function formatMs(ms: number): string {
  if (Number.isNaN(ms)) return '-';
  return ms >= 100 ? `${ms.toFixed(0)}ms` : `${ms.toFixed(1)}ms`;
}

function counts(map: ReadonlyMap<string | number, number>): string {
  return [...map.entries()]
    .sort(([a], [b]) => String(a).localeCompare(String(b)))
    .map(([k, n]) => `${k}:${n}`)
    .join(' ');
}

export function progressLine(stats: Stats, elapsedS: number, inFlight: number): string {
  const parts = [
    `[${elapsedS.toFixed(0).padStart(4)}s]`,
    `sent ${stats.sent} (${(stats.sent / Math.max(elapsedS, 0.001)).toFixed(1)}/s)`,
    `status ${counts(stats.statuses) || '-'}`,
  ];
  if (stats.errors.size > 0) parts.push(`errors ${counts(stats.errors)}`);
  if (stats.skipped > 0) parts.push(`skipped ${stats.skipped}`);
  parts.push(
    `in-flight ${inFlight}`,
    `p50 ${formatMs(stats.window.quantile(0.5))}`,
    `p99 ${formatMs(stats.window.quantile(0.99))}`,
  );
  return parts.join('  ');
}

export interface Summary {
  readonly target: string;
  readonly durationS: number;
  readonly seed: number;
  readonly sent: number;
  readonly answered: number;
  readonly skipped: number;
  readonly unfinished: number;
  readonly ratePerS: number;
  readonly statuses: Record<string, number>;
  readonly outcomes: Record<string, number>;
  readonly unexpected: Record<string, number>;
  readonly errors: Record<string, number>;
  readonly tenants: Record<string, number>;
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number };
  readonly sampleTraceIds: Record<string, string>;
}

export function summarize(stats: Stats, target: string, durationS: number, seed: number, inFlight: number): Summary {
  // NaN (no answers at all) prints as `-` in text and `null` in JSON.
  const round = (ms: number) => (Number.isNaN(ms) ? Number.NaN : Math.round(ms * 10) / 10);
  return {
    target,
    durationS: Math.round(durationS * 10) / 10,
    seed,
    sent: stats.sent,
    answered: stats.answered,
    skipped: stats.skipped,
    unfinished: inFlight,
    ratePerS: Math.round((stats.sent / Math.max(durationS, 0.001)) * 10) / 10,
    statuses: Object.fromEntries([...stats.statuses].map(([k, v]) => [String(k), v])),
    outcomes: Object.fromEntries(stats.outcomes),
    unexpected: Object.fromEntries(stats.unexpected),
    errors: Object.fromEntries(stats.errors),
    tenants: Object.fromEntries(stats.byTenant),
    latencyMs: {
      p50: round(stats.latency.quantile(0.5)),
      p90: round(stats.latency.quantile(0.9)),
      p99: round(stats.latency.quantile(0.99)),
      max: round(stats.latency.count === 0 ? Number.NaN : stats.latency.max),
    },
    sampleTraceIds: Object.fromEntries(stats.sampleTraceIds),
  };
}

export function formatSummary(s: Summary): string {
  const lines = [
    `summary: ${s.sent} requests to ${s.target} in ${s.durationS}s (${s.ratePerS}/s, seed ${s.seed})`,
    `  answered  ${s.answered}  ${counts(new Map(Object.entries(s.statuses))) || '-'}`,
  ];
  const asPlanned = Object.values(s.outcomes).reduce((a, b) => a + b, 0);
  const unexpected = Object.values(s.unexpected).reduce((a, b) => a + b, 0);
  const share = (n: number) => `${((100 * n) / Math.max(asPlanned + unexpected, 1)).toFixed(1)}%`;
  lines.push(
    `  outcomes  ${['approved', 'declined', 'failing'].map((k) => `${k} ${share(s.outcomes[k] ?? 0)}`).join(' ')}`,
  );
  if (unexpected > 0) {
    lines.push(
      `  UNEXPECTED ${unexpected} answer${unexpected === 1 ? '' : 's'} not the card's: ${counts(new Map(Object.entries(s.unexpected)))}`,
    );
  }
  if (Object.keys(s.errors).length > 0) lines.push(`  errors    ${counts(new Map(Object.entries(s.errors)))}`);
  if (s.skipped > 0)
    lines.push(`  skipped   ${s.skipped} (concurrency limit reached: the target is slower than the rate)`);
  if (s.unfinished > 0) lines.push(`  unfinished ${s.unfinished} (still in flight at exit)`);
  lines.push(
    `  tenants   ${counts(new Map(Object.entries(s.tenants)))}`,
    `  latency   p50 ${formatMs(s.latencyMs.p50)}  p90 ${formatMs(s.latencyMs.p90)}  p99 ${formatMs(s.latencyMs.p99)}  max ${formatMs(s.latencyMs.max)}`,
  );
  for (const [tenant, traceId] of Object.entries(s.sampleTraceIds)) lines.push(`  trace     ${tenant}: ${traceId}`);
  return lines.join('\n');
}
