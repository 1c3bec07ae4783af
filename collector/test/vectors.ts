// Masking test vectors for the catch-all rules of collector/otel-collector.yaml. Each vector is placed in one
// attribute (or the span status message / name) of an otherwise empty span and run through ALL the config's
// statements; `expected` is the exact result. `expected === input` means "must stay untouched".
// Card numbers used are the public test PANs (Stripe/Visa/Amex/Discover test numbers), never real ones.

export type Location = 'span' | 'event' | 'resource' | 'status' | 'name';

export interface Vector {
  name: string;
  /** Where the value is placed; `key` is the attribute key (ignored for status / name). */
  where: Location;
  key?: string;
  input: string;
  expected: string;
}

const masked = (name: string, where: Location, key: string, input: string, expected: string): Vector => ({
  name,
  where,
  key,
  input,
  expected,
});
const untouched = (name: string, where: Location, key: string, input: string): Vector => ({
  name,
  where,
  key,
  input,
  expected: input,
});

export const CARD_VECTORS: Vector[] = [
  masked('dotted 4-4-4-4', 'span', 'payment.note', '4242.4242.4242.4242', '****4242'),
  masked('underscores', 'span', 'message', 'card 4242_4242_4242_4242 declined', 'card ****4242 declined'),
  masked('slashes in a path', 'span', 'url.path', '/orders/4242/4242/4242/4242', '/orders/****4242'),
  masked(
    'percent-encoded dashes (%2D)',
    'span',
    'url.query',
    'card=4242%2D4242%2D4242%2D4242&x=1',
    'card=****4242&x=1',
  ),
  masked('percent-encoded dots (%2e)', 'span', 'url.query', 'c=4242%2e4242%2e4242%2e4242', 'c=****4242'),
  masked('plain 16 digits, whole value', 'span', 'payment.note', '4242424242424242', '****4242'),
  masked('spaced 4-4-4-4', 'span', 'payment.note', '4242 4242 4242 4242', '****4242'),
  masked('dashed 4-4-4-4', 'span', 'payment.note', '4242-4242-4242-4242', '****4242'),
  masked('Amex 15 digits spaced 4-6-5', 'span', 'payment.note', '3782 822463 10005', '****0005'),
  masked(
    'Amex 15 digits dashed 4-6-5',
    'event',
    'exception.message',
    'card 3782-822463-10005 expired',
    'card ****0005 expired',
  ),
  masked('Amex 15 digits plain', 'span', 'payment.note', '378282246310005', '****0005'),
  masked('13 digits (old Visa)', 'span', 'payment.note', '4222222222222', '****2222'),
  masked('19 digits plain', 'span', 'payment.note', '6011000990139424123', '****4123'),
  // Last four digits keep their separator when the final group is shorter than four.
  masked('19 digits spaced 4-4-4-4-3', 'span', 'payment.note', '6011 0009 9013 9424 123', '****4 123'),
  masked('UATP 15 digits starting with 1', 'span', 'payment.note', '122000000000003', '****0003'),
  masked('start of a string', 'span', 'message', '4242424242424242 was declined', '****4242 was declined'),
  masked('middle of a string', 'span', 'message', 'card 4242424242424242 declined', 'card ****4242 declined'),
  masked('end of a string', 'span', 'message', 'declined card 4242-4242-4242-4242', 'declined card ****4242'),
  masked(
    'inside url.full query',
    'span',
    'url.full',
    'https://shop.example.com/pay?card=4242424242424242&currency=USD',
    'https://shop.example.com/pay?card=****4242&currency=USD',
  ),
  masked(
    'url.query, spaces encoded %20',
    'span',
    'url.query',
    'card=4242%204242%204242%204242&x=1',
    'card=****4242&x=1',
  ),
  masked('url.query, spaces encoded +', 'span', 'url.query', 'card=4242+4242+4242+4242', 'card=****4242'),
  masked(
    'inside JSON text',
    'span',
    'http.request.body',
    '{"cardNumber":"4242424242424242","currency":"USD"}',
    '{"cardNumber":"****4242","currency":"USD"}',
  ),
  masked(
    'exception.message on an exception event',
    'event',
    'exception.message',
    'Charge failed for card 4000000000000002: card_declined',
    'Charge failed for card ****0002: card_declined',
  ),
  masked(
    'exception.stacktrace on an exception event',
    'event',
    'exception.stacktrace',
    'Error: invalid card 4000 0000 0000 0119\n    at charge (/app/dist/charge.js:10:5)',
    'Error: invalid card ****0119\n    at charge (/app/dist/charge.js:10:5)',
  ),
  masked(
    'two cards separated by one character (needs the second pass)',
    'span',
    'message',
    '4242424242424242,4000000000000002',
    '****4242,****0002',
  ),
  masked(
    'card followed by an amount',
    'span',
    'message',
    'charge 4242424242424242 2500 USD',
    'charge ****4242 2500 USD',
  ),
  masked(
    'db.statement',
    'span',
    'db.statement',
    "UPDATE cards SET pan = '4242424242424242'",
    "UPDATE cards SET pan = '****4242'",
  ),
  masked('resource attribute', 'resource', 'deployment.note', 'test card 4242424242424242', 'test card ****4242'),
  masked(
    'span status message',
    'status',
    '',
    'payment failed for 4000000000009995: insufficient_funds',
    'payment failed for ****9995: insufficient_funds',
  ),
  masked('span name', 'name', '', 'charge 4242424242424242', 'charge ****4242'),
  // Documented trade-off: any 13-19 digit run not starting with 1 is card-like, whatever it means.
  masked('trade-off: unix-nano after 2033 (starts with 2) is masked', 'span', 'ts', '2034567890123456789', '****6789'),
];

