/**
 * Head sampling is standard configuration: a parent-based ratio sampler follows the caller's sampled flag in
 * both services, so a trace is kept or dropped as a whole, never half.
 */
import { randomBytes } from 'node:crypto';
import { withStack } from '@otel-stack/devstack';
import { sampleOrder } from 'load-generator/fixtures';
import { postOrder } from './harness/orders';

it('parentbased_traceidratio at 0 keeps exactly the traces whose caller sampled them, in both services', async () => {
  const sampler = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' };
  await withStack({ payment: sampler, orders: sampler }, async (stack) => {
    const traceparent = (flags: '00' | '01') => {
      const traceId = randomBytes(16).toString('hex');
      return { traceId, header: `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}` };
    };
    const sampled = traceparent('01');
    const notSampled = traceparent('00');
    expect((await postOrder(stack.baseUrl, sampleOrder(), { traceparent: sampled.header })).status).toBe(201);
    expect((await postOrder(stack.baseUrl, sampleOrder(), { traceparent: notSampled.header })).status).toBe(201);
    const root = await postOrder(stack.baseUrl, sampleOrder());
    expect(root.status).toBe(201);

    // Shutting down flushes everything either service kept.
    await Promise.all([stack.orders.terminate(), stack.payment.terminate()]);
    const services = (traceId: string) => new Set(stack.receiver.trace(traceId).map((s) => s.service));
    expect(stack.receiver.trace(sampled.traceId)).toHaveLength(11);
    expect(services(sampled.traceId)).toEqual(new Set(['order-api', 'payment-service']));
    expect(stack.receiver.trace(notSampled.traceId)).toHaveLength(0);
    // A root request with ratio 0 is not sampled: nothing from either service (the response still names its trace).
    expect(stack.receiver.trace(String(root.body.traceId))).toHaveLength(0);
    expect(stack.receiver.spans.map((s) => s.traceId)).toEqual(stack.receiver.spans.map(() => sampled.traceId));
  });
});
