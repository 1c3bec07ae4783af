/**
 * Failing dependencies: payment-service flapping or late, the collector gone for a whole run and coming back.
 * Requests keep their answers, nothing crashes, lost spans are counted, export resumes.
 */
import { readFileSync } from 'node:fs';
import { OtlpReceiver, type RunningService, startService, unusedPort } from '@otel-stack/devstack';
import { sampleOrder } from 'load-generator/fixtures';
import { postOrder } from './harness/orders';

const running: RunningService[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.terminate()));
});

async function start(name: 'order-api' | 'payment-service', env: Record<string, string>) {
  const service = await startService(name, { env });
  running.push(service);
  return service;
}

function rssMiB(pid: number | undefined): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

it('/readyz follows payment-service going away and coming back', async () => {
  const paymentPort = await unusedPort();
  const noExport = { OTEL_TRACES_EXPORTER: 'none' };
  let payment = await start('payment-service', { ...noExport, PORT: String(paymentPort) });
  const orders = await start('order-api', { ...noExport, PAYMENT_SERVICE_ADDR: `127.0.0.1:${paymentPort}` });
  const ready = async () => (await fetch(`http://127.0.0.1:${orders.port}/readyz`)).status === 200;
  expect(await ready()).toBe(true);
  for (let flap = 0; flap < 2; flap++) {
    await payment.terminate();
    expect(await until(async () => !(await ready()), 5_000)).toBe(true);
    payment = await start('payment-service', { ...noExport, PORT: String(paymentPort) });
    // gRPC reconnects with backoff: give it a moment.
    expect(await until(ready, 15_000)).toBe(true);
  }
  expect((await postOrder(`http://127.0.0.1:${orders.port}`)).status).toBe(201);
});

it('a payment answer arriving after the deadline harms nothing', async () => {
  const payment = await start('payment-service', { OTEL_TRACES_EXPORTER: 'none', PAYMENT_LATENCY_MS: '800' });
  const orders = await start('order-api', {
    OTEL_TRACES_EXPORTER: 'none',
    PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}`,
    PAYMENT_TIMEOUT_MS: '200',
  });
  const base = `http://127.0.0.1:${orders.port}`;
  const late = await Promise.all(Array.from({ length: 10 }, () => postOrder(base)));
  expect(late.map((r) => r.status)).toEqual(Array(10).fill(503));
  // Let every late answer arrive at order-api.
  await new Promise((r) => setTimeout(r, 1_200));
  expect(orders.child.exitCode).toBeNull();
  expect(orders.logs().filter((l) => Number(l.level) >= 50)).toEqual([]);
  // The charges did complete in payment-service; order-api kept no order for them and still works.
  expect(payment.logs().filter((l) => l.msg === 'charge completed')).toHaveLength(10);
  const res = await fetch(`${base}/readyz`);
  expect(res.status).toBe(200);
});

it('serves every request with the collector gone, counts the lost spans, and resumes export when it is back', async () => {
  const collectorPort = await unusedPort();
  const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`, OTEL_BSP_SCHEDULE_DELAY: '200' };
  const payment = await start('payment-service', otlp);
  const orders = await start('order-api', { ...otlp, PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}` });
  const base = `http://127.0.0.1:${orders.port}`;

  // A whole run with nothing listening.
  for (let round = 0; round < 10; round++) {
    const results = await Promise.all(Array.from({ length: 20 }, () => postOrder(base, sampleOrder())));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
  }
  expect(rssMiB(orders.child.pid)).toBeLessThan(300);
  // The loss is reported in the log (checked every 10 s).
  const reported = await until(async () => orders.logs().some((l) => l.msg === 'spans lost'), 15_000);
  expect(reported).toBe(true);

  // The collector comes back on the same address: new spans get through.
  const receiver = new OtlpReceiver(collectorPort);
  await receiver.start();
  try {
    const resumed = await until(async () => {
      const res = await postOrder(base);
      await new Promise((r) => setTimeout(r, 500));
      return receiver.trace(String(res.body.traceId)).some((s) => s.service === 'order-api');
    }, 30_000);
    expect(resumed).toBe(true);
  } finally {
    const exit = await orders.terminate();
    expect(exit.code).toBe(0);
    await receiver.stop();
  }
  const totals = orders.logs().find((l) => l.msg === 'span export totals') as Record<string, number> | undefined;
  expect(totals?.exported).toBeGreaterThan(0);
  expect((totals?.failed ?? 0) + (totals?.dropped ?? 0)).toBeGreaterThan(0);
});
