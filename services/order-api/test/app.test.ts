import * as grpc from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { FAKE_CUSTOMER, sampleOrder, TEST_CARDS } from 'load-generator/fixtures';
import { failureKindOf, PaymentError } from '../src/payment-client';
import { buildTestApp } from './build-test-app';
import type { FakePayments } from './fake-payments';

const CARD = TEST_CARDS.approved;
const EMAIL = FAKE_CUSTOMER.email;

/** The sample order plus a second item, so totals add up across items. */
function validOrder() {
  const order = sampleOrder();
  order.items.push({ sku: 'PEN-7', quantity: 1, unitPriceCents: 199 });
  return order;
}

let payments: FakePayments;
let app: FastifyInstance;

beforeEach(async () => {
  // A small body limit, so the 413 test needs no large body.
  ({ app, payments } = await buildTestApp({ bodyLimitBytes: 4096 }));
});

afterEach(async () => {
  await app.close();
});

function post(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return app.inject({
    method: 'POST',
    url: '/orders',
    headers,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /orders', () => {
  it('charges the order total and answers 201 with the paid order', async () => {
    const res = await post(validOrder());
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      orderId: expect.stringMatching(/^ord_[0-9a-f-]{36}$/),
      status: 'paid',
      amountCents: 2699,
      currency: 'USD',
      paymentId: 'pay_test',
      cardLast4: '4242',
      traceId: expect.any(String),
    });
    expect(payments.charges).toEqual([{ orderId: body.orderId, amountCents: 2699, currency: 'USD', cardNumber: CARD }]);
  });

  it('keeps the order, without the card number, for GET /orders/:orderId', async () => {
    const { orderId } = (await post(validOrder())).json();
    const res = await app.inject({ method: 'GET', url: `/orders/${orderId}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      orderId,
      status: 'paid',
      cardLast4: '4242',
      amountCents: 2699,
      tenant: 'default',
    });
    expect(res.body).not.toContain(CARD);
    expect(res.body).not.toContain(EMAIL);
  });

  it('answers 402 payment_declined for a declined card and keeps no order', async () => {
    payments.next = async () => ({ outcome: 'declined', declineReason: 'insufficient_funds', cardLast4: '9995' });
    const res = await post(validOrder());
    expect(res.statusCode).toBe(402);
    expect(res.json()).toEqual({
      error: { code: 'payment_declined', message: 'payment declined: insufficient_funds' },
    });
  });

  // The deliberate mapping of gRPC outcomes to HTTP answers.
  it.each([
    [grpc.status.UNAVAILABLE, 503, 'payment_unavailable'],
    [grpc.status.DEADLINE_EXCEEDED, 503, 'payment_unavailable'],
    [grpc.status.INTERNAL, 502, 'payment_error'],
    [grpc.status.UNKNOWN, 502, 'payment_error'],
    [grpc.status.RESOURCE_EXHAUSTED, 502, 'payment_error'],
    [grpc.status.INVALID_ARGUMENT, 400, 'invalid_request'],
  ])('gRPC status %i -> HTTP %i %s', async (code, status, errorCode) => {
    payments.next = async () => {
      throw new PaymentError(failureKindOf(code), 'currency: must be an ISO 4217 code such as "USD"', code);
    };
    const res = await post(validOrder());
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().error.code).toBe(errorCode);
  });

  it('rejects a business-rule violation found by the validate stage with 400, before charging', async () => {
    const order = validOrder();
    const res = await post({ ...order, items: [order.items[0], order.items[0]] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'invalid_request', message: 'items: sku BOOK-1 appears more than once' },
    });
    expect(payments.charges).toHaveLength(0);
  });

  it('answers 500 internal without details when something unexpected breaks', async () => {
    payments.next = async () => {
      throw new Error(`boom with ${CARD} inside`);
    };
    const res = await post(validOrder());
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
  });
});

describe('invalid requests get the error envelope', () => {
  const base = validOrder();
  it.each([
    ['missing customer', { ...base, customer: undefined }, /customer/],
    ['bad email', { ...base, customer: { id: 'c-1', email: 'not-an-email' } }, /email/],
    ['no items', { ...base, items: [] }, /items/],
    ['zero quantity', { ...base, items: [{ sku: 'A', quantity: 0, unitPriceCents: 1 }] }, /quantity/],
    ['fractional quantity', { ...base, items: [{ sku: 'A', quantity: 1.5, unitPriceCents: 1 }] }, /quantity/],
    ['negative price', { ...base, items: [{ sku: 'A', quantity: 1, unitPriceCents: -5 }] }, /unitPriceCents/],
    ['price as string', { ...base, items: [{ sku: 'A', quantity: 1, unitPriceCents: '5' }] }, /unitPriceCents/],
    ['card with letters', { ...base, payment: { cardNumber: '4242abcd42424242', currency: 'USD' } }, /cardNumber/],
    ['lower-case currency', { ...base, payment: { cardNumber: CARD, currency: 'usd' } }, /currency/],
    ['unknown field', { ...base, coupon: 'FREE' }, /additional/],
  ])('%s -> 400 invalid_request naming the field', async (_, body, field) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(field);
    expect(res.body).not.toContain(CARD);
    expect(payments.charges).toHaveLength(0);
  });

  it('malformed JSON -> 400', async () => {
    const res = await post('{"customer": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'invalid_request', message: 'body: malformed JSON' } });
  });

  it('empty JSON body -> 400', async () => {
    const res = await post('');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
  });

  it('text/plain -> 415', async () => {
    const res = await post('hello', { 'content-type': 'text/plain' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      error: { code: 'unsupported_media_type', message: 'content-type must be application/json' },
    });
  });

  it('a body over the limit -> 413', async () => {
    const res = await post({ ...base, padding: 'x'.repeat(8192) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'payload_too_large', message: 'request body is too large' } });
  });

  it('an unknown route -> 404 not_found', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/admin?email=ada@example.com' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no route for DELETE /admin' } });
  });

  it.each([
    ['DELETE', '/orders', 'POST'],
    ['PUT', '/orders/ord_x', 'GET, HEAD'],
    ['QUERY', '/healthz', 'GET, HEAD'],
  ])('%s %s, a method the path does not have -> 405 with Allow: %s', async (method, url, allow) => {
    const res = await app.inject({ method: method as 'DELETE', url });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('an unknown order -> 404, an odd order ID -> 400', async () => {
    const unknown = await app.inject({ method: 'GET', url: '/orders/ord_nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    const odd = await app.inject({ method: 'GET', url: `/orders/${encodeURIComponent('../../etc/passwd')}` });
    expect(odd.statusCode).toBe(400);
    expect(odd.json().error.code).toBe('invalid_request');
  });
});

describe('health', () => {
  it('/healthz is 200 whatever payment-service does', async () => {
    payments.serving = false;
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz follows payment-service health', async () => {
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    payments.serving = false;
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'payment_unavailable', message: 'payment-service is not serving' } });
  });
});

describe('answers never echo a card number or an email', () => {
  it.each([
    ['GET', `/orders/${CARD}`],
    ['DELETE', `/orders/${CARD}/x?email=${EMAIL}`],
    ['GET', `/nowhere/${EMAIL}`],
  ] as const)('%s %s', async (method, url) => {
    const res = await app.inject({ method, url });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.body).not.toContain(CARD);
    expect(res.body).not.toContain(EMAIL);
  });
});
