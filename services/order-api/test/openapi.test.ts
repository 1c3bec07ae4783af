// The HTTP contract as an OpenAPI document generated from the route schemas: served at GET /openapi.json, and
// committed as services/order-api/openapi.json for clients. `pnpm --dir services/order-api openapi:update` rewrites
// the committed copy after a route change.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildTestApp } from './build-test-app';

const COMMITTED = path.join(__dirname, '..', 'openapi.json');

async function served(): Promise<Record<string, unknown>> {
  const { app } = await buildTestApp();
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    return res.json();
  } finally {
    await app.close();
  }
}

describe('OpenAPI document', () => {
  it('lists every operation of the contract, and nothing internal', async () => {
    const doc = (await served()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(operations.sort()).toEqual(
      ['GET /healthz', 'GET /readyz', 'POST /orders', 'GET /orders/{orderId}', 'POST /orders/batch'].sort(),
    );
  });

  it('the committed copy is current', async () => {
    const text = `${JSON.stringify(await served(), null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(COMMITTED, text);
    expect(readFileSync(COMMITTED, 'utf8')).toBe(text);
  });
});
