// The masking rules of collector/otel-collector.yaml, run by the real collector: every vector is sent over OTLP
// straight into our collector distribution as a span, span-event or resource attribute (or span name / status
// message) and read back from the tenant's Jaeger exactly as stored.
import { createHash } from 'node:crypto';
import {
  attr,
  type Pipeline,
  type ResourceSpec,
  randomSpanId,
  randomTraceId,
  type SpanSpec,
  type StoredSpan,
  sendOtlpJson,
  startPipeline,
  sumOf,
} from '@otel-stack/devstack';
import { waitForTraces } from '../../test/pipeline/harness/traces';
import { CARD_VECTORS, EMAIL_VECTORS, UNTOUCHED_VECTORS, type Vector } from './vectors';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
type Value = string | number | boolean;

/** One case: a span (in a resource of its own) and what to read back from it. */
interface Case {
  readonly label: string;
  readonly resource?: Record<string, Value>;
  readonly span: Omit<SpanSpec, 'traceId' | 'spanId'>;
  readonly read: (span: StoredSpan) => unknown;
  readonly expected: unknown;
}

const VECTORS = [...CARD_VECTORS, ...EMAIL_VECTORS, ...UNTOUCHED_VECTORS];

function vectorCase(v: Vector, input = v.input): Case {
  const key = v.key ?? 'value';
  const label = `${v.where}: ${v.name}`;
  switch (v.where) {
    case 'span':
      return {
        label,
        span: { name: 'vector', attributes: { [key]: input } },
        read: (s) => attr(s.attributes, key),
        expected: v.expected,
      };
    case 'event':
      return {
        label,
        span: { name: 'vector', events: [{ name: 'exception', attributes: { [key]: input } }] },
        read: (s) => attr(s.events?.[0]?.attributes, key),
        expected: v.expected,
      };
    case 'resource':
      return {
        label,
        resource: { [key]: input },
        span: { name: 'vector' },
        read: (s) => attr(s.resource, key),
        expected: v.expected,
      };
    case 'status':
      return {
        label,
        span: { name: 'vector', status: { code: 2, message: input } },
        read: (s) => s.status?.message,
        expected: v.expected,
      };
    case 'name':
      return { label, span: { name: input }, read: (s) => s.name, expected: v.expected };
  }
}

const card = (input: Value, expected: string): Case => ({
  label: `payment.card.number ${JSON.stringify(input)} -> ${expected}`,
  span: { name: 'charge', attributes: { 'payment.card.number': input } },
  read: (s) => attr(s.attributes, 'payment.card.number'),
  expected,
});

const NAMED_CASES: Case[] = [
  card('4242424242424242', '****4242'),
  card('4242 4242 4242 4242', '****4242'),
  card('4242-4242-4242-4242', '****4242'),
  card('378282246310005', '****0005'),
  card('6011000990139424123', '****4123'),
  card('1732441234567890123', '****0123'), // the named attribute is masked whatever the digits look like
  card('****4242', '****4242'), // already masked: unchanged
  card('123', '****'), // fewer than four digits: nothing of it is kept
  card('', '****'),
  card('n/a', '****'),
  card(4242424242424242, '****4242'), // an int is stringified first
  {
    label: 'payment.card.number on a span event',
    span: {
      name: 'charge',
      events: [{ name: 'charge', attributes: { 'payment.card.number': '4000 0000 0000 0002' } }],
    },
    read: (s) => attr(s.events?.[0]?.attributes, 'payment.card.number'),
    expected: '****0002',
  },
  {
    label: 'payment.card.number on the resource',
    resource: { 'payment.card.number': '4000000000009995' },
    span: { name: 'charge' },
    read: (s) => attr(s.resource, 'payment.card.number'),
    expected: '****9995',
  },
  {
    label: 'user.email removed, user.hash = SHA-256 of the lowercased email',
    span: { name: 'order', attributes: { 'user.email': 'Ada@Example.com' } },
    read: (s) => ({ email: attr(s.attributes, 'user.email'), hash: attr(s.attributes, 'user.hash') }),
    expected: { email: undefined, hash: sha256('ada@example.com') },
  },
  {
    label: 'user.email on a span event',
    span: { name: 'login', events: [{ name: 'login', attributes: { 'user.email': 'grace@example.org' } }] },
    read: (s) => s.events?.[0]?.attributes?.map((a) => [a.key, a.value.stringValue]),
    expected: [['user.hash', sha256('grace@example.org')]],
  },
  {
    label: 'user.email on the resource',
    resource: { 'user.email': 'ops@example.com' },
    span: { name: 'order' },
    read: (s) => ({ email: attr(s.resource, 'user.email'), hash: attr(s.resource, 'user.hash') }),
    expected: { email: undefined, hash: sha256('ops@example.com') },
  },
  {
    label: 'a non-string user.email is removed without a hash (and without an error)',
    span: { name: 'order', attributes: { 'user.email': 42 } },
    read: (s) => s.attributes?.filter((a) => a.key.startsWith('user.')),
    expected: [],
  },
  {
    label: 'a span without user.email gets no user.hash',
    span: { name: 'order', attributes: { 'order.id': 'ord_1' } },
    read: (s) => attr(s.attributes, 'user.hash'),
    expected: undefined,
  },
  // Spans with and without events in one request: every rule must apply to each span, not once per event.
  {
    label: 'a span with events and one without, side by side: both masked',
    span: {
      name: 'with-events',
      attributes: { 'payment.card.number': '4242424242424242', note: 'card 4000 0000 0000 0002' },
      events: [
        { name: 'e', attributes: {} },
        { name: 'f', attributes: {} },
      ],
    },
    read: (s) => [attr(s.attributes, 'payment.card.number'), attr(s.attributes, 'note')],
    expected: ['****4242', 'card ****0002'],
  },
];

