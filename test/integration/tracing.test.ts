/**
 * The built services as real processes with the real preload, exporting real OTLP/gRPC to a receiver run here.
 * One request to POST /orders must be one trace across both services, with the tenant on every span.
 */
import { randomBytes } from 'node:crypto';
import type { ReceivedSpan } from '@otel-stack/devstack';
import { type Stack, startStack } from '@otel-stack/devstack';
import { FAKE_CUSTOMER, sampleOrder, TEST_CARDS } from 'load-generator/fixtures';
import { get, postOrder } from './harness/orders';

// Spans of one approved order: order-api's HTTP SERVER, @fastify/otel's request and handler, order.place and its
// four stages, the gRPC CLIENT; payment-service's gRPC SERVER and payment.charge. A declined or failed order has no
// persist stage.
const SPANS_PER_ORDER = 11;
const SPANS_PER_UNPAID_ORDER = 10;
const CHARGE = 'grpc.payment.v1.PaymentService/Charge';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    // payment-service would accept `evil_corp` if it ever arrived: seeing `default` there proves order-api replaced
    // the inbound tenant in the baggage it sent downstream.
    payment: { TENANTS: 'tenant_a,tenant_b,evil_corp' },
  });
});

afterAll(async () => {
  await stack?.stop();
});

function byName(spans: ReceivedSpan[], service: string, name: string): ReceivedSpan {
  const found = spans.filter((s) => s.service === service && s.name === name);
  if (found.length !== 1) throw new Error(`expected one ${service} span "${name}", found ${found.length}`);
  return found[0] as ReceivedSpan;
}

/** The chain from a span up to the root of its trace, as "service kind name" strings. */
function ancestry(spans: ReceivedSpan[], leaf: ReceivedSpan): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain: string[] = [];
  for (let s: ReceivedSpan | undefined = leaf; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) {
    chain.unshift(`${s.service} ${s.kind} ${s.name}`);
  }
  return chain;
}

