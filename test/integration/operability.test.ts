/**
 * What an operator sees: where spans go at start, a dependency failure logged once per change of state with the
 * address tried, and an unreachable collector reported in one line with its endpoint, never a stack trace per export.
 */
import { startService, unusedPort } from '@otel-stack/devstack';
import { postOrder } from './harness/orders';

it('payment-service down, then up: one warn naming the address, one info when it is back', async () => {
  const paymentPort = await unusedPort();
  const orders = await startService('order-api', {
    env: { PAYMENT_SERVICE_ADDR: `127.0.0.1:${paymentPort}`, OTEL_SDK_DISABLED: 'true' },
  });
  const base = `http://127.0.0.1:${orders.port}`;
  try {
    for (let i = 0; i < 3; i++) expect((await postOrder(base)).status).toBe(503);
    const payment = await startService('payment-service', {
      env: { PORT: String(paymentPort), OTEL_SDK_DISABLED: 'true' },
    });
    try {
      const deadline = Date.now() + 15_000;
      while ((await postOrder(base)).status !== 201 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      // The line is written before the answer, but reaches us through a pipe: wait for it rather than race it.
      await orders.waitForOutput(/payment-service reachable again/, 10_000);
      const changes = orders.logs().filter((l) => String(l.msg).startsWith('payment-service '));
      expect(changes.map((l) => [l.level, l.msg, l.paymentServiceAddr])).toEqual([
        [40, 'payment-service unreachable', `127.0.0.1:${paymentPort}`],
        [30, 'payment-service reachable again', `127.0.0.1:${paymentPort}`],
      ]);
      expect(String(changes[0]?.reason)).toMatch(/ECONNREFUSED|No connection established/);
    } finally {
      await payment.terminate();
    }
  } finally {
    await orders.terminate();
  }
});

it('an unreachable collector: the endpoint at start and in one line per minute, no stack traces', async () => {
  const endpoint = `http://127.0.0.1:${await unusedPort()}`;
  const orders = await startService('order-api', {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      PAYMENT_SERVICE_ADDR: `127.0.0.1:${await unusedPort()}`,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
  });
  try {
    expect(orders.logs().find((l) => l.msg === 'telemetry started')).toMatchObject({
      otlpEndpoint: endpoint,
      exporters: 'otlp',
    });
    // Spans to export every 200 ms: wait for the first failed export, then go on for 3 s (about 15 more).
    const sdkErrorLines = () => orders.logs().filter((l) => l.sdk === true && Number(l.level) >= 50);
    const send = () => postOrder(`http://127.0.0.1:${orders.port}`).then(() => new Promise((r) => setTimeout(r, 200)));
    const firstDeadline = Date.now() + 20_000;
    while (sdkErrorLines().length === 0 && Date.now() < firstDeadline) await send();
    const until = Date.now() + 3_000;
    while (Date.now() < until) await send();
    const sdkErrors = sdkErrorLines();
    expect(sdkErrors).toHaveLength(1);
    expect(sdkErrors[0]).toMatchObject({ otlpEndpoint: endpoint, msg: expect.stringMatching(/UNAVAILABLE/) });
    expect(orders.output.join('\n')).not.toMatch(/\\n\s+at |"stack"/);
  } finally {
    await orders.terminate();
  }
}, 45_000);