/** Sends every case as one span of one trace (each in its own resource), returns each case's stored span. */
async function runThroughCollector(pipeline: Pipeline, cases: readonly Case[]): Promise<StoredSpan[]> {
  const traceId = randomTraceId();
  const spanIds = cases.map(() => randomSpanId());
  const resources: ResourceSpec[] = cases.map((c, i) => ({
    resource: { 'service.name': 'masking-vectors', ...c.resource },
    spans: [{ ...c.span, traceId, spanId: spanIds[i], attributes: { 'tenant.id': 'tenant_a', ...c.span.attributes } }],
  }));
  await sendOtlpJson(pipeline.collector.otlpHttpUrl, resources);
  const stored = (
    await waitForTraces(pipeline.jaegers.tenant_a, [traceId], (spans) => spans.length === cases.length)
  ).get(traceId);
  return spanIds.map((id) => {
    const span = stored?.find((s) => s.spanId === id);
    if (!span) throw new Error(`span ${id} missing`);
    return span;
  });
}

let pipeline: Pipeline;
const CASES = [...VECTORS.map((v) => vectorCase(v)), ...NAMED_CASES];
let firstPass: unknown[];
let secondPass: unknown[];

beforeAll(async () => {
  pipeline = await startPipeline({ services: false });
  const stored = await runThroughCollector(pipeline, CASES);
  firstPass = stored.map((span, i) => CASES[i]?.read(span));
  // The collector's output sent through it again: masking twice must give the same result as once.
  const again = VECTORS.map((v, i) => vectorCase(v, String(firstPass[i])));
  secondPass = (await runThroughCollector(pipeline, again)).map((span, i) => again[i]?.read(span));
}, 120_000);

afterAll(() => pipeline?.stop());

describe('masking vectors through the real collector', () => {
  it('has at least 30 vectors covering cards, emails and values that must stay untouched', () => {
    expect(CARD_VECTORS.length).toBeGreaterThanOrEqual(15);
    expect(EMAIL_VECTORS.length).toBeGreaterThanOrEqual(5);
    expect(UNTOUCHED_VECTORS.length).toBeGreaterThanOrEqual(10);
  });

  it.each(CASES.map((c, i) => [c.label, i] as const))('%s', (_label, i) => {
    expect(firstPass[i]).toEqual(CASES[i]?.expected);
  });

  it.each(VECTORS.map((v, i) => [`${v.where}: ${v.name}`, i] as const))('is idempotent: %s', (_label, i) => {
    expect(secondPass[i]).toEqual(firstPass[i]);
  });

  it('nothing was refused or failed on the way', async () => {
    const metrics = await pipeline.collector.metrics();
    expect(sumOf(metrics, 'otelcol_receiver_accepted_spans')).toBe(CASES.length + VECTORS.length);
    expect(sumOf(metrics, 'otelcol_receiver_refused_spans')).toBe(0);
    expect(sumOf(metrics, 'otelcol_processor_tail_sampling_sampling_policy_evaluation_error')).toBe(0);
  });
});
