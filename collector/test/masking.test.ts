// Executes the masking statements READ FROM collector/otel-collector.yaml (with an RE2 engine and Go's
// replacement semantics) against sample spans: specific rules, the catch-all corpus and a realistic order span.
import { createHash } from 'node:crypto';
import type { Attributes, ResourceSpans, Span } from './lib/evaluator';
import { emptySpan, mask, maskingStatements, resourceSpans } from './lib/pipeline';
import { CARD_VECTORS, EMAIL_VECTORS, UNTOUCHED_VECTORS, type Vector } from './vectors';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

function place(v: Vector): ResourceSpans[] {
  const span = emptySpan();
  const resource: Attributes = {};
  const key = v.key ?? 'value';
  if (v.where === 'span') span.attributes[key] = v.input;
  if (v.where === 'event') span.events.push({ name: 'exception', attributes: { [key]: v.input } });
  if (v.where === 'resource') resource[key] = v.input;
  if (v.where === 'status') span.status = { code: 2, message: v.input };
  if (v.where === 'name') span.name = v.input;
  return resourceSpans([span], resource);
}

function read(v: Vector, data: ResourceSpans[]): unknown {
  const rs = data[0];
  const span = rs?.spans[0];
  const key = v.key ?? 'value';
  if (v.where === 'span') return span?.attributes[key];
  if (v.where === 'event') return span?.events[0]?.attributes[key];
  if (v.where === 'resource') return rs?.resource.attributes[key];
  if (v.where === 'status') return span?.status.message;
  return span?.name;
}

describe('masking corpus (catch-all rules)', () => {
  const statements = maskingStatements();
  const all = [...CARD_VECTORS, ...EMAIL_VECTORS, ...UNTOUCHED_VECTORS];

  it('has at least 30 vectors covering cards, emails and values that must stay untouched', () => {
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(CARD_VECTORS.length).toBeGreaterThanOrEqual(15);
    expect(EMAIL_VECTORS.length).toBeGreaterThanOrEqual(5);
    expect(UNTOUCHED_VECTORS.length).toBeGreaterThanOrEqual(10);
  });

  it.each(all.map((v) => [`${v.where}: ${v.name}`, v] as const))('%s', (_label, v) => {
    expect(read(v, mask(place(v), statements))).toBe(v.expected);
  });

  it.each(all.map((v) => [`${v.where}: ${v.name}`, v] as const))('is idempotent: %s', (_label, v) => {
    const once = read(v, mask(place(v), statements));
    const data = place(v);
    mask(data, statements);
    mask(data, statements);
    expect(read(v, data)).toBe(once);
  });
});

describe('payment.card.number', () => {
  const statements = maskingStatements();
  const cardOn = (value: Attributes[string]): unknown => {
    const span = emptySpan();
    span.attributes['payment.card.number'] = value;
    return mask(resourceSpans([span]), statements)[0]?.spans[0]?.attributes['payment.card.number'];
  };

  it.each([
    ['4242424242424242', '****4242'],
    ['4242 4242 4242 4242', '****4242'],
    ['4242-4242-4242-4242', '****4242'],
    ['378282246310005', '****0005'],
    ['6011000990139424123', '****4123'],
    ['1732441234567890123', '****0123'], // the named attribute is masked whatever the digits look like
    ['****4242', '****4242'], // already masked: unchanged
    ['123', '****'], // fewer than four digits: nothing of it is kept
    ['', '****'],
    ['n/a', '****'],
  ])('%j becomes %j', (input, expected) => {
    expect(cardOn(input)).toBe(expected);
  });

  it('an int-typed card number is stringified and masked', () => {
    expect(cardOn(4242424242424242)).toBe('****4242');
  });

  it('is masked on span events and on the resource too', () => {
    const span = emptySpan();
    span.events.push({ name: 'charge', attributes: { 'payment.card.number': '4000 0000 0000 0002' } });
    const [rs] = mask(resourceSpans([span], { 'payment.card.number': '4000000000009995' }), statements);
    expect(rs?.spans[0]?.events[0]?.attributes['payment.card.number']).toBe('****0002');
    expect(rs?.resource.attributes['payment.card.number']).toBe('****9995');
  });
});

