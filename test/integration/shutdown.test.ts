/** SIGTERM: finish in-flight work, flush every span, exit 0 within a bound, even with no collector at all. */

import { startService, unusedPort, withStack } from '@otel-stack/devstack';
import { sampleOrder } from 'load-generator/fixtures';
import { postOrder } from './harness/orders';

const SPANS_PER_ORDER = 11;
const ORDER_API_SPANS_PER_ORDER = 9;

it('flushes every span of completed requests on SIGTERM and exits 0', async () => {
  // A batch delay far beyond the test: nothing is exported until shutdown flushes it.
  const hold = { OTEL_BSP_SCHEDULE_DELAY: '600000' };
  await withStack({ payment: hold, orders: hold }, async (stack) => {
    const traceIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await postOrder(stack.baseUrl, sampleOrder(), { baggage: 'tenant_id=tenant_a' });
      expect(res.status).toBe(201);
      traceIds.push(String(res.body.traceId));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.receiver.spans).toHaveLength(0);

    const [orders, payment] = await Promise.all([stack.orders.terminate(), stack.payment.terminate()]);
    expect(orders.code).toBe(0);
    expect(payment.code).toBe(0);
    for (const traceId of traceIds) expect(stack.receiver.trace(traceId)).toHaveLength(SPANS_PER_ORDER);
  });
});

it('lets an in-flight request finish before exiting', async () => {
  await withStack({ payment: { PAYMENT_LATENCY_MS: '800' } }, async (stack) => {
    const pending = postOrder(stack.baseUrl);
    await new Promise((r) => setTimeout(r, 200));
    const exited = stack.orders.terminate();
    const res = await pending;
    expect(res.status).toBe(201);
    expect((await exited).code).toBe(0);
    await stack.payment.terminate();
    expect(stack.receiver.trace(String(res.body.traceId)).filter((s) => s.service === 'order-api')).toHaveLength(
      ORDER_API_SPANS_PER_ORDER,
    );
  });
});

it('exits within its bound when no collector is reachable', async () => {
  const nowhere = `http://127.0.0.1:${await unusedPort()}`;
  const flushTimeoutMs = 1_000;
  const payment = await startService('payment-service', {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: nowhere, SHUTDOWN_FLUSH_TIMEOUT_MS: String(flushTimeoutMs) },
  });
  const orders = await startService('order-api', {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: nowhere,
      SHUTDOWN_FLUSH_TIMEOUT_MS: String(flushTimeoutMs),
      PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}`,
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    },
  });
  const res = await postOrder(`http://127.0.0.1:${orders.port}`);
  expect(res.status).toBe(201);
  const [o, p] = await Promise.all([orders.terminate(), payment.terminate()]);
  expect(o.code).toBe(0);
  expect(p.code).toBe(0);
  expect(o.ms).toBeLessThan(flushTimeoutMs + 3_000);
});

describe('configuration is validated at start', () => {
  it.each([
    ['order-api', { PAYMENT_TIMEOUT_MS: 'soon' }, /PAYMENT_TIMEOUT_MS must be a whole number/],
    ['order-api', { PAYMENT_SERVICE_ADDR: 'payment-service' }, /PAYMENT_SERVICE_ADDR must be host:port/],
    ['payment-service', { PAYMENT_FAILURE_RATE: '1.5' }, /PAYMENT_FAILURE_RATE must be a number from 0 to 1/],
    ['payment-service', { TENANTS: 'tenant_a,not a tenant' }, /TENANTS: .*not a tenant.* is not a valid tenant name/],
    ['order-api', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, /OTLP\/gRPC only/],
    ['order-api', { OTEL_TRACES_EXPORTER: 'zipkin' }, /OTEL_TRACES_EXPORTER: \\"zipkin\\" is not supported/],
    ['payment-service', { OTEL_TRACES_SAMPLER: 'sometimes' }, /OTEL_TRACES_SAMPLER: \\"sometimes\\" is not supported/],
    ['order-api', { TENANTS: '' }, /TENANTS is empty/],
    ['payment-service', { TENANTS: ' ' }, /TENANTS is empty/],
  ] as const)('%s with %j exits 1 with one clear JSON line', async (name, env, message) => {
    const service = await startService(name, { env: { ...env }, waitUntilListening: false });
    const { code } = await service.exited;
    expect(code).toBe(1);
    // Every line is JSON, exactly one is an error and it names the variable; no stack trace.
    const lines = service.output.map((line) => JSON.parse(line) as { level: number; msg: string });
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toMatch(message);
    expect(service.output.join('\n')).not.toMatch(/\n\s+at /);
  });
});
