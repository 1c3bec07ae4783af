import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { sampleOrder, TEST_CARDS } from 'load-generator/fixtures';
import { PaymentError } from '../src/payment-client';
import { buildTestApp } from './build-test-app';
import type { FakePayments } from './fake-payments';

/** The sample order with `card`, one unit of `sku`. */
function order(card: string, sku = 'BOOK-1') {
  return { ...sampleOrder(card), items: [{ sku, quantity: 1, unitPriceCents: 1000 }] };
}

let payments: FakePayments;
let app: FastifyInstance;
let inFlight = 0;
let maxInFlight = 0;

beforeEach(async () => {
  inFlight = 0;
  maxInFlight = 0;
  ({ app, payments } = await buildTestApp({ batchConcurrency: 3 }));
  // A fake payment-service: slow enough that concurrency shows, deciding by card like the real one.
  payments.next = async (input) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await sleep(20);
    inFlight--;
    if (input.cardNumber === TEST_CARDS.declined)
      return { outcome: 'declined', declineReason: 'card_declined', cardLast4: '0002' };
    if (input.cardNumber === TEST_CARDS.failing) throw new PaymentError('failed', 'payment processor error');
    return { outcome: 'approved', paymentId: `pay_${input.orderId}`, cardLast4: input.cardNumber.slice(-4) };
  };
});

afterEach(async () => {
  await app.close();
});

function postBatch(orders: unknown[]) {
  return app.inject({ method: 'POST', url: '/orders/batch', payload: { orders } });
}

describe('POST /orders/batch', () => {
  it('answers every order in input order with its own status', async () => {
    const cards = [TEST_CARDS.approved, TEST_CARDS.declined, TEST_CARDS.failing, TEST_CARDS.approved];
    const res = await postBatch(cards.map((c) => order(c)));
    expect(res.statusCode).toBe(200);
    const { results } = res.json();
    expect(results.map((r: { index: number; status: number }) => [r.index, r.status])).toEqual([
      [0, 201],
      [1, 402],
      [2, 502],
      [3, 201],
    ]);
    expect(results[0].order).toMatchObject({ status: 'paid', cardLast4: '4242', amountCents: 1000 });
    expect(results[1].error).toEqual({ code: 'payment_declined', message: 'payment declined: card_declined' });
    expect(results[2].error).toEqual({ code: 'payment_error', message: 'payment failed' });
  });

  it('never has more than BATCH_CONCURRENCY orders in flight', async () => {
    const res = await postBatch(Array.from({ length: 12 }, () => order(TEST_CARDS.approved)));
    expect(res.json().results).toHaveLength(12);
    expect(maxInFlight).toBe(3);
  });

  it('validates each order with the same schema as POST /orders and bounds the batch size', async () => {
    const bad = await postBatch([order(TEST_CARDS.approved), { ...order('4242'), customer: { id: 'c', email: 'x' } }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/orders\/1\/(customer|payment)/);
    expect((await postBatch([])).statusCode).toBe(400);
    expect((await postBatch(Array.from({ length: 101 }, () => order(TEST_CARDS.approved)))).statusCode).toBe(400);
    expect(payments.charges).toHaveLength(0);
  });

  it('cancels the queued orders when the service shuts down, finishing the ones in flight', async () => {
    const pending = postBatch(Array.from({ length: 9 }, () => order(TEST_CARDS.approved)));
    while (payments.charges.length < 3) await sleep(1); // the first three are in flight
    const closing = app.close();
    const { results } = (await pending).json();
    await closing;
    const statuses = results.map((r: { status: number }) => r.status);
    expect(statuses.slice(0, 3)).toEqual([201, 201, 201]);
    expect(statuses.filter((s: number) => s === 503).length).toBeGreaterThan(0);
    expect(results.find((r: { status: number }) => r.status === 503).error).toEqual({
      code: 'payment_unavailable',
      message: 'not processed: service shutting down',
    });
    expect(payments.charges.length).toBeLessThan(9);
  });
});
