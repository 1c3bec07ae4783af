/** The traffic library against a stand-in order-api: one order, and a closed-loop run of N orders. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXPECTED_STATUS, sampleOrder, TEST_CARDS } from '../src/fixtures';
import type { PlannedOrder } from '../src/scenario';
import { endpointUrl, LoadRun, sendOrder } from '../src/traffic';

interface Received {
  readonly path: string | undefined;
  readonly headers: http.IncomingHttpHeaders;
  readonly cardNumber: string;
}

const received: Received[] = [];
let inFlight = 0;
let maxInFlight = 0;
let server: http.Server;
let target: URL;

beforeAll(async () => {
  // Answers as order-api would for each test card, after 20 ms, so concurrent requests overlap.
  server = http.createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let data = '';
    req.on('data', (chunk) => {
      data += chunk;
    });
    req.on('end', () => {
      const cardNumber = (JSON.parse(data) as { payment: { cardNumber: string } }).payment.cardNumber;
      received.push({ path: req.url, headers: req.headers, cardNumber });
      const kind = (Object.keys(TEST_CARDS) as Array<keyof typeof TEST_CARDS>).find(
        (k) => TEST_CARDS[k] === cardNumber,
      );
      const status = kind ? EXPECTED_STATUS[kind] : 400;
      setTimeout(() => {
        inFlight--;
        res.writeHead(status, { 'content-type': 'application/json' }).end(`{"traceId":"trace-${received.length}"}`);
      }, 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  received.length = 0;
  maxInFlight = 0;
});

test('endpointUrl keeps the path of the target', () => {
  expect(endpointUrl(new URL('http://h:8080'), 'orders').href).toBe('http://h:8080/orders');
  expect(endpointUrl(new URL('http://h/api'), 'orders').href).toBe('http://h/api/orders');
  expect(endpointUrl(new URL('http://h/api/'), 'readyz').href).toBe('http://h/api/readyz');
});

test('sendOrder: the order as JSON, its tenant as baggage, extra headers, the answer with its body', async () => {
  const order: PlannedOrder = { tenant: 'tenant_b', card: 'declined', body: sampleOrder(TEST_CARDS.declined) };
  const answer = await sendOrder(endpointUrl(target, 'orders'), order, {
    timeoutMs: 2_000,
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  });
  expect(answer).toEqual({ status: 402, body: '{"traceId":"trace-1"}' });
  expect(received).toHaveLength(1);
  expect(received[0]?.path).toBe('/orders');
  expect(received[0]?.cardNumber).toBe(TEST_CARDS.declined);
  expect(received[0]?.headers).toMatchObject({
    'content-type': 'application/json',
    baggage: 'tenant_id=tenant_b',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  });
});

test('sendOrder: no baggage without a tenant, and an error code instead of a throw', async () => {
  const order: PlannedOrder = { tenant: null, card: 'approved', body: sampleOrder() };
  expect(await sendOrder(endpointUrl(target, 'orders'), order, { timeoutMs: 2_000 })).toMatchObject({ status: 201 });
  expect(received[0]?.headers.baggage).toBeUndefined();
  expect(await sendOrder(new URL('http://127.0.0.1:1/orders'), order, { timeoutMs: 2_000 })).toEqual({
    error: 'ECONNREFUSED',
  });
});

test('a closed-loop run sends exactly `count` orders, at most `concurrency` at once, and sums up their answers', async () => {
  const cards = ['approved', 'approved', 'failing', 'declined'] as const;
  let next = 0;
  const nextOrder = (): PlannedOrder => {
    const card = cards[next++ % cards.length] ?? 'approved';
    return { tenant: 'tenant_a', card, body: sampleOrder(TEST_CARDS[card]) };
  };
  const run = new LoadRun({ target, count: 40, concurrency: 4, timeoutMs: 2_000 }, nextOrder);
  const { stats, unfinished, elapsedS } = await run.run();

  expect(received).toHaveLength(40);
  expect(maxInFlight).toBe(4);
  expect(unfinished).toBe(0);
  // 10 rounds of 4 concurrent 20 ms answers: about 0.2 s, not 0.8 s (sequential).
  expect(elapsedS).toBeLessThan(0.6);
  expect(Object.fromEntries(stats.statuses)).toEqual({ 201: 20, 402: 10, 502: 10 });
  expect(Object.fromEntries(stats.outcomes)).toEqual({ approved: 20, declined: 10, failing: 10 });
  expect(stats.unexpected.size).toBe(0);
  expect(stats.sampleTraceIds.get('tenant_a')).toMatch(/^trace-\d+$/);
});
