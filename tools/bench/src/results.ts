/** What `pnpm bench` writes to latest.json, and the end-to-end summary it derives from the runs. */
import type { E2eOptions, RunResult, SpansPerOrder, SustainResult, Tracer } from './e2e';
import { VARIANTS } from './e2e';
import type { ExportStep } from './export-load';
import type { MicroAlloc, MicroTiming } from './micro';
import type { Machine } from './proc';
import type { ProfileSummary } from './profile';

export const PARTS = ['micro', 'e2e', 'sustain', 'export', 'profile'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchResults {
  readonly schema: 'otel-stack-bench/1';
  readonly smoke: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: Machine;
  readonly parts: Part[];
  readonly options: Record<string, unknown>;
  readonly micro?: {
    readonly timings: MicroTiming[];
    readonly allocations: MicroAlloc[];
    readonly droppedSpans: number;
  };
  readonly e2e?: {
    readonly options: E2eOptions;
    readonly runs: RunResult[];
    readonly spansPerOrder: Record<string, SpansPerOrder>;
    readonly summary: VariantSummary[];
  };
  readonly sustain?: SustainResult[];
  readonly export?: {
    readonly secondsPerStep: number;
    readonly steps: ExportStep[];
    /** Highest step rate with no drops or failures and ≥ 95 % of the target rate created, per compression. */
    readonly sustainedSpansPerSec: Record<string, number>;
  };
  readonly profile?: {
    readonly dir: string;
    /** One profiled run per variant (`--profile-variants`), the first being what the others are compared with. */
    readonly variants: Array<{
      readonly variant: string;
      readonly orderApi?: ProfileSummary;
      readonly payment?: ProfileSummary;
    }>;
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** What the other variants are compared with, the first of these that ran: nothing loaded, else SDK disabled. */
export const BASELINES = ['bare', 'off'] as const;

export interface VariantSummary {
  readonly variant: string;
  readonly label: string;
  readonly tracer: Tracer;
  readonly runs: number;
  readonly spansPerOrder: SpansPerOrder | undefined;
  /** Medians over the rounds. */
  readonly reqPerSec: number;
  readonly saturationP50Ms: number;
  readonly saturationP99Ms: number;
  readonly fixedRateP50Ms: number;
  readonly fixedRateP99Ms: number;
  readonly cpuUsPerRequestOrderApi: number;
  readonly cpuUsPerRequestPayment: number;
  readonly peakRssMiBOrderApi: number;
  readonly peakRssMiBPayment: number;
  readonly droppedSpans: number;
  readonly failedRequests: number;
  /**
   * Against the baseline, round by round (this machine's speed drifts between rounds; a ratio is only taken
   * between runs of the same round), the median over rounds. Undefined when no baseline ran.
   */
  readonly vsBaseline?: {
    readonly baseline: (typeof BASELINES)[number];
    readonly throughputRatio: number;
    readonly addedFixedRateP50Ms: number;
    readonly addedFixedRateP99Ms: number;
    readonly cpuRatioOrderApi: number;
    readonly cpuRatioPayment: number;
    readonly cpuOverBaselineUsOrderApi: number;
    readonly cpuOverBaselineUsPayment: number;
    readonly rssRatioOrderApi: number;
  };
}

export function summarizeE2e(
  runs: RunResult[],
  spansPerOrder: Readonly<Record<string, SpansPerOrder>> = {},
): VariantSummary[] {
  const ids = [...new Set(runs.map((r) => r.variant))];
  const base = (id: string) => {
    const rs = runs.filter((r) => r.variant === id);
    return {
      variant: id,
      label: VARIANTS[id]?.label ?? id,
      tracer: VARIANTS[id]?.tracer ?? 'ours',
      runs: rs.length,
      spansPerOrder: spansPerOrder[id],
      reqPerSec: median(rs.map((r) => r.saturation.reqPerSec)),
      saturationP50Ms: median(rs.map((r) => r.saturation.p50Ms)),
      saturationP99Ms: median(rs.map((r) => r.saturation.p99Ms)),
      fixedRateP50Ms: median(rs.map((r) => r.fixedRate.p50Ms)),
      fixedRateP99Ms: median(rs.map((r) => r.fixedRate.p99Ms)),
      cpuUsPerRequestOrderApi: median(rs.map((r) => r.saturation.orderApi.cpuUsPerRequest)),
      cpuUsPerRequestPayment: median(rs.map((r) => r.saturation.payment.cpuUsPerRequest)),
      peakRssMiBOrderApi: Math.max(...rs.map((r) => r.orderApiPeakRssMiB)),
      peakRssMiBPayment: Math.max(...rs.map((r) => r.paymentPeakRssMiB)),
      droppedSpans: rs.reduce((n, r) => n + (r.orderApiSpans?.dropped ?? 0) + (r.paymentSpans?.dropped ?? 0), 0),
      failedRequests: rs.reduce(
        (n, r) => n + r.saturation.non2xx + r.saturation.errors + r.fixedRate.non2xx + r.fixedRate.errors,
        0,
      ),
    };
  };
  const baseline = BASELINES.find((id) => ids.includes(id));
  return ids.map((id): VariantSummary => {
    const s = base(id);
    if (baseline === undefined) return s;
    // Each run of this variant paired with the baseline's run of the same round.
    const pairs = runs
      .filter((r) => r.variant === id)
      .flatMap((r) => {
        const b = runs.find((x) => x.variant === baseline && x.round === r.round);
        return b ? [{ r, b }] : [];
      });
    const of = (f: (p: { r: RunResult; b: RunResult }) => number) => median(pairs.map(f));
    return {
      ...s,
      vsBaseline: {
        baseline,
        throughputRatio: of(({ r, b }) => r.saturation.reqPerSec / b.saturation.reqPerSec),
        addedFixedRateP50Ms: of(({ r, b }) => r.fixedRate.p50Ms - b.fixedRate.p50Ms),
        addedFixedRateP99Ms: of(({ r, b }) => r.fixedRate.p99Ms - b.fixedRate.p99Ms),
        cpuRatioOrderApi: of(
          ({ r, b }) => r.saturation.orderApi.cpuUsPerRequest / b.saturation.orderApi.cpuUsPerRequest,
        ),
        cpuRatioPayment: of(({ r, b }) => r.saturation.payment.cpuUsPerRequest / b.saturation.payment.cpuUsPerRequest),
        cpuOverBaselineUsOrderApi: of(
          ({ r, b }) => r.saturation.orderApi.cpuUsPerRequest - b.saturation.orderApi.cpuUsPerRequest,
        ),
        cpuOverBaselineUsPayment: of(
          ({ r, b }) => r.saturation.payment.cpuUsPerRequest - b.saturation.payment.cpuUsPerRequest,
        ),
        rssRatioOrderApi: of(({ r, b }) => r.orderApiPeakRssMiB / b.orderApiPeakRssMiB),
      },
    };
  });
}
