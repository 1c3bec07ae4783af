/**
 * PII under every encoding a client produces: generated card numbers and emails (fast-check), percent-encoded,
 * double-encoded, with dots, dashes, underscores or slashes, in paths, order IDs and queries, sent to order-api and
 * straight to payment-service as order IDs. Every log line of both services and every response body, decoded, must
 * be free of them.
 */
import * as grpc from '@grpc/grpc-js';
import { type RunningService, startService } from '@otel-stack/devstack';
import { loadPaymentProto, type PaymentServiceClient } from '@otel-stack/protos';
import { decodeLeniently } from '@otel-stack/redact';
import fc from 'fast-check';
import { FAKE_CUSTOMER, TEST_CARDS } from 'load-generator/fixtures';

const PANS = [TEST_CARDS.approved, TEST_CARDS.declined, '5555555555554444', '378282246310005'];
const EMAILS = [FAKE_CUSTOMER.email, 'grace.hopper@example.org'];
const pct = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

const encodedPan = fc
  .record({
    pan: fc.constantFrom(...PANS),
    separator: fc.constantFrom('', ' ', '-', '.', '_', '/'),
    encodeSeparator: fc.boolean(),
    encodeDigits: fc.boolean(),
    doubleEncode: fc.boolean(),
  })
  .map(({ pan, separator, encodeSeparator, encodeDigits, doubleEncode }) => {
    const sep = encodeSeparator && separator ? pct(separator) : separator;
    let text = (pan.match(/.{1,4}/g) ?? []).map((g) => (encodeDigits ? [...g].map(pct).join('') : g)).join(sep);
    if (doubleEncode) text = text.replace(/%/g, '%25');
    return text;
  });
const encodedEmail = fc
  .tuple(fc.constantFrom(...EMAILS), fc.constantFrom('@', '%40', '%2540'), fc.boolean())
  .map(([email, at, dot]) => {
    const [user, domain] = email.split('@') as [string, string];
    return `${user}${at}${dot ? domain.replace('.', '%2E') : domain}`;
  });

let payment: RunningService;
let orders: RunningService;
const bodies: string[] = [];

beforeAll(async () => {
  payment = await startService('payment-service', { env: { LOG_LEVEL: 'trace', OTEL_SDK_DISABLED: 'true' } });
  orders = await startService('order-api', {
    env: { LOG_LEVEL: 'trace', OTEL_SDK_DISABLED: 'true', PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}` },
  });
  const base = `http://127.0.0.1:${orders.port}`;
  const secrets = fc.sample(fc.oneof(encodedPan, encodedEmail), { numRuns: 60, seed: 42 });
  for (const [i, secret] of secrets.entries()) {
    const paths = [
      `/orders/${secret}`,
      `/nowhere/${secret}`,
      `/orders/x${i % 2 ? ' ' : '/'}${secret}`,
      `/orders?q=${secret}`,
    ];
    for (const path of paths) {
      const res = await fetch(`${base}${path.replace(/ /g, '%20')}`).catch(() => undefined);
      if (res) bodies.push(await res.text());
    }
  }
  // Straight to payment-service: order IDs that are card numbers (letters, digits, '_' and '-' pass its validation).
  const { PaymentService } = loadPaymentProto();
  const client: PaymentServiceClient = new PaymentService(
    `127.0.0.1:${payment.port}`,
    grpc.credentials.createInsecure(),
  );
  for (const pan of PANS) {
    for (const orderId of [pan, (pan.match(/.{1,4}/g) ?? []).join('-'), (pan.match(/.{1,4}/g) ?? []).join('_')]) {
      await new Promise<void>((resolve) =>
        client.Charge({ orderId, amountCents: '100', currency: 'USD', cardNumber: TEST_CARDS.approved }, () =>
          resolve(),
        ),
      );
    }
  }
  client.close();
  await Promise.all([orders.terminate(), payment.terminate()]);
}, 120_000);

/** The PANs and emails in `text` once decoded; separators are squeezed out, so `4242.4242...` counts too. */
function leaks(text: string): string[] {
  const decoded = decodeLeniently(text);
  const squeezed = decoded.replace(/[ ._/+-]/g, '');
  return [...PANS.filter((pan) => squeezed.includes(pan)), ...EMAILS.filter((email) => decoded.includes(email))];
}

it('no log line of either service holds a card number or an email, decoded', () => {
  const lines = [...orders.output, ...payment.output];
  expect(lines.length).toBeGreaterThan(200);
  expect(lines.filter((line) => leaks(line).length > 0)).toEqual([]);
});

it('no response body holds one either', () => {
  expect(bodies.length).toBe(240);
  expect(bodies.filter((body) => leaks(body).length > 0)).toEqual([]);
});