export const EMAIL_VECTORS: Vector[] = [
  masked('inside a message', 'span', 'message', 'user ada@example.com not found', 'user [REDACTED_EMAIL] not found'),
  masked(
    'inside url.full',
    'span',
    'url.full',
    'https://shop.example.com/orders?email=ada@example.com&x=1',
    'https://shop.example.com/orders?email=[REDACTED_EMAIL]&x=1',
  ),
  masked(
    'percent-encoded @ (%40) in url.query',
    'span',
    'url.query',
    'email=ada%40example.com&x=1',
    'email=[REDACTED_EMAIL]&x=1',
  ),
  masked(
    'mixed case, plus tag, multi-label domain',
    'span',
    'message',
    'Ada.Lovelace+orders@Example.CO.UK',
    '[REDACTED_EMAIL]',
  ),
  masked(
    'db.statement',
    'span',
    'db.statement',
    "SELECT * FROM users WHERE email = 'ada@example.com'",
    "SELECT * FROM users WHERE email = '[REDACTED_EMAIL]'",
  ),
  masked(
    'inside JSON text',
    'event',
    'exception.message',
    '{"customer":{"email":"ada@example.com"}}',
    '{"customer":{"email":"[REDACTED_EMAIL]"}}',
  ),
  masked(
    'email and card in one value',
    'event',
    'exception.message',
    'ada@example.com paid with 4242 4242 4242 4242',
    '[REDACTED_EMAIL] paid with ****4242',
  ),
  masked('resource attribute', 'resource', 'service.owner', 'ops-team@example.com', '[REDACTED_EMAIL]'),
  masked('span status message', 'status', '', 'no account for ada@example.com', 'no account for [REDACTED_EMAIL]'),
];

export const UNTOUCHED_VECTORS: Vector[] = [
  untouched('order ID (prefixed hex)', 'span', 'order.id', 'ord_7f3c9a2b4e1d4c0a9b8e7f6a5d4c3b2a'),
  untouched('order ID (UUID)', 'span', 'order.id', '123e4567-e89b-12d3-a456-426614174000'),
  untouched('trace ID (32 hex)', 'span', 'trace.ref', '4bf92f3577b34da6a3ce929d0e0e4736'),
  untouched(
    'trace ID with a 16-digit decimal run between hex letters',
    'span',
    'trace.ref',
    'ab4242424242424242cdef0123456789',
  ),
  untouched('span ID (16 hex)', 'span', 'span.ref', '00f067aa0ba902b7'),
  untouched(
    'traceparent header',
    'span',
    'http.request.header.traceparent',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  ),
  untouched(
    'SHA-256 hex (like user.hash)',
    'span',
    'checksum',
    '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  ),
  untouched('ISO timestamp with nanoseconds', 'span', 'ts', '2024-11-24T10:00:34.567890123Z'),
  untouched('12-digit number', 'span', 'ref', '123456789012'),
  untouched('amount in cents', 'span', 'order.amount_cents_text', '2500'),
  untouched('unix-nano timestamp (19 digits, starts with 1)', 'span', 'ts', '1732441234567890123'),
  untouched('unix-micro timestamp (16 digits, starts with 1)', 'span', 'ts', '1732441234567890'),
  untouched('unix-milli timestamp (13 digits, starts with 1)', 'span', 'ts', '1732441234567'),
  untouched('digit run longer than 19', 'span', 'ref', '42424242424242424242'),
  untouched('US phone number', 'span', 'phone', '+1 415 555 2671'),
  untouched('UK phone number (12 digits)', 'span', 'phone', '+44 20 7946 0958'),
  untouched('url.path with IDs', 'span', 'url.path', '/orders/ord_7f3c9a2b/items/12'),
  untouched('http.route', 'span', 'http.route', '/orders/:orderId'),
  untouched(
    'stack trace with scoped package versions',
    'event',
    'exception.stacktrace',
    'Error: boom\n    at Object.<anonymous> (/app/node_modules/@fastify/otel@0.1.0/index.js:12:3)',
  ),
  untouched('semver', 'resource', 'service.version', '1.10.0'),
  untouched('card last four only', 'span', 'payment.card.last4', '4242'),
  untouched('already masked card', 'span', 'message', 'card ****4242 declined'),
];
