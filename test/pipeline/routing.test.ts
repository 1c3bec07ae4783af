// The real pipeline end to end: both services, our collector distribution running collector/otel-collector.yaml,
// a Jaeger per backend of tenants.yaml. Orders for every kind of tenant go in; what each Jaeger holds is read back
// through its query API.
import { createHash } from 'node:crypto';
import { attr, BACKENDS, type Backend, type Pipeline, type StoredSpan, startPipeline } from '@otel-stack/devstack';
import { FALLBACK_BACKEND } from '@otel-stack/tenants';
import { FAKE_CUSTOMER, TEST_CARDS } from 'load-generator/fixtures';
import { exportedSpans, type SentOrder, sendOrder, waitForTraces } from './harness/traces';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

const FALLBACK: Backend = FALLBACK_BACKEND.id;
// tenant_id baggage -> the Jaeger its traces must land in (and only there).
const TENANTS: ReadonlyArray<[string | undefined, Backend]> = [
  ...BACKENDS.filter((b) => b !== FALLBACK).map((b): [string, Backend] => [b, b]),
  ['tenant_zz', FALLBACK], // not in TENANTS
  [undefined, FALLBACK], // no baggage at all
];
const ORDER_CARDS = [TEST_CARDS.approved, TEST_CARDS.declined, TEST_CARDS.failing];

let pipeline: Pipeline;
const sent: Array<SentOrder & { backend: Backend }> = [];
const stored = new Map<Backend, Map<string, StoredSpan[]>>();
const dumps = new Map<Backend, { json: string; traceIds: Set<string> }>();

beforeAll(async () => {
  pipeline = await startPipeline({ collector: { TAIL_SAMPLING_PERCENTAGE: '100' } });
  for (const [tenant, backend] of TENANTS) {
    for (const card of ORDER_CARDS) sent.push({ ...(await sendOrder(pipeline.baseUrl, card, tenant)), backend });
  }
  for (const backend of BACKENDS) {
    const ids = sent.filter((o) => o.backend === backend).map((o) => o.traceId);
    stored.set(backend, await waitForTraces(pipeline.jaegers[backend], ids));
  }
  for (const backend of BACKENDS) dumps.set(backend, await pipeline.jaegers[backend].dump());
}, 120_000);

afterAll(() => pipeline?.stop());

describe('tenant routing', () => {
  it('the orders got their expected answers (approved, declined, payment error)', () => {
    expect(sent.map((o) => o.status)).toEqual(TENANTS.flatMap(() => [201, 402, 502]));
  });

  it.each(BACKENDS)("jaeger %s holds exactly that backend's traces, and no span of any other", (backend) => {
    const expected = sent.filter((o) => o.backend === backend).map((o) => o.traceId);
    expect([...(dumps.get(backend)?.traceIds ?? [])].sort()).toEqual([...expected].sort());
  });

  it('every trace is whole in its Jaeger: one root, every parent present, spans of both services', () => {
    for (const backend of BACKENDS) {
      for (const spans of stored.get(backend)?.values() ?? []) {
        const ids = new Set(spans.map((s) => s.spanId));
        expect(spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId))).toHaveLength(1);
        expect(new Set(spans.map((s) => attr(s.resource, 'service.name')))).toEqual(
          new Set(['order-api', 'payment-service']),
        );
      }
    }
  });

  it('every span carries the effective tenant of its backend', () => {
    for (const backend of BACKENDS) {
      for (const spans of stored.get(backend)?.values() ?? []) {
        for (const span of spans) expect(attr(span.attributes, 'tenant.id')).toBe(backend);
      }
    }
  });
});

describe('masking, as stored in every Jaeger', () => {
  // Every form a card number of ours can take on the way, and the fake email (also percent-encoded).
  const RAW = [
    ...ORDER_CARDS.flatMap((c) => [c, c.replace(/(\d{4})(?=\d)/g, '$1 '), c.replace(/(\d{4})(?=\d)/g, '$1-')]),
    FAKE_CUSTOMER.email,
    FAKE_CUSTOMER.email.replace('@', '%40'),
  ];
  const EMAIL = /[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

  it.each(BACKENDS)('jaeger %s: no raw card number or email anywhere in the JSON of its traces', (backend) => {
    const { json } = dumps.get(backend) ?? { json: '' };
    expect(json.length).toBeGreaterThan(1000);
    for (const raw of RAW) expect(json).not.toContain(raw);
    expect(json).not.toMatch(EMAIL);
  });

  it('payment.card.number is **** + the last four digits on every span that has it, in both services', () => {
    const seen = new Set<string>();
    for (const spans of [...stored.values()].flatMap((m) => [...m.values()])) {
      for (const span of spans) {
        const card = attr(span.attributes, 'payment.card.number');
        if (card === undefined) continue;
        expect(card).toMatch(/^\*{4}\d{4}$/);
        seen.add(attr(span.resource, 'service.name') ?? '');
      }
    }
    expect(seen).toEqual(new Set(['order-api', 'payment-service']));
  });

  it('user.email is gone and user.hash is the SHA-256 of the lowercased email', () => {
    let hashed = 0;
    for (const spans of [...stored.values()].flatMap((m) => [...m.values()])) {
      for (const span of spans) {
        expect(attr(span.attributes, 'user.email')).toBeUndefined();
        const hash = attr(span.attributes, 'user.hash');
        if (hash === undefined) continue;
        expect(hash).toBe(sha256(FAKE_CUSTOMER.email.toLowerCase()));
        hashed++;
      }
    }
    expect(hashed).toBe(sent.length);
  });
});

describe('nothing lost', () => {
  it("every span the services exported is in a Jaeger (the SDKs' own totals)", async () => {
    const orders = pipeline.orders;
    const payment = pipeline.payment;
    if (!orders || !payment) throw new Error('services not started');
    await Promise.all([orders.terminate(), payment.terminate()]);
    const exported = exportedSpans(orders.logs()) + exportedSpans(payment.logs());
    expect(await pipeline.drained()).toBe(true);
    let storedSpans = 0;
    for (const backend of BACKENDS) {
      for (const id of dumps.get(backend)?.traceIds ?? [])
        storedSpans += (await pipeline.jaegers[backend].trace(id))?.length ?? 0;
    }
    expect(storedSpans).toBe(exported);
  });
});
