// `pnpm bench:masking` (tools/bench/masking-cost): it builds, times the shipped masking against another rule set,
// and refuses to time a rule set that masks its batches differently from the shipped one. Not a timed test: only the
// shape of the output and the refusals are checked, no number against this machine's speed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_PATH } from './lib/config';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/bench-masking.sh');

interface Output {
  spansPerBatch: number;
  rounds: number;
  variants: Array<{ name: string; nsPerSpan: number[]; maskingNsPerSpan: number; vsShipped: number }>;
}

function benchMasking(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const shipped = readFileSync(CONFIG_PATH, 'utf8');
/** The shipped config with one statement line (found by a piece of it) removed. */
function without(piece: string, occurrence: number): string {
  const lines = shipped.split('\n');
  const hits = lines.flatMap((line, i) => (line.includes(piece) ? [i] : []));
  const index = hits[occurrence];
  if (index === undefined) throw new Error(`no ${occurrence + 1}. line with ${piece} in ${CONFIG_PATH}`);
  return lines.filter((_, i) => i !== index).join('\n');
}

/** The shipped config with the (first) line holding `piece` moved to just before the first line holding `before`. */
function moved(piece: string, before: string): string {
  const lines = shipped.split('\n');
  const from = lines.findIndex((line) => line.includes(piece));
  if (from < 0 || !lines.some((line) => line.includes(before)))
    throw new Error(`${piece} or ${before} not in ${CONFIG_PATH}`);
  const [line] = lines.splice(from, 1);
  lines.splice(
    lines.findIndex((l) => l.includes(before)),
    0,
    line ?? '',
  );
  return lines.join('\n');
}

describe('pnpm bench:masking', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'masking-cost-'));
    // Builds the tool if needed (minutes with cold Go caches, beyond a test's timeout); -h prints its options.
    const r = benchMasking('-h');
    if (r.status !== 0) throw new Error(`scripts/bench-masking.sh -h exited ${r.status}: ${r.stderr}`);
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('times the shipped rules and an identical copy, interleaved, as JSON', () => {
    const copy = path.join(dir, 'copy.yaml');
    writeFileSync(copy, shipped);
    const r = benchMasking('--rounds=2', '--slice=20ms', '--json', `--variant=copy=${copy}`);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('masking-cost:'))).toEqual([]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Output;
    expect(out.rounds).toBe(2);
    expect(out.spansPerBatch).toBeGreaterThan(500);
    expect(out.variants.map((v) => v.name)).toEqual(['none', 'shipped', 'copy']);
    for (const v of out.variants) {
      expect(v.nsPerSpan).toHaveLength(2);
      for (const ns of v.nsPerSpan) expect(ns).toBeGreaterThan(0);
    }
    const [none, ship, copyOut] = out.variants;
    // Masking does work on every span: each round, the processor costs more than copying the batch alone.
    ship?.nsPerSpan.forEach((ns, round) => {
      expect(ns).toBeGreaterThan(none?.nsPerSpan[round] ?? Number.POSITIVE_INFINITY);
    });
    expect(ship?.vsShipped).toBe(1);
    expect(copyOut?.vsShipped).toBeGreaterThan(0);
  });

  // Each change alters what the PII batch becomes, so each would be a cheaper rule set that masks less.
  const TEXT = 'set(span.cache["text"]';
  const FIRST_CARD_PASS = 'replace_all_patterns(span.attributes, "value", "(^|';
  it.each([
    ['without the second card pass over span attributes', () => without(FIRST_CARD_PASS, 1)],
    [
      'without the e-mail pass over span attributes',
      () => without('replace_all_patterns(span.attributes, "value", "[A-Za-z', 0),
    ],
    [
      'without the first card pass over span-event attributes',
      () => without('replace_all_patterns(spanevent.attributes, "value", "(^|', 0),
    ],
    [
      'without the e-mail pass over resource attributes',
      () => without('replace_all_patterns(resource.attributes, "value", "[A-Za-z', 0),
    ],
    ['without the card pass on span names', () => without('replace_pattern(span.name, "(^|', 0)],
    // The attributes' text taken before the first pass: it holds no `****` where only the first pass would add one.
    ["with the attributes' text built before the first card pass", () => moved(TEXT, FIRST_CARD_PASS)],
  ])('refuses to time a rule set %s', (_what, make) => {
    const file = path.join(dir, 'less.yaml');
    writeFileSync(file, make());
    const r = benchMasking('--rounds=1', '--slice=10ms', `--variant=less=${file}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('masking-cost: less masks the PII batch differently from the shipped config: not timed');
  });

  it('names what is wrong with its options in one line', () => {
    const r = benchMasking('--variant=no-file');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      'masking-cost: --variant="no-file": expected NAME=FILE with a NAME other than none and shipped',
    );
  });
});
