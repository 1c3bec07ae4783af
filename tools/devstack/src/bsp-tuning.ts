/**
 * Measures what the batch span processor settings do under a burst: order-api and payment-service as real
 * processes, N orders at a fixed concurrency, then SIGTERM and read each service's own "span export totals".
 * Prints a markdown table. Run: `pnpm build && node tools/devstack/dist/bsp-tuning.js [orders] [concurrency]`.
 */
import { startStack } from './stack';

interface Setting {
  readonly label: string;
  readonly env: Record<string, string>;
}

const SETTINGS: readonly Setting[] = [
  { label: 'defaults (queue 2048, batch 512, delay 5000 ms)', env: {} },
  { label: 'queue 256', env: { OTEL_BSP_MAX_QUEUE_SIZE: '256', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '256' } },
  { label: 'queue 64', env: { OTEL_BSP_MAX_QUEUE_SIZE: '64', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '64' } },
  {
    label: 'queue 256, delay 200 ms',
    env: { OTEL_BSP_MAX_QUEUE_SIZE: '256', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '256', OTEL_BSP_SCHEDULE_DELAY: '200' },
  },
];

async function run(setting: Setting, orders: number, concurrency: number) {
  // TEST_ENV's 100 ms delay is for tests; here the SDK default applies unless the setting says otherwise.
  const env = { OTEL_BSP_SCHEDULE_DELAY: '5000', ...setting.env };
  const stack = await startStack({ orders: env, payment: env });
  const body = JSON.stringify({
    customer: { id: 'c-42', email: 'ada@example.com' },
    items: [{ sku: 'BOOK-1', quantity: 1, unitPriceCents: 1000 }],
    payment: { cardNumber: '4242424242424242', currency: 'USD' },
  });
  let next = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < orders) {
        next++;
        const res = await fetch(`${stack.baseUrl}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        if (res.status !== 201) failed++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await stack.stop();
  const totals = (service: typeof stack.orders) => {
    const line = service.logs().find((l) => l.msg === 'span export totals') ?? {};
    return { exported: Number(line.exported), dropped: Number(line.dropped), failed: Number(line.failed) };
  };
  return { seconds, failed, orders: totals(stack.orders), payment: totals(stack.payment) };
}

async function main(): Promise<void> {
  const orders = Number(process.argv[2] ?? 2000);
  const concurrency = Number(process.argv[3] ?? 32);
  console.log(`${orders} orders, concurrency ${concurrency}, Node ${process.version}\n`);
  console.log(
    '| BSP setting | orders/s | order-api spans exported / dropped | payment-service spans exported / dropped |',
  );
  console.log('|---|---|---|---|');
  for (const setting of SETTINGS) {
    const r = await run(setting, orders, concurrency);
    const rate = Math.round(orders / r.seconds);
    console.log(
      `| ${setting.label} | ${rate} | ${r.orders.exported} / ${r.orders.dropped} | ${r.payment.exported} / ${r.payment.dropped} |`,
    );
  }
}

void main();
