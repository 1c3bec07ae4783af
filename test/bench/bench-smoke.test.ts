/**
 * `pnpm bench --smoke`: the benchmark runs end to end in seconds and writes results of the expected shape with
 * sane, non-zero numbers. Not a timed test: no threshold here depends on this machine's speed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'tools/bench/dist/main.js');

interface Results {
  schema: string;
  smoke: boolean;
  machine: { cores: number; cpuModel: string; node: string };
  micro: {
    timings: Array<{ setup: string; case: string; nsPerSpan: number; rawNsPerSpan: number }>;
    allocations: Array<{ setup: string; case: string; bytesPerSpan: number; gcDuringMeasurement: number }>;
    droppedSpans: number;
  };
  e2e: {
    runs: unknown[];
    spansPerOrder: Record<string, { orderApi: number; payment: number }>;
    summary: Array<{
      variant: string;
      reqPerSec: number;
      fixedRateP99Ms: number;
      cpuUsPerRequestOrderApi: number;
      cpuUsPerRequestPayment: number;
      peakRssMiBOrderApi: number;
      peakRssMiBPayment: number;
      failedRequests: number;
      spansPerOrder?: { orderApi: number; payment: number };
      vsBaseline?: { baseline: string; throughputRatio: number; cpuOverBaselineUsOrderApi: number };
    }>;
  };
  sustain: Array<{
    load: { requests: number };
    orderApiSpans?: { exported: number; dropped: number; failed: number };
    paymentSpans?: { exported: number; dropped: number; failed: number };
  }>;
  export: {
    steps: Array<{ compression: string; exported: number; dropped: number; cpuUsPerSpan: number }>;
    sustainedSpansPerSec: Record<string, number>;
  };
}

function runBench(out: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, '--smoke', `--out=${out}`], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

let out: string;
beforeAll(() => {
  out = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-test-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('runs every part and writes JSON, markdown and SVG with sane numbers', async () => {
  const { code, stderr } = await runBench(out);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  expect(stderr).toMatch(/\[bench\s+\d+s\] micro: api/); // progress on stderr
  for (const file of ['latest.json', 'latest.md', 'latest.svg']) expect(existsSync(path.join(out, file))).toBe(true);

  const r = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')) as Results;
  expect(r).toMatchObject({ schema: 'otel-stack-bench/1', smoke: true });
  expect(r.machine.cores).toBeGreaterThan(0);
  expect(r.machine.node).toMatch(/^v\d+/);

  // Micro: three cases for each of API-only and SDK, time and allocation, nothing dropped.
  expect(r.micro.timings).toHaveLength(6);
  expect(r.micro.allocations).toHaveLength(6);
  for (const t of r.micro.timings) expect(t.rawNsPerSpan).toBeGreaterThan(0);
  const sdk = r.micro.timings.filter((t) => t.setup === 'sdk');
  const api = r.micro.timings.filter((t) => t.setup === 'api');
  // The SDK records and queues every span; the API alone does nothing: an order of magnitude apart on any machine.
  expect(Math.min(...sdk.map((t) => t.nsPerSpan))).toBeGreaterThan(5 * Math.max(...api.map((t) => t.nsPerSpan)));
  for (const a of r.micro.allocations.filter((x) => x.setup === 'sdk')) {
    expect(a.bytesPerSpan).toBeGreaterThan(100);
    expect(a.bytesPerSpan).toBeLessThan(100_000);
  }
  expect(r.micro.droppedSpans).toBe(0);

  // End to end: the baseline (no preload) and ours ran, answered every request, and the ratios are computed.
  const byVariant = Object.fromEntries(r.e2e.summary.map((s) => [s.variant, s]));
  expect(Object.keys(byVariant).sort()).toEqual(['bare', 'on']);
  for (const s of r.e2e.summary) {
    expect(s.reqPerSec).toBeGreaterThan(0);
    expect(s.fixedRateP99Ms).toBeGreaterThan(0);
    expect(s.cpuUsPerRequestOrderApi).toBeGreaterThan(0);
    expect(s.cpuUsPerRequestPayment).toBeGreaterThan(0);
    expect(s.peakRssMiBOrderApi).toBeGreaterThan(10);
    expect(s.peakRssMiBPayment).toBeGreaterThan(10);
    expect(s.failedRequests).toBe(0);
  }
  expect(byVariant.on?.vsBaseline).toMatchObject({ baseline: 'bare' });
  expect(byVariant.on?.vsBaseline?.throughputRatio).toBeGreaterThan(0);
  // Spans per order, counted by a decoding receiver: the README's trace tree is 9 spans in order-api and 2 in
  // payment-service; the baseline loads no tracer and makes none.
  expect(r.e2e.spansPerOrder).toEqual({ bare: { orderApi: 0, payment: 0 }, on: { orderApi: 9, payment: 2 } });
  expect(byVariant.on?.spansPerOrder).toEqual({ orderApi: 9, payment: 2 });

  // Sustained: the services' own totals at shutdown, every span accounted for.
  const [sustain] = r.sustain;
  expect(sustain?.load.requests).toBeGreaterThan(0);
  expect(sustain?.orderApiSpans?.exported).toBeGreaterThan(0);
  expect(sustain?.paymentSpans?.exported).toBeGreaterThan(0);
  expect(sustain?.orderApiSpans?.dropped).toBe(0);

  // Export: both compressions exported spans without drops at the smoke rate.
  expect(r.export.steps.map((s) => s.compression).sort()).toEqual(['gzip', 'none']);
  for (const s of r.export.steps) {
    expect(s.exported).toBeGreaterThan(0);
    expect(s.dropped).toBe(0);
  }
  expect(r.export.sustainedSpansPerSec.none).toBeGreaterThan(0);

  const md = readFileSync(path.join(out, 'latest.md'), 'utf8');
  expect(md).toContain('SMOKE RUN');
  expect(md).toContain('## POST /orders end to end');
  expect(md).toContain('### The peers, against `bare`');
  expect(md).toContain('## What to set for production');
  expect(readFileSync(path.join(out, 'latest.svg'), 'utf8')).toMatch(/^<svg /);
}, 120_000);