describe('one order is one trace across both services', () => {
  let spans: ReceivedSpan[];
  let traceId: string;

  beforeAll(async () => {
    const res = await postOrder(stack.baseUrl, sampleOrder(), { baggage: 'tenant_id=tenant_b' });
    expect(res.status).toBe(201);
    traceId = String(res.body.traceId);
    spans = await stack.receiver.waitForTrace(traceId, SPANS_PER_ORDER);
  });

  it('returns the trace ID and exports spans from both services under it', () => {
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['order-api', 'payment-service']));
    expect(spans).toHaveLength(SPANS_PER_ORDER);
  });

  it('chains HTTP SERVER -> business span -> gRPC CLIENT -> gRPC SERVER -> charge span', () => {
    const charge = byName(spans, 'payment-service', 'payment.charge');
    expect(ancestry(spans, charge)).toEqual([
      'order-api SERVER POST /orders',
      'order-api INTERNAL request',
      'order-api INTERNAL handler - ordersRoutes',
      'order-api INTERNAL order.place',
      'order-api INTERNAL order.charge',
      `order-api CLIENT ${CHARGE}`,
      `payment-service SERVER ${CHARGE}`,
      'payment-service INTERNAL payment.charge',
    ]);
    const root = byName(spans, 'order-api', 'POST /orders');
    expect(root.parentSpanId).toBeUndefined();
  });

  it('runs the order as sequential stages under order.place, each ending before the next starts', () => {
    const order = byName(spans, 'order-api', 'order.place');
    const stages = spans
      .filter((s) => s.parentSpanId === order.spanId)
      .sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1));
    expect(stages.map((s) => s.name)).toEqual(['order.validate', 'order.price', 'order.charge', 'order.persist']);
    // OTel JS stamps span starts with millisecond precision: allow 1 ms of apparent overlap.
    const toleranceNs = 1_000_000n;
    for (let i = 1; i < stages.length; i++) {
      const previous = stages[i - 1] as ReceivedSpan;
      const previousEnd = previous.startTimeUnixNano + BigInt(Math.round(previous.durationMs * 1e6));
      expect((stages[i] as ReceivedSpan).startTimeUnixNano + toleranceNs).toBeGreaterThanOrEqual(previousEnd);
    }
    expect(byName(spans, 'order-api', 'order.price').attributes['order.amount_cents']).toBe('2500');
  });

  it('puts tenant.id on every span of both services', () => {
    for (const span of spans)
      expect([span.service, span.name, span.attributes['tenant.id']]).toEqual([span.service, span.name, 'tenant_b']);
  });

  it('records the business attributes, PII included on purpose for the collector to mask', () => {
    const order = byName(spans, 'order-api', 'order.place');
    // The receiver reports int64 attribute values as decimal strings.
    expect(order.attributes).toMatchObject({
      'order.amount_cents': '2500',
      'order.item_count': '1',
      'order.currency': 'USD',
      'order.status': 'paid',
      'user.email': FAKE_CUSTOMER.email,
      'payment.card.number': TEST_CARDS.approved,
    });
    expect(order.attributes['order.id']).toMatch(/^ord_/);
    const charge = byName(spans, 'payment-service', 'payment.charge');
    expect(charge.attributes).toMatchObject({
      'payment.outcome': 'approved',
      'payment.card.number': TEST_CARDS.approved,
    });
    expect(charge.attributes['order.id']).toBe(order.attributes['order.id']);
  });

  it('describes each service in its resource', () => {
    const resource = byName(spans, 'order-api', 'POST /orders').resource;
    expect(resource).toMatchObject({ 'service.name': 'order-api', 'service.version': '0.1.0' });
    expect(resource['deployment.environment.name']).toEqual(expect.any(String));
  });

  it('writes JSON logs that carry the trace ID and never the card number or email', () => {
    const lines = stack.orders.logs().filter((l) => l.trace_id === traceId);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => typeof l.span_id === 'string')).toBe(true);
    const paymentLines = stack.payment.logs().filter((l) => l.trace_id === traceId);
    expect(paymentLines.length).toBeGreaterThan(0);
    const everything = [...stack.orders.output, ...stack.payment.output].join('\n');
    expect(everything).not.toContain(TEST_CARDS.approved);
    expect(everything).not.toContain(FAKE_CUSTOMER.email);
  });
});

describe('W3C trace context', () => {
  it('continues the caller trace: the SERVER span is a child of the inbound traceparent', async () => {
    const callerTrace = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const res = await postOrder(stack.baseUrl, sampleOrder(), { traceparent: `00-${callerTrace}-${callerSpan}-01` });
    expect(res.status).toBe(201);
    expect(res.body.traceId).toBe(callerTrace);
    const spans = await stack.receiver.waitForTrace(callerTrace, SPANS_PER_ORDER);
    expect(byName(spans, 'order-api', 'POST /orders').parentSpanId).toBe(callerSpan);
  });
});

describe('tenant resolution from baggage', () => {
  it.each([
    ['an allow-listed tenant', 'tenant_id=tenant_a', 'tenant_a'],
    ['an allow-listed tenant among other entries', 'session=s-1,tenant_id=tenant_b;prop=1', 'tenant_b'],
    ['an unknown tenant', 'tenant_id=evil_corp', 'default'],
    ['no tenant entry', 'session=s-1', 'default'],
    ['no baggage at all', undefined, 'default'],
  ])('%s (baggage: %s) -> %s on every span of both services', async (_, baggage, expected) => {
    const res = await postOrder(stack.baseUrl, sampleOrder(), baggage ? { baggage } : {});
    expect(res.status).toBe(201);
    const spans = await stack.receiver.waitForTrace(String(res.body.traceId), SPANS_PER_ORDER);
    const tenants = spans.map((s) => `${s.service}/${s.name}=${String(s.attributes['tenant.id'])}`);
    expect(tenants).toEqual(spans.map((s) => `${s.service}/${s.name}=${expected}`));
    // payment-service (which would accept evil_corp) derives its tenant from the baggage it received.
    expect(byName(spans, 'payment-service', 'payment.charge').attributes['tenant.id']).toBe(expected);
  });

  it('stores the effective tenant with the order', async () => {
    const res = await postOrder(stack.baseUrl, sampleOrder(), { baggage: 'tenant_id=tenant_a' });
    // Read as the tenant that placed it (any other tenant gets 404: tenant-spoofing.test.ts).
    const stored = await get(stack.baseUrl, `/orders/${String(res.body.orderId)}`, { baggage: 'tenant_id=tenant_a' });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ tenant: 'tenant_a', cardLast4: '4242', status: 'paid' });
    expect(JSON.stringify(stored.body)).not.toContain(TEST_CARDS.approved);
  });
});

