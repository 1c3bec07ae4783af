import { parseApiKeys } from '@otel-stack/telemetry';
import type { FastifyInstance } from 'fastify';
import { sampleOrder } from 'load-generator/fixtures';
import { buildTestApp } from './build-test-app';
import type { FakePayments } from './fake-payments';

// Obviously fake keys.
const KEY_A = 'k-test-aaaaaaaaaaaaaaaa';
const body = sampleOrder();

let app: FastifyInstance;
let payments: FakePayments;

beforeEach(async () => {
  ({ app, payments } = await buildTestApp({
    apiKeys: parseApiKeys(`${KEY_A}:tenant_a`, new Set(['tenant_a', 'tenant_b'])),
  }));
});

afterEach(async () => {
  await app.close();
});

describe('API-key mode', () => {
  it.each([
    ['no key', {}],
    ['an unknown key', { 'x-api-key': 'k-test-zzzzzzzzzzzzzzzz' }],
    ['an empty key', { 'x-api-key': '' }],
    ['the key in the wrong header', { authorization: `Bearer ${KEY_A}` }],
  ])('%s -> 401 unauthorized, nothing charged', async (_, headers) => {
    for (const [method, url] of [
      ['POST', '/orders'],
      ['POST', '/orders/batch'],
      ['GET', '/orders/ord_x'],
    ] as const) {
      const res = await app.inject({ method, url, headers, payload: method === 'POST' ? body : undefined });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'unauthorized', message: 'missing or unknown API key (send it in the x-api-key header)' },
      });
    }
    expect(payments.charges).toHaveLength(0);
  });

  it('a known key is accepted', async () => {
    const res = await app.inject({ method: 'POST', url: '/orders', headers: { 'x-api-key': KEY_A }, payload: body });
    expect(res.statusCode).toBe(201);
  });

  it('health checks need no key', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: '/healthz' })).statusCode).toBe(405);
  });

  // Only the health checks are open: without a key, anything else is 401 before it is 404 or 405.
  it.each([
    ['GET', '/nowhere', 404],
    ['GET', '/healthz/extra', 404],
    ['DELETE', '/orders', 405],
    ['PUT', '/orders/ord_x', 405],
    ['GET', '/openapi.json', 200],
  ] as const)('%s %s: 401 without a key, %i with one', async (method, url, withKey) => {
    expect((await app.inject({ method, url })).statusCode).toBe(401);
    expect((await app.inject({ method, url, headers: { 'x-api-key': KEY_A } })).statusCode).toBe(withKey);
  });
});
