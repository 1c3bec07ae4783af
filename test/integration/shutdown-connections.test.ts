/**
 * Shutdown and the connections clients hold. Nothing is charged without an answer: two orders pipelined on one
 * keep-alive connection, SIGTERM while the first is at payment-service -- both charged, both answered. And a client
 * that never completes its request does not hold the shutdown: its connection is closed when shutdown begins.
 */
import net from 'node:net';
import { type RunningService, startService, unusedPort } from '@otel-stack/devstack';
import { sampleOrder } from 'load-generator/fixtures';

let payment: RunningService;
beforeAll(async () => {
  payment = await startService('payment-service', { env: { PAYMENT_LATENCY_MS: '800', OTEL_SDK_DISABLED: 'true' } });
});
afterAll(() => payment?.terminate());

function request(body: string): string {
  return `POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

it('two pipelined orders, SIGTERM while the first is being charged: every charge is answered, exit 0', async () => {
  const orders = await startService('order-api', {
    env: { PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}`, OTEL_SDK_DISABLED: 'true' },
  });
  const chargedBefore = payment.output.filter((l) => l.includes('charge completed')).length;
  const socket = net.connect(orders.port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const body = JSON.stringify(sampleOrder());
  socket.write(request(body) + request(body));
  await new Promise((r) => setTimeout(r, 300));
  const exit = orders.terminate();
  await closed;
  expect((await exit).code).toBe(0);
  // Responses follow each other without a newline between a body and the next status line.
  const answered = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
  // payment-service logs each charge before it answers; give its pipe a moment to deliver both lines.
  const chargedLines = () => payment.output.filter((l) => l.includes('charge completed')).length - chargedBefore;
  for (const until = Date.now() + 5_000; chargedLines() < 2 && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const charged = chargedLines();
  // Every order payment-service charged got its answer (here: both were already in progress).
  expect(answered.filter((status) => status === '201')).toHaveLength(charged);
  expect(charged).toBe(2);
}, 30_000);

it.each([
  ['stalled headers', 'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Ty'],
  [
    'a stalled body',
    'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"cus',
  ],
])(
  'a client with %s does not hold the shutdown: exit 0 at once',
  async (_label, partial) => {
    const orders = await startService('order-api', {
      env: {
        PAYMENT_SERVICE_ADDR: `127.0.0.1:${await unusedPort()}`,
        OTEL_SDK_DISABLED: 'true',
        // Longer than the whole test: only shutdown itself may close the connection.
        REQUEST_TIMEOUT_MS: '60000',
        HEADERS_TIMEOUT_MS: '60000',
      },
    });
    const socket = net.connect(orders.port, '127.0.0.1', () => socket.write(partial));
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise((r) => setTimeout(r, 300));
    const { code, ms } = await orders.terminate();
    await closed;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(3_000);
  },
  30_000,
);
