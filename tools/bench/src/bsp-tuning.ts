/**
 * Measures what the batch span processor settings do under a burst: order-api and payment-service as real
 * processes, N sample orders at a fixed concurrency (the load generator's traffic library, closed loop), then
 * SIGTERM and read each service's own "span export totals". Prints a markdown table.
 * Run: `pnpm build && node tools/bench/dist/bsp-tuning.js [orders] [concurrency]`.
 */
import { type RunningService, startStack } from '@otel-stack/devstack';
import { sampleOrder } from 'load-generator/fixtures';
import { LoadRun } from 'load-generator/traffic';
import { spanTotals } from './e2e';

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
  // The launcher's 100 ms delay is for tests; here the SDK default applies unless the setting says otherwise.
  const env = { OTEL_BSP_SCHEDULE_DELAY: '5000', ...setting.env };
  const stack = await startStack({ orders: env, payment: env });
  const options = { target: new URL(stack.baseUrl), count: orders, concurrency, timeoutMs: 10_000 };
  const traffic = new LoadRun(options, () => ({ tenant: null, card: 'approved', body: sampleOrder() }));
  const { elapsedS } = await traffic.run();
  await stack.stop();
  const totals = (service: RunningService) =>
    spanTotals(service.logs().find((l) => l.msg === 'span export totals') ?? {});
  return { seconds: elapsedS, orders: totals(stack.orders), payment: totals(stack.payment) };
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