describe('user.email', () => {
  const statements = maskingStatements();

  it('is removed and user.hash is the lowercase hex SHA-256 of the lowercased email', () => {
    const span = emptySpan();
    span.attributes['user.email'] = 'Ada@Example.com';
    const attrs = mask(resourceSpans([span]), statements)[0]?.spans[0]?.attributes ?? {};
    expect(attrs).not.toHaveProperty('user.email');
    expect(attrs['user.hash']).toBe(sha256('ada@example.com'));
    expect(attrs['user.hash']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is removed and hashed on span events and on the resource too', () => {
    const span = emptySpan();
    span.events.push({ name: 'login', attributes: { 'user.email': 'grace@example.org' } });
    const [rs] = mask(resourceSpans([span], { 'user.email': 'ops@example.com' }), statements);
    expect(rs?.spans[0]?.events[0]?.attributes).toEqual({ 'user.hash': sha256('grace@example.org') });
    expect(rs?.resource.attributes).toEqual({ 'user.hash': sha256('ops@example.com') });
  });

  it('a non-string user.email is removed without a hash (and without an error)', () => {
    const span = emptySpan();
    span.attributes['user.email'] = 42;
    expect(mask(resourceSpans([span]), statements)[0]?.spans[0]?.attributes).toEqual({});
  });

  it('a span without user.email gets no user.hash', () => {
    const span = emptySpan();
    span.attributes['order.id'] = 'ord_1';
    expect(mask(resourceSpans([span]), statements)[0]?.spans[0]?.attributes).toEqual({ 'order.id': 'ord_1' });
  });
});

describe('a realistic order trace', () => {
  const EMAIL = 'ada@example.com';
  const PAN = '4242424242424242';
  const NOW_NANOS = 1732441234567890123n;

  function orderTrace(): ResourceSpans[] {
    const server: Span = {
      name: 'POST /orders',
      status: { code: 0, message: '' },
      attributes: {
        'tenant.id': 'tenant_a',
        'http.request.method': 'POST',
        'http.route': '/orders',
        'url.path': '/orders',
        'url.query': `email=${encodeURIComponent(EMAIL)}&source=web`,
        'url.full': `http://order-api:8080/orders?email=${EMAIL}`,
        'http.response.status_code': 201,
      },
      events: [],
    };
    const order: Span = {
      name: 'order.create',
      status: { code: 2, message: `payment declined for ${PAN}` },
      attributes: {
        'tenant.id': 'tenant_a',
        'user.email': EMAIL,
        'payment.card.number': PAN,
        'order.id': 'ord_7f3c9a2b4e1d4c0a',
        'order.amount_cents': 2500,
        'app.started_at_unix_nano': NOW_NANOS,
        'app.started_at_text': NOW_NANOS.toString(),
      },
      events: [
        {
          name: 'exception',
          attributes: {
            'exception.type': 'PaymentError',
            'exception.message': `card ${PAN} declined for ${EMAIL}`,
            'exception.stacktrace': `PaymentError: card ${PAN} declined\n    at charge (/app/dist/charge.js:10:5)`,
          },
        },
      ],
    };
    return resourceSpans([server, order], { 'service.name': 'order-api', 'service.version': '0.1.0' });
  }

  it('carries no raw card number or email anywhere, and keeps everything else', () => {
    const out = mask(orderTrace());
    const json = JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(json).not.toContain(PAN);
    expect(json).not.toContain(EMAIL);
    expect(json).not.toContain(encodeURIComponent(EMAIL));

    const [server, order] = out[0]?.spans ?? [];
    expect(server?.attributes['url.query']).toBe('email=[REDACTED_EMAIL]&source=web');
    expect(server?.attributes['http.response.status_code']).toBe(201);
    expect(order?.attributes['payment.card.number']).toBe('****4242');
    expect(order?.attributes['user.hash']).toBe(sha256(EMAIL));
    expect(order?.attributes['order.id']).toBe('ord_7f3c9a2b4e1d4c0a');
    expect(order?.attributes['order.amount_cents']).toBe(2500);
    expect(order?.attributes['app.started_at_unix_nano']).toBe(NOW_NANOS);
    expect(order?.attributes['app.started_at_text']).toBe(NOW_NANOS.toString());
    expect(order?.status.message).toBe('payment declined for ****4242');
    expect(order?.events[0]?.attributes['exception.message']).toBe('card ****4242 declined for [REDACTED_EMAIL]');
    expect(out[0]?.resource.attributes).toEqual({ 'service.name': 'order-api', 'service.version': '0.1.0' });
  });
});
