/**
 * services/load-generator: configuration and validation, the traffic it plans (tenants, cards, fake PII), the
 * latency histogram, and a real run of the built program against a stand-in order-api.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, parseDuration, parseTenantMix, readLoadConfig } from '../../services/load-generator/src/config';
import { type CardKind, TEST_CARDS } from '../../services/load-generator/src/fixtures';
import { createRandom, pickTenant, planOrder } from '../../services/load-generator/src/scenario';
import { formatSummary, Histogram, Stats, summarize } from '../../services/load-generator/src/stats';
import { repoPath } from './lib/repo';

describe('load-generator configuration', () => {
  test('defaults, environment, and flags (flags win)', () => {
    const config = readLoadConfig(['--rate', '50', '--duration=2m'], {
      RATE: '10',
      TARGET_URL: 'http://order-api:8080',
      SEED: '7',
    });
    expect(config.rate).toBe(50);
    expect(config.durationS).toBe(120);
    expect(config.target.href).toBe('http://order-api:8080/');
    expect(config.seed).toBe(7);
    expect(config.tenants.map((t) => t.tenant)).toEqual(['tenant_a', 'tenant_b', 'tenant_c', null]);
  });

  test.each([
    [['--rate', '0'], /RATE/],
    [['--rate', 'fast'], /RATE/],
    [['--duration', 'forever'], /DURATION/],
    [['--duration', '48h'], /DURATION/],
    [['--decline-rate', '0.7', '--failure-rate', '0.5'], /must not exceed 1/],
    [['--target', 'ftp://x'], /http/],
    [['--tenants', 'tenant_a:x'], /weight/],
    [['--tenants', 'a:0,b:0'], /at least one/],
    [['--concurrency', '1.5'], /CONCURRENCY/],
    [['--bogus'], /unknown option/],
    [['--rate'], /needs a value/],
  ])('rejects %j', (argv, message) => {
    expect(() => readLoadConfig(argv, {})).toThrow(ConfigError);
    expect(() => readLoadConfig(argv, {})).toThrow(message);
  });

  test('durations', () => {
    expect(parseDuration('D', '1500ms', 0, 10)).toBe(1.5);
    expect(parseDuration('D', '90', 0, 100)).toBe(90);
    expect(parseDuration('D', '1h', 0, 7200)).toBe(3600);
  });
});

describe('load-generator traffic', () => {
  const config = readLoadConfig([], { SEED: '42' });

  test('the tenant mix follows the weights, "none" sends no baggage', () => {
    const random = createRandom(1);
    const shares = parseTenantMix('tenant_a:60,tenant_b:30,none:10');
    const counts = new Map<string | null, number>();
    for (let i = 0; i < 20_000; i++) {
      const tenant = pickTenant(random, shares);
      counts.set(tenant, (counts.get(tenant) ?? 0) + 1);
    }
    expect((counts.get('tenant_a') ?? 0) / 20_000).toBeCloseTo(0.6, 1);
    expect((counts.get('tenant_b') ?? 0) / 20_000).toBeCloseTo(0.3, 1);
    expect((counts.get(null) ?? 0) / 20_000).toBeCloseTo(0.1, 1);
  });

  test('orders carry fake PII only: example.com emails and the public test cards', () => {
    const random = createRandom(config.seed);
    const kinds = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) {
      const { body, card } = planOrder(random, config);
      kinds.set(card, (kinds.get(card) ?? 0) + 1);
      expect(body.customer.email).toMatch(/^user\d+@example\.com$/);
      // Each kind pays with its fixture card (services/load-generator/test/fixtures.test.ts checks what it does).
      expect(body.payment.cardNumber).toBe(TEST_CARDS[card]);
      expect(body.items.length).toBeGreaterThanOrEqual(1);
      // order-api rejects an order that repeats a SKU (400): planned traffic never does.
      expect(new Set(body.items.map((item) => item.sku)).size).toBe(body.items.length);
    }
    const share = (kind: string) => (kinds.get(kind) ?? 0) / 5_000;
    expect(share('failing')).toBeCloseTo(config.failureRate, 1);
    expect(share('declined') + share('insufficientFunds') + share('invalidLuhn')).toBeCloseTo(config.declineRate, 1);
  });

  test('the summary shows the outcome mix by card and flags every answer the card did not call for', () => {
    const stats = new Stats();
    const answer = (card: CardKind, status: number) => {
      stats.recordSent('tenant_a');
      stats.recordDone({ status }, 5, card);
    };
    for (let i = 0; i < 17; i++) answer('approved', 201);
    answer('declined', 402);
    answer('failing', 502);
    answer('approved', 400);
    const summary = summarize(stats, 'http://x', 1, 1, 0);
    expect(summary.outcomes).toEqual({ approved: 17, declined: 1, failing: 1 });
    expect(summary.unexpected).toEqual({ 'approved card -> 400': 1 });
    const text = formatSummary(summary);
    expect(text).toMatch(/^ {2}outcomes {2}approved 85\.0% declined 5\.0% failing 5\.0%$/m);
    expect(text).toMatch(/^ {2}UNEXPECTED 1 answer not the card's: approved card -> 400:1$/m);
  });

  test('the same seed plans the same traffic', () => {
    const a = createRandom(9);
    const b = createRandom(9);
    expect(Array.from({ length: 20 }, () => planOrder(a, config))).toEqual(
      Array.from({ length: 20 }, () => planOrder(b, config)),
    );
  });

  test('histogram percentiles within 2%', () => {
    const histogram = new Histogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    expect(histogram.quantile(0.5) / 500).toBeCloseTo(1, 1);
    expect(histogram.quantile(0.99) / 990).toBeCloseTo(1, 1);
    expect(histogram.max).toBe(1000);
  });
});

describe('load-generator run (built program against a stand-in order-api)', () => {
  let server: http.Server;
  let base = '';
  const received: Array<{ baggage: string | undefined; body: { payment: { cardNumber: string } } }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (chunk) => {
        data += chunk;
      });
      req.on('end', () => {
        if (req.url === '/readyz') {
          res.writeHead(200).end('{"status":"ready"}');
          return;
        }
        const body = JSON.parse(data) as { payment: { cardNumber: string } };
        received.push({ baggage: req.headers.baggage as string | undefined, body });
        const status =
          body.payment.cardNumber === TEST_CARDS.failing
            ? 502
            : body.payment.cardNumber === TEST_CARDS.approved
              ? 201
              : 402;
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ traceId: '0af7651916cd43dd8448eb211c80319c' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function run(args: string[], signalAfterMs?: number): Promise<{ code: number | null; stdout: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [repoPath('services/load-generator/dist/main.js'), ...args], {
        env: { PATH: process.env.PATH, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      if (signalAfterMs !== undefined) setTimeout(() => child.kill('SIGTERM'), signalAfterMs);
      child.on('exit', (code) => resolve({ code, stdout }));
    });
  }

  test('sends at the requested rate for the requested time, with tenant baggage, then summarises', async () => {
    received.length = 0;
    const started = Date.now();
    const { code, stdout } = await run([
      '--target',
      base,
      '--rate',
      '40',
      '--duration',
      '2s',
      '--report-every',
      '1s',
      '--summary',
      'json',
      '--seed',
      '3',
    ]);
    const elapsed = Date.now() - started;
    expect(code).toBe(0);
    expect(elapsed).toBeLessThan(8_000);
    expect(received.length).toBeGreaterThanOrEqual(70);
    expect(received.length).toBeLessThanOrEqual(81);
    for (const { baggage } of received) if (baggage !== undefined) expect(baggage).toMatch(/^tenant_id=tenant_[abc]$/);
    expect(stdout).toMatch(/\[\s+1s\]\s+sent \d+/); // progress lines
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      sent: number;
      answered: number;
      statuses: Record<string, number>;
      latencyMs: { p99: number };
    };
    expect(summary.sent).toBe(received.length);
    expect(summary.answered).toBe(received.length);
    expect(Object.keys(summary.statuses)).toEqual(expect.arrayContaining(['201']));
    expect(summary.latencyMs.p99).toBeGreaterThan(0);
  });

  test('stops early on SIGTERM and still prints the summary', async () => {
    const started = Date.now();
    const { code, stdout } = await run(
      ['--target', base, '--rate', '20', '--duration', '1h', '--report-every', '0'],
      1_500,
    );
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stdout).toContain('SIGTERM: stopping');
    expect(stdout).toMatch(/summary: \d+ requests/);
  });

  test('exits 1 when the target never answers, 2 on bad configuration', async () => {
    expect(
      (
        await run([
          '--target',
          'http://127.0.0.1:1',
          '--rate',
          '5',
          '--duration',
          '1s',
          '--wait',
          '0',
          '--timeout-ms',
          '500',
        ])
      ).code,
    ).toBe(1);
    expect((await run(['--rate', 'lots'])).code).toBe(2);
  });
});
