/**
 * Client errors are not span errors (OpenTelemetry HTTP conventions): a request answered 4xx leaves every span of
 * its trace without status ERROR -- the SERVER span, Fastify's `request`/`handler` spans and the business spans -- and
 * says what was rejected in an event or attribute instead. A 5xx still marks them.
 */
import { type ReceivedSpan, randomTraceId, type Stack, startStack } from '@otel-stack/devstack';
import { sampleOrder, TEST_CARDS } from 'load-generator/fixtures';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

async function post(body: string, contentType: string): Promise<{ status: number; spans: ReceivedSpan[] }> {
  const traceId = randomTraceId();
  const res = await fetch(`${stack.baseUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': contentType, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    body,
  });
  await res.text();
  // The SERVER span ends last; wait for it and a moment more for its children's batch.
  const deadline = Date.now() + 10_000;
  while (!stack.receiver.trace(traceId).some((s) => s.kind === 'SERVER') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300));
  return { status: res.status, spans: stack.receiver.trace(traceId) };
}

const statuses = (spans: ReceivedSpan[]) => spans.map((s) => `${s.name}: ${s.status}`).sort();
const duplicateSku = {
  ...sampleOrder(),
  items: [
    { sku: 'BOOK-1', quantity: 1, unitPriceCents: 100 },
    { sku: 'BOOK-1', quantity: 1, unitPriceCents: 100 },
  ],
};

describe('client errors are not span errors', () => {
  it.each([
    ['415, an unsupported content type', 'hello', 'text/plain', 415],
    ['400, a schema violation', '{"customer":{}}', 'application/json', 400],
    ['400, malformed JSON', '{"customer":', 'application/json', 400],
    ['400, an order the use case rejects (a repeated SKU)', JSON.stringify(duplicateSku), 'application/json', 400],
  ])('%s: no span is ERROR', async (_label, body, contentType, expected) => {
    const { status, spans } = await post(body, contentType);
    expect(status).toBe(expected);
    expect(spans.length).toBeGreaterThan(1);
    expect(statuses(spans)).toEqual(statuses(spans).map((s) => s.replace(/: .*/, ': UNSET')));
  });

  it('the rejection is recorded: an event on the request span, the reason on the business span', async () => {
    const media = await post('hello', 'text/plain');
    const request = media.spans.find((s) => s.name === 'request');
    expect(request?.events.map((e) => e.name)).toContain('exception');
    const rejected = await post(JSON.stringify(duplicateSku), 'application/json');
    const place = rejected.spans.find((s) => s.name === 'order.place');
    expect(place?.attributes).toMatchObject({ 'order.status': 'rejected' });
    expect(String(place?.attributes['order.rejection_reason'])).toMatch(/appears more than once/);
  });

  it('a 5xx still marks the spans ERROR', async () => {
    const { status, spans } = await post(JSON.stringify(sampleOrder(TEST_CARDS.failing)), 'application/json');
    expect(status).toBe(502);
    expect(spans.filter((s) => s.status === 'ERROR').map((s) => s.name)).toEqual(
      expect.arrayContaining(['POST /orders', 'request', 'order.place']),
    );
  });
});
