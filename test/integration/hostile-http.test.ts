/**
 * Hostile input over real HTTP against the real services with the real telemetry preload (so header parsing by
 * the propagators is exercised too). Every case gets the right answer in the error envelope — never a 500, never a
 * crash — and the service still answers its health check afterwards.
 */
import http from 'node:http';
import { type Stack, startStack } from '@otel-stack/devstack';
import { FAKE_CUSTOMER, sampleOrder } from 'load-generator/fixtures';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** A raw request with full control of method, path, headers and body bytes. */
function send(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        agent: false,
        method: options.method ?? 'POST',
        path: options.path ?? '/orders',
        // A JSON content type whenever there is a body, unless the case says otherwise.
        headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const valid = sampleOrder();
const json = (value: unknown) => JSON.stringify(value);
const withItem = (item: Record<string, unknown>) => json({ ...valid, items: [{ ...valid.items[0], ...item }] });
const withCustomer = (customer: Record<string, unknown>) =>
  json({ ...valid, customer: { ...valid.customer, ...customer } });
const withPayment = (payment: Record<string, unknown>) => json({ ...valid, payment: { ...valid.payment, ...payment } });
const validBody = json(valid);
const tp = (traceId: string, spanId = '00f067aa0ba902b7', flags = '01', version = '00') =>
  `${version}-${traceId}-${spanId}-${flags}`;

type Case = [name: string, request: Parameters<typeof send>[1], status: number, code?: string];

const BODY_CASES: Case[] = [
  ['malformed JSON', { body: '{"customer": ' }, 400, 'invalid_request'],
  ['JSON with a trailing comma', { body: '{"customer": {},}' }, 400, 'invalid_request'],
  ['a JSON array', { body: '[]' }, 400, 'invalid_request'],
  ['a JSON string', { body: '"order"' }, 400, 'invalid_request'],
  ['JSON null', { body: 'null' }, 400, 'invalid_request'],
  ['an empty body', { body: '' }, 400, 'invalid_request'],
  ['missing customer', { body: json({ ...valid, customer: undefined }) }, 400, 'invalid_request'],
  ['missing items', { body: json({ ...valid, items: undefined }) }, 400, 'invalid_request'],
  ['missing payment', { body: json({ ...valid, payment: undefined }) }, 400, 'invalid_request'],
  ['customer id empty', { body: withCustomer({ id: '' }) }, 400, 'invalid_request'],
  ['customer id with spaces and quotes', { body: withCustomer({ id: `a b'"` }) }, 400, 'invalid_request'],
  ['customer id as a number', { body: withCustomer({ id: 42 }) }, 400, 'invalid_request'],
  ['customer id as an object', { body: withCustomer({ id: { $gt: '' } }) }, 400, 'invalid_request'],
  ['email not an email', { body: withCustomer({ email: 'ada' }) }, 400, 'invalid_request'],
  [
    'email of 300 characters',
    { body: withCustomer({ email: `${'a'.repeat(290)}@example.com` }) },
    400,
    'invalid_request',
  ],
  ['no items', { body: json({ ...valid, items: [] }) }, 400, 'invalid_request'],
  ['zero quantity', { body: withItem({ quantity: 0 }) }, 400, 'invalid_request'],
  ['negative quantity', { body: withItem({ quantity: -2 }) }, 400, 'invalid_request'],
  ['huge quantity', { body: withItem({ quantity: 1e12 }) }, 400, 'invalid_request'],
  ['fractional quantity', { body: withItem({ quantity: 1.5 }) }, 400, 'invalid_request'],
  ['quantity as a string', { body: withItem({ quantity: '2' }) }, 400, 'invalid_request'],
  ['quantity null', { body: withItem({ quantity: null }) }, 400, 'invalid_request'],
  ['zero price', { body: withItem({ unitPriceCents: 0 }) }, 400, 'invalid_request'],
  ['negative price', { body: withItem({ unitPriceCents: -1250 }) }, 400, 'invalid_request'],
  ['huge price', { body: withItem({ unitPriceCents: 1e15 }) }, 400, 'invalid_request'],
  ['price beyond safe integers', { body: withItem({ unitPriceCents: 2 ** 53 + 2 }) }, 400, 'invalid_request'],
  [
    'an order total beyond safe integers',
    {
      body: json({
        ...valid,
        items: Array.from({ length: 100 }, (_, i) => ({ sku: `S${i}`, quantity: 1e6, unitPriceCents: 9e9 })),
      }),
    },
    400,
    'invalid_request',
  ],
  [
    '10,000 items',
    {
      body: json({
        ...valid,
        items: Array.from({ length: 10_000 }, (_, i) => ({ sku: `S${i}`, quantity: 1, unitPriceCents: 1 })),
      }),
    },
    413,
    'payload_too_large',
  ],
  [
    '101 items (under the size limit)',
    {
      body: json({
        ...valid,
        items: Array.from({ length: 101 }, (_, i) => ({ sku: `S${i}`, quantity: 1, unitPriceCents: 1 })),
      }),
    },
    400,
    'invalid_request',
  ],
  ['the same SKU twice', { body: json({ ...valid, items: [valid.items[0], valid.items[0]] }) }, 400, 'invalid_request'],
  ['deeply nested arrays', { body: `${'['.repeat(5000)}${']'.repeat(5000)}` }, 400, 'invalid_request'],
  [
    'deeply nested objects in a field',
    { body: withCustomer({ id: JSON.parse(`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`) }) },
    400,
    'invalid_request',
  ],
  ['an unknown field', { body: json({ ...valid, discount: 100 }) }, 400, 'invalid_request'],
  ['__proto__ pollution', { body: `{"__proto__": {"admin": true}, ${validBody.slice(1)}` }, 400, 'invalid_request'],
  [
    'constructor.prototype pollution',
    { body: `{"constructor": {"prototype": {"admin": true}}, ${validBody.slice(1)}` },
    400,
    'invalid_request',
  ],
  ['card with letters', { body: withPayment({ cardNumber: '4242abcd42424242' }) }, 400, 'invalid_request'],
  ['card with spaces', { body: withPayment({ cardNumber: '4242 4242 4242 4242' }) }, 400, 'invalid_request'],
  ['card too short', { body: withPayment({ cardNumber: '42424242' }) }, 400, 'invalid_request'],
  ['card too long', { body: withPayment({ cardNumber: '4'.repeat(25) }) }, 400, 'invalid_request'],
  ['card as a number', { body: withPayment({ cardNumber: 4242424242424242 }) }, 400, 'invalid_request'],
  ['currency in lower case', { body: withPayment({ currency: 'usd' }) }, 400, 'invalid_request'],
  ['currency of four letters', { body: withPayment({ currency: 'USDT' }) }, 400, 'invalid_request'],
  ['a currency that is not ISO 4217', { body: withPayment({ currency: 'XYZ' }) }, 400, 'invalid_request'],
  ['an emoji in the SKU', { body: withItem({ sku: 'BOOK-😀' }) }, 400, 'invalid_request'],
  ['a right-to-left override in the customer id', { body: withCustomer({ id: 'c\u202E42' }) }, 400, 'invalid_request'],
  ['a NUL byte in the SKU', { body: withItem({ sku: 'BOOK\u00001' }) }, 400, 'invalid_request'],
  [
    'a lone surrogate in the customer id',
    { body: `${validBody.replace(`"${FAKE_CUSTOMER.id}"`, '"c\\ud800"')}` },
    400,
    'invalid_request',
  ],
  [
    'invalid UTF-8 bytes',
    { body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
    400,
    'invalid_request',
  ],
  ['a body over the limit', { body: json({ ...valid, pad: 'x'.repeat(300_000) }) }, 413, 'payload_too_large'],
];

const CONTENT_TYPE_CASES: Case[] = [
  ['text/plain', { headers: { 'content-type': 'text/plain' }, body: validBody }, 415, 'unsupported_media_type'],
  ['no content type', { headers: { 'content-type': '' }, body: validBody }, 415, 'unsupported_media_type'],
  [
    'application/xml',
    { headers: { 'content-type': 'application/xml' }, body: '<order/>' },
    415,
    'unsupported_media_type',
  ],
  [
    'form data',
    { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' },
    415,
    'unsupported_media_type',
  ],
  [
    'multipart',
    { headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' },
    415,
    'unsupported_media_type',
  ],
];

const PATH_CASES: Case[] = [
  ['GET an unknown order', { method: 'GET', path: '/orders/ord_unknown' }, 404, 'not_found'],
  ['GET an order ID with a NUL', { method: 'GET', path: '/orders/ord%00x' }, 400, 'invalid_request'],
  ['GET a path traversal', { method: 'GET', path: '/orders/..%2F..%2Fetc%2Fpasswd' }, 400, 'invalid_request'],
  ['GET an order ID of 65 characters', { method: 'GET', path: `/orders/${'a'.repeat(65)}` }, 400, 'invalid_request'],
  [
    'GET an order ID of 1000 characters',
    { method: 'GET', path: `/orders/${'a'.repeat(1000)}` },
    400,
    'invalid_request',
  ],
  ['GET an emoji order ID', { method: 'GET', path: '/orders/%F0%9F%98%80' }, 400, 'invalid_request'],
  ['GET a malformed percent-encoding', { method: 'GET', path: '/orders/%ZZ' }, 400, 'invalid_request'],
  ['GET an order ID with a quote', { method: 'GET', path: "/orders/ord_'or'1'='1" }, 400, 'invalid_request'],
  ['PUT /orders', { method: 'PUT', path: '/orders', body: validBody }, 405, 'method_not_allowed'],
  ['DELETE an order', { method: 'DELETE', path: '/orders/ord_x' }, 405, 'method_not_allowed'],
  ['GET a path that does not exist', { method: 'GET', path: '/admin' }, 404, 'not_found'],
];

// Trace context and baggage are hints: invalid ones are ignored (a new trace, the default tenant), the order goes
// through. Headers beyond Node's 16 KiB limit are refused with 431.
const HEADER_CASES: Case[] = [
  ['a garbage traceparent', { headers: { traceparent: 'garbage' }, body: validBody }, 201],
  ['an all-zero trace ID', { headers: { traceparent: tp('0'.repeat(32)) }, body: validBody }, 201],
  [
    'an all-zero span ID',
    { headers: { traceparent: tp('4bf92f3577b34da6a3ce929d0e0e4736', '0'.repeat(16)) }, body: validBody },
    201,
  ],
  [
    'traceparent version ff',
    {
      headers: { traceparent: tp('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', '01', 'ff') },
      body: validBody,
    },
    201,
  ],
  [
    'an upper-case traceparent',
    { headers: { traceparent: tp('4BF92F3577B34DA6A3CE929D0E0E4736') }, body: validBody },
    201,
  ],
  ['an 8 KiB traceparent', { headers: { traceparent: `00-${'a'.repeat(8192)}` }, body: validBody }, 201],
  [
    'a garbage tracestate',
    { headers: { traceparent: tp('4bf92f3577b34da6a3ce929d0e0e4736'), tracestate: '=,=,,;;' }, body: validBody },
    201,
  ],
  [
    'a tracestate with 100 members',
    {
      headers: {
        traceparent: tp('5bf92f3577b34da6a3ce929d0e0e4736'),
        tracestate: Array.from({ length: 100 }, (_, i) => `k${i}=v`).join(','),
      },
      body: validBody,
    },
    201,
  ],
  ['garbage baggage', { headers: { baggage: ';;==,,=;tenant_id' }, body: validBody }, 201],
  [
    'baggage with 200 entries',
    { headers: { baggage: Array.from({ length: 200 }, (_, i) => `k${i}=v`).join(',') }, body: validBody },
    201,
  ],
  [
    'baggage of 9,000 bytes',
    { headers: { baggage: `tenant_id=tenant_a,big=${'x'.repeat(9000)}` }, body: validBody },
    201,
  ],
  ['a percent-encoded emoji tenant', { headers: { baggage: 'tenant_id=%F0%9F%98%80' }, body: validBody }, 201],
  ['a malformed percent-encoding in baggage', { headers: { baggage: 'tenant_id=%ZZ' }, body: validBody }, 201],
  [
    'headers over 16 KiB',
    { headers: { baggage: `big=${'x'.repeat(20_000)}` }, body: validBody },
    431,
    'invalid_request',
  ],
];

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe.each([
  ['body', BODY_CASES],
  ['content type', CONTENT_TYPE_CASES],
  ['path and method', PATH_CASES],
  ['trace context and baggage headers', HEADER_CASES],
])('hostile %s', (_, cases) => {
  const rows = cases.map(([name, request, status, code]) => ({ name, request, status, code }));
  it.each(rows)('$name -> $status', async ({ request, status, code }) => {
    const answer = await send(stack.orders.port, request);
    expect(answer.status).toBe(status);
    if (code !== undefined) {
      expect(answer.contentType).toMatch(/^application\/json/);
      const body = JSON.parse(answer.body) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(0);
      expect(answer.body).not.toContain(valid.payment.cardNumber);
    }
  });
});

it('counts at least 40 cases', () => {
  expect(
    BODY_CASES.length + CONTENT_TYPE_CASES.length + PATH_CASES.length + HEADER_CASES.length,
  ).toBeGreaterThanOrEqual(40);
});

it('is still alive and healthy afterwards, and never answered 500', async () => {
  expect(stack.orders.child.exitCode).toBeNull();
  expect((await send(stack.orders.port, { method: 'GET', path: '/healthz' })).status).toBe(200);
  expect((await send(stack.orders.port, { method: 'GET', path: '/readyz' })).status).toBe(200);
  const serverErrors = stack.orders
    .logs()
    .filter((l) => l.level === 50 || (l.res as { statusCode?: number })?.statusCode === 500);
  expect(serverErrors).toEqual([]);
});
