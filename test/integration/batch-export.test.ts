/**
 * OTEL_BSP_* honoured end to end. With a tiny queue under a burst, spans are dropped — and counted exactly: every
 * span a service ended is either exported, dropped (queue full) or failed, and the service says so in its log.
 */
import { readFileSync } from 'node:fs';
import { withStack } from '@otel-stack/devstack';
import { sampleOrder } from 'load-generator/fixtures';
import { postOrder } from './harness/orders';

const ORDER_API_SPANS_PER_ORDER = 9;

function rssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

it('drops spans when the queue is full, counts every one, stays small and exits 0', async () => {
  await withStack(
    {
      orders: { OTEL_BSP_MAX_QUEUE_SIZE: '8', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4', OTEL_BSP_SCHEDULE_DELAY: '5000' },
    },
    async (stack) => {
      const orders = 40;
      const results = await Promise.all(Array.from({ length: orders }, () => postOrder(stack.baseUrl, sampleOrder())));
      expect(results.map((r) => r.status)).toEqual(Array(orders).fill(201));
      // Linux only (/proc); the CI machines are Linux.
      expect(rssMiB(stack.orders.child.pid)).toBeLessThan(300);

      const exit = await stack.orders.terminate();
      expect(exit.code).toBe(0);
      const totals = stack.orders.logs().find((l) => l.msg === 'span export totals');
      expect(totals).toMatchObject({ dropped: expect.any(Number), exported: expect.any(Number), failed: 0 });
      const { exported, dropped } = totals as { exported: number; dropped: number };
      expect(dropped).toBeGreaterThan(0);
      expect(exported + dropped).toBe(orders * ORDER_API_SPANS_PER_ORDER);
      expect(stack.receiver.spans.filter((s) => s.service === 'order-api')).toHaveLength(exported);
    },
  );
});

it('loses nothing with the default queue under the same burst', async () => {
  await withStack({}, async (stack) => {
    const orders = 40;
    await Promise.all(Array.from({ length: orders }, () => postOrder(stack.baseUrl, sampleOrder())));
    await stack.orders.terminate();
    const totals = stack.orders.logs().find((l) => l.msg === 'span export totals');
    expect(totals).toMatchObject({ exported: orders * ORDER_API_SPANS_PER_ORDER, dropped: 0, failed: 0 });
  });
});
