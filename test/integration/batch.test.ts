/**
 * POST /orders/batch through both services: one batch span, one `order.place` per order, and under concurrency
 * every order's spans keep the right parents — checked parent by parent, down into payment-service.
 */
import { type ReceivedSpan, type Stack, startStack } from '@otel-stack/devstack';
import { sampleOrder, TEST_CARDS } from 'load-generator/fixtures';

const CHARGE = 'grpc.payment.v1.PaymentService/Charge';

let stack: Stack;

beforeAll(async () => {
  // A little payment latency so that concurrent orders really overlap.
  stack = await startStack({ payment: { PAYMENT_LATENCY_MS: '25' }, orders: { BATCH_CONCURRENCY: '8' } });
});

afterAll(async () => {
  await stack?.stop();
});

async function postBatch(cards: readonly string[]) {
  const res = await fetch(`${stack.baseUrl}/orders/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', baggage: 'tenant_id=tenant_b' },
    body: JSON.stringify({ orders: cards.map((card) => sampleOrder(card)) }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { results: Array<{ index: number; status: number; order?: { traceId: string } }> };
}

function childrenOf(spans: ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] {
  return spans
    .filter((s) => s.parentSpanId === parent.spanId)
    .sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1));
}

function only(spans: ReceivedSpan[], what: string): ReceivedSpan {
  if (spans.length !== 1) throw new Error(`expected exactly one ${what}, got ${spans.map((s) => s.name).join(', ')}`);
  return spans[0] as ReceivedSpan;
}

const EXPECTED_STAGES: Record<number, string[]> = {
  201: ['order.validate', 'order.price', 'order.charge', 'order.persist'],
  402: ['order.validate', 'order.price', 'order.charge'],
  502: ['order.validate', 'order.price', 'order.charge'],
};

/**
 * Walks the whole tree: SERVER -> request -> handler -> orders.batch -> one order.place per order (batch.index),
 * its stages in order, and order.charge -> CLIENT -> payment SERVER -> payment.charge for the same order ID.
 */
function checkBatchTree(spans: ReceivedSpan[], statuses: number[]): void {
  const root = only(
    spans.filter((s) => s.parentSpanId === undefined),
    'root',
  );
  expect(`${root.kind} ${root.name}`).toBe('SERVER POST /orders/batch');
  const request = only(childrenOf(spans, root), 'request span');
  const handler = only(childrenOf(spans, request), 'handler span');
  const batch = only(childrenOf(spans, handler), 'batch span');
  expect(batch.name).toBe('orders.batch');
  expect(batch.attributes).toMatchObject({ 'batch.size': String(statuses.length), 'batch.concurrency': '8' });

  const orders = childrenOf(spans, batch);
  expect(orders.map((s) => s.name)).toEqual(statuses.map(() => 'order.place'));
  const byIndex = new Map(orders.map((s) => [Number(s.attributes['batch.index']), s]));
  statuses.forEach((status, index) => {
    const order = byIndex.get(index);
    if (!order) throw new Error(`no order.place for index ${index}`);
    expect(childrenOf(spans, order).map((s) => s.name)).toEqual(EXPECTED_STAGES[status]);
    const charge = only(
      childrenOf(spans, order).filter((s) => s.name === 'order.charge'),
      'order.charge',
    );
    const client = only(childrenOf(spans, charge), 'gRPC CLIENT');
    expect(`${client.service} ${client.kind} ${client.name}`).toBe(`order-api CLIENT ${CHARGE}`);
    const server = only(childrenOf(spans, client), 'gRPC SERVER');
    expect(`${server.service} ${server.kind}`).toBe('payment-service SERVER');
    const paymentCharge = only(childrenOf(spans, server), 'payment.charge');
    // The same order all the way down: no context bled from a concurrent order.
    expect(paymentCharge.attributes['order.id']).toBe(order.attributes['order.id']);
    expect(order.status).toBe(status === 502 ? 'ERROR' : 'UNSET');
  });
  for (const span of spans) expect(span.attributes['tenant.id']).toBe('tenant_b');
}

/**
 * The most `order.charge` stages that overlapped in time, from span timestamps. Only good for "orders really ran
 * concurrently": OTel JS takes start and end times from different clocks at different precisions, so the count
 * can exceed the true one by a few. The exact bound (never more than BATCH_CONCURRENCY in flight) is proven in
 * services/order-api/test/batch.test.ts with a payment client that counts.
 */
function maxOverlap(spans: ReceivedSpan[]): number {
  const events = spans
    .filter((s) => s.name === 'order.charge')
    .flatMap((s) => {
      const start = Number(s.startTimeUnixNano / 1000n);
      return [
        { at: start, delta: 1 },
        { at: start + s.durationMs * 1000, delta: -1 },
      ];
    })
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const e of events) {
    current += e.delta;
    max = Math.max(max, current);
  }
  return max;
}

function spanCount(statuses: number[]): number {
  // SERVER, request, handler, orders.batch + per order: order.place, its stages, CLIENT, payment SERVER and charge.
  return 4 + statuses.reduce((n, status) => n + 1 + (EXPECTED_STAGES[status]?.length ?? 0) + 3, 0);
}

it('a batch of 10 with mixed outcomes has the exact span tree', async () => {
  const cards = [
    TEST_CARDS.approved,
    TEST_CARDS.declined,
    TEST_CARDS.failing,
    TEST_CARDS.approved,
    TEST_CARDS.insufficientFunds,
    TEST_CARDS.approved,
    TEST_CARDS.failing,
    TEST_CARDS.approved,
    TEST_CARDS.declined,
    TEST_CARDS.approved,
  ];
  const { results } = await postBatch(cards);
  const statuses = results.map((r) => r.status);
  expect(statuses).toEqual([201, 402, 502, 201, 402, 201, 502, 201, 402, 201]);
  expect(results.map((r) => r.index)).toEqual([...cards.keys()]);
  const traceId = String(results[0]?.order?.traceId);
  const spans = await stack.receiver.waitForTrace(traceId, spanCount(statuses));
  expect(spans).toHaveLength(spanCount(statuses));
  checkBatchTree(spans, statuses);
});

it('a batch of 50 at concurrency 8 runs orders concurrently and keeps every parent right', async () => {
  const cards = Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? TEST_CARDS.declined : TEST_CARDS.approved));
  const { results } = await postBatch(cards);
  const statuses = results.map((r) => r.status);
  const traceId = String(results.find((r) => r.order)?.order?.traceId);
  const spans = await stack.receiver.waitForTrace(traceId, spanCount(statuses));
  expect(spans).toHaveLength(spanCount(statuses));
  checkBatchTree(spans, statuses);
  const overlap = maxOverlap(spans);
  expect(overlap).toBeGreaterThan(1);
});
