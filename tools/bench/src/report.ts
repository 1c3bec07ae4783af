import type { SpanTotals } from '@otel-stack/telemetry';
import type { SustainResult } from './e2e';
import { COUNTED_ORDERS, VARIANTS } from './e2e';
import type { ProfileSummary } from './profile';
import type { BenchResults, VariantSummary } from './results';

const f0 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en'));
const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(1));
const f2 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(2));

/**
 * Published Go SDK benchmark figures for the same three cases, for orientation only: another language, another
 * machine, not measured here.
 */
/** The variants of the peer table, in its order. */
const PEER_ORDER = ['bare', 'on', 'zero-code', 'dd-trace', 'off'];
const COUNTED_ORDERS_NOTE = `${COUNTED_ORDERS} sequential orders after one warm-up, by receivers that decode what they get`;

const GO_REFERENCE = {
  'start+end': { ns: 2847, bytes: 1024, allocs: 12 },
  'start+end, 3 attributes': { ns: 3921, bytes: 1536, allocs: 16 },
  'concurrent (100 async tasks)': { ns: 1243, bytes: 512, allocs: 8 },
} as const;

export function renderMarkdown(r: BenchResults): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`# pnpm bench — ${r.smoke ? 'SMOKE RUN (numbers meaningless)' : 'results'}`, '');
  lines.push(
    `${r.startedAt} → ${r.finishedAt}; ${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform} (kernel ${m.kernel}).`,
    'Load generator, both services and the OTLP receiver share these cores.',
    '',
  );
  if (r.e2e) {
    const o = r.e2e.options;
    const baseline = r.e2e.summary.find((s) => s.vsBaseline)?.vsBaseline?.baseline;
    const spans = (s: VariantSummary) =>
      s.spansPerOrder ? `${f1(s.spansPerOrder.orderApi)} + ${f1(s.spansPerOrder.payment)}` : '–';
    lines.push(
      '## POST /orders end to end',
      '',
      `order-api + payment-service as real processes, ${o.rounds} round(s) of ${o.variants.join('/')} interleaved; ` +
        `throughput and CPU at concurrency ${o.concurrency} for ${o.seconds} s (after ${o.warmupSeconds} s warm-up); ` +
        `latency at a fixed ${o.rate} req/s for ${o.rateSeconds} s. Ratios are taken within a round and their ` +
        `median reported; absolute numbers are medians over rounds; RSS is the peak. Spans per order: counted on ` +
        `${COUNTED_ORDERS_NOTE}.`,
      '',
    );
    const peers = r.e2e.summary.filter((s) => PEER_ORDER.includes(s.variant));
    if (baseline && peers.length > 1) {
      lines.push(
        `### The peers, against \`${baseline}\``,
        '',
        `| tracer | spans per order (order-api + payment) | req/s vs ${baseline} | CPU µs/req over ${baseline} (order-api + payment) | added p99 at ${o.rate}/s (ms) | peak RSS order-api vs ${baseline} |`,
        '|---|---|---|---|---|---|',
      );
      for (const s of [...peers].sort((x, y) => PEER_ORDER.indexOf(x.variant) - PEER_ORDER.indexOf(y.variant))) {
        const v = s.vsBaseline;
        lines.push(
          `| ${s.label} | ${spans(s)} | **${f2(v?.throughputRatio)}** | ${f0(v?.cpuOverBaselineUsOrderApi)} + ` +
            `${f0(v?.cpuOverBaselineUsPayment)} | ${f1(v?.addedFixedRateP99Ms)} | ${f2(v?.rssRatioOrderApi)}× |`,
        );
      }
      lines.push('', '### Every variant', '');
    }
    lines.push(
      `| variant | spans per order | req/s | vs ${baseline ?? 'baseline'} | p50 / p99 at c (ms) | p50 / p99 at fixed rate (ms) | added p99 (ms) | CPU µs/req order-api | CPU µs/req payment | peak RSS MiB order-api / payment | spans dropped |`,
      '|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const s of r.e2e.summary) {
      const v = s.vsBaseline;
      lines.push(
        `| ${s.label} | ${spans(s)} | ${f0(s.reqPerSec)} | ${f2(v?.throughputRatio)} | ${f1(s.saturationP50Ms)} / ${f1(s.saturationP99Ms)} | ` +
          `${f1(s.fixedRateP50Ms)} / ${f1(s.fixedRateP99Ms)} | ${f1(v?.addedFixedRateP99Ms)} | ` +
          `${f0(s.cpuUsPerRequestOrderApi)} (${f2(v?.cpuRatioOrderApi)}×) | ${f0(s.cpuUsPerRequestPayment)} (${f2(v?.cpuRatioPayment)}×) | ` +
          `${f0(s.peakRssMiBOrderApi)} / ${f0(s.peakRssMiBPayment)} | ${s.droppedSpans} |`,
      );
    }
    lines.push('', '<details><summary>every run</summary>', '');
    lines.push('| round | variant | req/s | p99 at c (ms) | p99 at rate (ms) | CPU µs/req (order-api + payment) |');
    lines.push('|---|---|---|---|---|---|');
    for (const run of r.e2e.runs) {
      lines.push(
        `| ${run.round} | ${run.variant} | ${f0(run.saturation.reqPerSec)} | ${f1(run.saturation.p99Ms)} | ${f1(run.fixedRate.p99Ms)} | ` +
          `${f0(run.saturation.orderApi.cpuUsPerRequest)} + ${f0(run.saturation.payment.cpuUsPerRequest)} |`,
      );
    }
    lines.push('', '</details>', '');
  }
  lines.push(...productionSettings(r));
  if (r.micro) {
    lines.push('## Span micro-benchmarks (in process)', '');
    lines.push(
      '| setup | case | ns/span (net) | ns/span (raw) | ± % | bytes/span (net) | Go SDK, not measured here (ns, B, allocs) |',
      '|---|---|---|---|---|---|---|',
    );
    for (const t of r.micro.timings) {
      const a = r.micro.allocations.find((x) => x.setup === t.setup && x.case === t.case);
      const go = t.setup === 'sdk' ? GO_REFERENCE[t.case] : undefined;
      const gcNote = a && a.gcDuringMeasurement > 0 ? ' (GC ran: low bound)' : '';
      lines.push(
        `| ${t.setup === 'api' ? 'API only, no SDK' : 'SDK + BatchSpanProcessor + no-op exporter'} | ${t.case} | ` +
          `${f0(t.nsPerSpan)} | ${f0(t.rawNsPerSpan)} | ${f1(t.rmePercent)} | ${f0(a?.bytesPerSpan)}${gcNote} | ` +
          `${go ? `${go.ns}, ${go.bytes}, ${go.allocs}` : ''} |`,
      );
    }
    lines.push('', `Spans dropped by the BatchSpanProcessor during the micro-benchmarks: ${r.micro.droppedSpans}.`, '');
  }
  if (r.sustain) {
    lines.push('## Sustained rate (default settings)', '');
    lines.push(
      '| variant | target orders/s | achieved | s | p50 / p99 (ms) | spans exported (order-api + payment) | dropped | failed | peak RSS MiB order-api / payment |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const s of r.sustain) {
      const exp = s.orderApiSpans ? `${s.orderApiSpans.exported} + ${s.paymentSpans?.exported ?? '–'}` : '–';
      const drop = s.orderApiSpans ? bothServices(s, 'dropped') : '–';
      const fail = s.orderApiSpans ? bothServices(s, 'failed') : '–';
      lines.push(
        `| ${VARIANTS[s.variant]?.label ?? s.variant} | ${s.targetRate} | ${f0(s.load.reqPerSec)} | ${s.seconds} | ` +
          `${f1(s.load.p50Ms)} / ${f1(s.load.p99Ms)} | ${exp} | ${drop} | ${fail} | ${f0(s.orderApiPeakRssMiB)} / ${f0(s.paymentPeakRssMiB)} |`,
      );
    }
    lines.push('');
  }
  if (r.export) {
    lines.push(
      '## Export path: spans/s into a local receiver',
      '',
      `One process, the SDK's BatchSpanProcessor (defaults) + OTLP/gRPC exporter, order-shaped spans at increasing rates, ${r.export.secondsPerStep} s per step; ` +
        `drops from the processor's own counter. Sustained (no drops, ≥ 95 % of target created): ` +
        Object.entries(r.export.sustainedSpansPerSec)
          .map(([c, n]) => `**${f0(n)} spans/s** (${c})`)
          .join(', ') +
        '.',
      '',
      '| compression | target spans/s | created/s | exported | dropped | failed | CPU µs/span | RSS MiB |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const s of r.export.steps) {
      lines.push(
        `| ${s.compression} | ${f0(s.targetSpansPerSec)} | ${f0(s.createdSpansPerSec)} | ${s.exported} | ${s.dropped} | ${s.failed} | ${f1(s.cpuUsPerSpan)} | ${f0(s.rssMiB)} |`,
      );
    }
    lines.push('');
  }
  if (r.profile) {
    const variants = r.profile.variants;
    lines.push(
      '## CPU profile (saturation)',
      '',
      `Profiles: \`${r.profile.dir}\`, one run per variant (${variants.map((v) => v.variant).join(', ')}). Self time ` +
        'by origin in µs per request, side by side; the last column is the difference between the last variant and ' +
        'the first.',
      '',
    );
    for (const [name, of] of [
      ['order-api', (v: (typeof variants)[number]) => v.orderApi],
      ['payment-service', (v: (typeof variants)[number]) => v.payment],
    ] as const) {
      const profiles = variants.map(of);
      if (profiles.every((p) => p === undefined)) continue;
      const origins = [...new Set(profiles.flatMap((p) => p?.byOrigin.map((o) => o.origin) ?? []))].filter(
        (o) => o !== '(idle)',
      );
      const usOf = (p: ProfileSummary | undefined, origin: string) =>
        p?.byOrigin.find((o) => o.origin === origin)?.selfUsPerRequest ?? 0;
      const first = profiles[0];
      const last = profiles[profiles.length - 1];
      origins.sort((x, y) => usOf(last, y) - usOf(first, y) - (usOf(last, x) - usOf(first, x)));
      lines.push(
        `### ${name}: self time by origin, µs per request`,
        '',
        `| origin | ${variants.map((v) => v.variant).join(' | ')} | difference |`,
        `|---|${variants.map(() => '---|').join('')}---|`,
      );
      for (const origin of origins) {
        lines.push(
          `| ${origin} | ${profiles.map((p) => f1(usOf(p, origin))).join(' | ')} | ${f1(usOf(last, origin) - usOf(first, origin))} |`,
        );
      }
      if (last) {
        lines.push('', `### ${name}: top self-time functions (${variants[variants.length - 1]?.variant})`, '');
        lines.push('| function | where | self % |', '|---|---|---|');
        for (const fn of last.topFunctions) lines.push(`| \`${fn.fn}\` | ${fn.where} | ${fn.selfPercent} |`);
      }
      lines.push('');
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One of the span totals of a sustained run, order-api and payment-service added. */
function bothServices(s: SustainResult, key: keyof SpanTotals): number {
  return (s.orderApiSpans?.[key] ?? 0) + (s.paymentSpans?.[key] ?? 0);
}

/**
 * "What to set for production": each setting with its effect as measured in this run (the variants that show it,
 * against `on` in the same rounds), or a note that this run did not measure it.
 */
function productionSettings(r: BenchResults): string[] {
  const summary = r.e2e?.summary ?? [];
  const on = summary.find((s) => s.variant === 'on');
  const baseline = on?.vsBaseline?.baseline;
  const effect = (id: string): string => {
    const s = summary.find((x) => x.variant === id);
    if (!on?.vsBaseline || !s?.vsBaseline) return `not measured in this run (add \`--variants=…,${id}\`)`;
    const cpu = (x: VariantSummary) => x.cpuUsPerRequestOrderApi + x.cpuUsPerRequestPayment;
    return (
      `throughput ${f2(on.vsBaseline.throughputRatio)} → **${f2(s.vsBaseline.throughputRatio)}** of ${baseline}, ` +
      `CPU per order ${f0(cpu(on))} → ${f0(cpu(s))} µs, p99 at ${r.e2e?.options.rate}/s ${f1(on.fixedRateP99Ms)} → ` +
      `${f1(s.fixedRateP99Ms)} ms, spans dropped ${s.droppedSpans}`
    );
  };
  const sustained = r.sustain?.find((s) => s.variant === 'on');
  const queue = sustained
    ? `at ${f0(sustained.load.reqPerSec)} orders/s for ${sustained.seconds} s with the default queue (2,048) and ` +
      `batch (512): ${bothServices(sustained, 'dropped')} spans dropped, ${bothServices(sustained, 'failed')} ` +
      `failed, of ${f0(bothServices(sustained, 'exported'))} exported`
    : 'not measured in this run (the `sustain` part)';
  const semi = r.sustain?.find((s) => s.variant === 'on-semi16');
  const memory =
    sustained && semi
      ? `at ${f0(semi.load.reqPerSec)} orders/s: peak RSS order-api ${f0(sustained.orderApiPeakRssMiB)} → ` +
        `**${f0(semi.orderApiPeakRssMiB)} MiB**, payment-service ${f0(sustained.paymentPeakRssMiB)} → ` +
        `${f0(semi.paymentPeakRssMiB)} MiB; p99 ${f1(sustained.load.p99Ms)} → ${f1(semi.load.p99Ms)} ms`
      : 'not measured in this run (add `--sustain-variants=on,on-semi16`)';
  return [
    '## What to set for production',
    '',
    "Each setting with its effect measured in this run, against `on` (this project's defaults) in the same rounds.",
    '',
    '| setting | what it does | measured here |',
    '|---|---|---|',
    `| sampling: \`OTEL_TRACES_SAMPLER=parentbased_traceidratio\`, \`OTEL_TRACES_SAMPLER_ARG=0.1\` | records 1 trace in 10 at the edge; downstream services follow the caller's decision. The collector's tail sampling then sees only that tenth (errors included): use it when the services' CPU matters more than keeping every error trace | ${effect('sampled10')} |`,
    `| batch: \`OTEL_BSP_MAX_EXPORT_BATCH_SIZE=2048\` (with \`OTEL_BSP_MAX_QUEUE_SIZE=8192\`) | fewer, larger export requests | ${effect('batch2048')} |`,
    `| batch: \`OTEL_BSP_MAX_EXPORT_BATCH_SIZE=128\` | more, smaller export requests | ${effect('batch128')} |`,
    `| compression: \`OTEL_EXPORTER_OTLP_COMPRESSION=gzip\` | fewer bytes to the collector, more CPU | ${effect('gzip')} |`,
    `| queue: \`OTEL_BSP_MAX_QUEUE_SIZE\` (default 2,048) | spans waiting for export; a full queue drops new spans (logged) | ${queue} |`,
    `| memory: \`NODE_OPTIONS=--max-semi-space-size=16\` | caps V8's young generation, which otherwise grows with the machine's memory | ${memory} |`,
    '',
  ];
}

/**
 * The ratio chart: each variant's throughput against the baseline (round by round, median), with the 0.60 target
 * marked, then CPU per request of both services.
 */
export function renderSvg(r: BenchResults): string {
  const rows = r.e2e?.summary ?? [];
  const baseline = rows.find((s) => s.vsBaseline)?.vsBaseline?.baseline ?? 'baseline';
  const width = 860;
  const barH = 22;
  const gap = 10;
  const left = 420;
  const plot = width - left - 80;
  const sections = [
    {
      title: `POST /orders throughput vs ${baseline} (same round, median; higher is better)`,
      value: (s: VariantSummary) => s.vsBaseline?.throughputRatio ?? Number.NaN,
      fixedMax: 1.2,
      text: f2,
      marks: [0.6, 1],
    },
    {
      title: 'CPU µs per request, order-api + payment-service (median; lower is better)',
      value: (s: VariantSummary) => s.cpuUsPerRequestOrderApi + s.cpuUsPerRequestPayment,
      fixedMax: undefined,
      text: f0,
      marks: [],
    },
  ];
  let y = 30;
  const parts: string[] = [];
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  parts.push(
    `<text x="10" y="18" font-size="13" font-weight="bold">${esc(`pnpm bench — ${r.machine.cores} cores, ${r.machine.cpuModel}, Node ${r.machine.node}`)}</text>`,
  );
  for (const section of sections) {
    y += 14;
    parts.push(`<text x="10" y="${y}" font-size="12" font-weight="bold">${esc(section.title)}</text>`);
    y += 8;
    const top = y;
    const values = rows.map(section.value).filter((v) => Number.isFinite(v));
    const max = section.fixedMax ?? Math.max(1, ...values);
    for (const s of rows) {
      const v = section.value(s);
      const w = Number.isFinite(v) ? (plot * Math.min(v, max)) / max : 0;
      const color = s.tracer === 'none' ? '#9aa5b1' : s.tracer === 'ours' ? '#3b82f6' : '#f59e0b';
      parts.push(
        `<text x="10" y="${y + 15}" font-size="11">${esc(s.label)}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${color}"/>`,
        `<text x="${(left + w + 6).toFixed(1)}" y="${y + 15}" font-size="11">${esc(section.text(v))}</text>`,
      );
      y += barH + gap;
    }
    for (const mark of section.marks) {
      const x = (left + (plot * mark) / max).toFixed(1);
      parts.push(
        `<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${y - gap + 4}" stroke="#111" stroke-dasharray="4 3"/>`,
        `<text x="${x}" y="${top - 6}" font-size="10" text-anchor="middle">${esc(f2(mark))}</text>`,
      );
    }
  }
  const title = esc(
    `pnpm bench: POST /orders throughput vs ${baseline} and CPU per request by variant (${r.machine.cores} cores)`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${y + 10}" font-family="sans-serif">\n<title>${title}</title>\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}
