/**
 * SIGTERM while many requests are in flight: every request the service accepted gets its answer, every span of
 * every answered request is exported, and the process exits 0 within its bound.
 */
import http from 'node:http';
import { startStack } from '@otel-stack/devstack';
import { orderBody } from './harness/orders';

const ORDER_API_SPANS_PER_ORDER = 9;

/** One request on its own connection: the answer, or the error that ended it. */
function post(port: number): Promise<{ status?: number; traceId?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/orders',
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () =>
          resolve({ status: res.statusCode, traceId: (JSON.parse(body) as { traceId?: string }).traceId }),
        );
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(JSON.stringify(orderBody()));
  });
}

it('answers every accepted request, exports all their spans and exits 0', async () => {
  // Charges take 300 ms, so SIGTERM lands while dozens of orders are in the middle of theirs.
  const stack = await startStack({ payment: { PAYMENT_LATENCY_MS: '300' } });
  const inFlight = Array.from({ length: 60 }, () => post(stack.orders.port));
  await new Promise((r) => setTimeout(r, 150));
  const started = Date.now();
  const exit = await stack.orders.terminate();
  const results = await Promise.all(inFlight);

  expect(exit.code).toBe(0);
  expect(Date.now() - started).toBeLessThan(10_000);
  const answered = results.filter((r) => r.status !== undefined);
  // Accepted connections were answered 201; a connection that reached a closed listener was refused, never reset.
  expect(answered.length).toBeGreaterThan(0);
  expect(answered.every((r) => r.status === 201)).toBe(true);
  expect(results.filter((r) => r.error !== undefined && r.error !== 'ECONNREFUSED')).toEqual([]);
  for (const { traceId } of answered) {
    expect(stack.receiver.trace(String(traceId)).filter((s) => s.service === 'order-api')).toHaveLength(
      ORDER_API_SPANS_PER_ORDER,
    );
  }
  await stack.stop();
});