describe('outcomes on spans', () => {
  it('a declined card answers 402 and marks no span as an error', async () => {
    const res = await postOrder(stack.baseUrl, sampleOrder(TEST_CARDS.declined), { baggage: 'tenant_id=tenant_a' });
    expect(res.status).toBe(402);
    expect(res.body).toEqual({ error: { code: 'payment_declined', message: 'payment declined: card_declined' } });
    // The 402 response carries no traceId; find the trace through the declined order span.
    const order = await waitForSpan((s) => s.name === 'order.place' && s.attributes['order.status'] === 'declined');
    const spans = await stack.receiver.waitForTrace(order.traceId, SPANS_PER_UNPAID_ORDER);
    expect(spans.filter((s) => s.status === 'ERROR')).toEqual([]);
    expect(spans.filter((s) => s.name === 'order.persist')).toEqual([]);
    expect(byName(spans, 'payment-service', 'payment.charge').attributes).toMatchObject({
      'payment.outcome': 'declined',
      'payment.decline_reason': 'card_declined',
    });
  });

  it('a processor failure answers 502, with ERROR status and exception events where it happened', async () => {
    const callerTrace = randomBytes(16).toString('hex');
    const res = await postOrder(stack.baseUrl, sampleOrder(TEST_CARDS.failing), {
      traceparent: `00-${callerTrace}-${randomBytes(8).toString('hex')}-01`,
    });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ error: { code: 'payment_error', message: 'payment failed' } });
    const spans = await stack.receiver.waitForTrace(callerTrace, SPANS_PER_UNPAID_ORDER);
    const status = (service: string, name: string) => byName(spans, service, name).status;
    expect(status('order-api', 'order.charge')).toBe('ERROR');
    expect(spans.filter((s) => s.name === 'order.persist')).toEqual([]);
    expect(status('payment-service', 'payment.charge')).toBe('ERROR');
    expect(status('payment-service', CHARGE)).toBe('ERROR');
    expect(status('order-api', CHARGE)).toBe('ERROR');
    expect(status('order-api', 'order.place')).toBe('ERROR');
    expect(status('order-api', 'POST /orders')).toBe('ERROR');
    for (const [service, name] of [
      ['payment-service', 'payment.charge'],
      ['order-api', 'order.place'],
    ] as const) {
      const events = byName(spans, service, name).events.filter((e) => e.name === 'exception');
      expect(events).toHaveLength(1);
      expect(String(events[0]?.attributes['exception.message'])).toMatch(/payment processor error/);
    }
  });
});

describe('health routes', () => {
  it('produce no spans, neither HTTP nor the gRPC health check behind /readyz', async () => {
    const before = stack.receiver.spans.length;
    expect((await get(stack.baseUrl, '/healthz')).status).toBe(200);
    expect((await get(stack.baseUrl, '/readyz')).body).toEqual({ status: 'ready' });
    // A marker request after the probes: once its spans arrive, any probe spans would have arrived too.
    const marker = await postOrder(stack.baseUrl);
    await stack.receiver.waitForTrace(String(marker.body.traceId), SPANS_PER_ORDER);
    const newSpans = stack.receiver.spans.slice(before).filter((s) => s.traceId !== marker.body.traceId);
    expect(newSpans.map((s) => `${s.service}/${s.name}`)).toEqual([]);
  });
});

async function waitForSpan(predicate: (s: ReceivedSpan) => boolean, timeoutMs = 10_000): Promise<ReceivedSpan> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = stack.receiver.spans.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('span not found');
    await new Promise((r) => setTimeout(r, 50));
  }
}
