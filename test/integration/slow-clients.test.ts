/**
 * Slow and idle clients cannot hold order-api's sockets: a stalled body, stalled headers and a connection that never
 * sends anything are closed within the configured bounds, while /healthz keeps answering.
 */
import net from 'node:net';
import { type RunningService, startService, unusedPort } from '@otel-stack/devstack';

const LIMITS = { REQUEST_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '1000', KEEP_ALIVE_TIMEOUT_MS: '1000' };
/** Node checks for expired requests once a second (connectionsCheckingInterval), so allow the bound plus that. */
const CLOSED_WITHIN_MS = 1500 + 1000 + 1000;

let orders: RunningService;
beforeAll(async () => {
  orders = await startService('order-api', {
    env: { ...LIMITS, PAYMENT_SERVICE_ADDR: `127.0.0.1:${await unusedPort()}`, OTEL_SDK_DISABLED: 'true' },
  });
});
afterAll(() => orders?.terminate());

/** Opens a socket, writes `send`, and resolves with how long the server kept it open (or Infinity past `giveUpMs`). */
function heldFor(send: string, giveUpMs: number): Promise<number> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(orders.port, '127.0.0.1', () => socket.write(send));
    socket.on('data', () => {});
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve(Number.POSITIVE_INFINITY);
    }, giveUpMs);
    socket.once('close', () => {
      clearTimeout(giveUp);
      resolve(Date.now() - started);
    });
    socket.on('error', () => {});
  });
}

const STALLED_BODY =
  'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"cust';
const STALLED_HEADERS = 'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Ty';

it.each([
  ['a stalled body', STALLED_BODY],
  ['stalled headers', STALLED_HEADERS],
  ['a connection that sends nothing', ''],
])('%s: 300 such sockets are all closed within the bound, and /healthz answers meanwhile', async (_label, send) => {
  const held = Array.from({ length: 300 }, () => heldFor(send, CLOSED_WITHIN_MS + 5_000));
  const health: number[] = [];
  const probe = (async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 400));
      health.push(
        (await fetch(`http://127.0.0.1:${orders.port}/healthz`, { signal: AbortSignal.timeout(1_000) })).status,
      );
    }
  })();
  const times = await Promise.all(held);
  await probe;
  expect(Math.max(...times)).toBeLessThan(CLOSED_WITHIN_MS);
  expect(health).toEqual([200, 200, 200, 200, 200]);
});

it('an idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS', async () => {
  const time = await heldFor('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 10_000);
  expect(time).toBeGreaterThanOrEqual(900);
  expect(time).toBeLessThan(1000 + 1500);
});

it('connections beyond MAX_CONNECTIONS are closed as they arrive', async () => {
  const capped = await startService('order-api', {
    env: { MAX_CONNECTIONS: '20', PAYMENT_SERVICE_ADDR: `127.0.0.1:${await unusedPort()}`, OTEL_SDK_DISABLED: 'true' },
  });
  const sockets: net.Socket[] = [];
  try {
    const closedAtOnce = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        // One after the other, so the first 20 are the ones held.
        await new Promise((r) => setTimeout(r, i * 20));
        return new Promise<boolean>((resolve) => {
          const socket = net.connect(capped.port, '127.0.0.1');
          sockets.push(socket);
          socket.on('error', () => {});
          socket.once('close', () => resolve(true));
          setTimeout(() => resolve(false), 1_000);
        });
      }),
    );
    expect(closedAtOnce.filter(Boolean)).toHaveLength(10);
  } finally {
    for (const socket of sockets) socket.destroy();
    await capped.terminate();
  }
});
