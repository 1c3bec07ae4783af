/** order-api when payment-service is down or slow: a fast, honest 503, never a hung request. */

import { OtlpReceiver, type RunningService, startService, unusedPort } from '@otel-stack/devstack';
import { sampleOrder } from 'load-generator/fixtures';
import { postOrder } from './harness/orders';

const TIMEOUT_MS = 500;
// Generous for a loaded 2-core CI machine; the point is "bounded by the deadline", not a latency target.
const MARGIN_MS = 1_500;

let receiver: OtlpReceiver;
const running: RunningService[] = [];

beforeAll(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
});

afterAll(async () => {
  await Promise.all(running.map((s) => s.terminate()));
  await receiver.stop();
});

async function start(name: 'order-api' | 'payment-service', env: Record<string, string>) {
  const service = await startService(name, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...env } });
  running.push(service);
  return service;
}

it('answers 503 within the deadline when payment-service is not running, and /readyz says so', async () => {
  const nobody = await unusedPort();
  const orders = await start('order-api', {
    PAYMENT_SERVICE_ADDR: `127.0.0.1:${nobody}`,
    PAYMENT_TIMEOUT_MS: String(TIMEOUT_MS),
  });
  const base = `http://127.0.0.1:${orders.port}`;
  const res = await postOrder(base, sampleOrder(), { baggage: 'tenant_id=tenant_a' });
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ error: { code: 'payment_unavailable', message: 'payment service unavailable' } });
  expect(res.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  const ready = await fetch(`${base}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({
    error: { code: 'payment_unavailable', message: 'payment-service is not serving' },
  });
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
});

it('answers 503 within the deadline after payment-service was stopped, and /readyz follows', async () => {
  const payment = await start('payment-service', {});
  const orders = await start('order-api', {
    PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}`,
    PAYMENT_TIMEOUT_MS: String(TIMEOUT_MS),
  });
  const base = `http://127.0.0.1:${orders.port}`;
  expect((await postOrder(base)).status).toBe(201);
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  expect((await payment.terminate()).code).toBe(0);
  const res = await postOrder(base);
  expect(res.status).toBe(503);
  expect(res.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  expect((await fetch(`${base}/readyz`)).status).toBe(503);
});

it('answers 503 at the deadline when payment-service is slower than it', async () => {
  const payment = await start('payment-service', { PAYMENT_LATENCY_MS: String(TIMEOUT_MS * 4) });
  const orders = await start('order-api', {
    PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}`,
    PAYMENT_TIMEOUT_MS: String(TIMEOUT_MS),
  });
  const res = await postOrder(`http://127.0.0.1:${orders.port}`);
  expect(res.status).toBe(503);
  expect(res.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  expect(res.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  // The expired deadline is on the gRPC CLIENT span: status code 4 is DEADLINE_EXCEEDED.
  const client = await waitFor(() =>
    receiver.spans.find((s) => s.kind === 'CLIENT' && String(s.attributes['rpc.grpc.status_code']) === '4'),
  );
  expect(client).toMatchObject({ service: 'order-api', status: 'ERROR' });
});

it('answers 503 when payment-service reports UNAVAILABLE (PAYMENT_FAILURE_RATE=1)', async () => {
  const payment = await start('payment-service', { PAYMENT_FAILURE_RATE: '1' });
  const orders = await start('order-api', { PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}` });
  const res = await postOrder(`http://127.0.0.1:${orders.port}`);
  expect(res.status).toBe(503);
  expect(res.body).toMatchObject({ error: { code: 'payment_unavailable' } });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
