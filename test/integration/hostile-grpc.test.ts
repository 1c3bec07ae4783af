/**
 * payment-service facing a client that skips order-api's validation: every invalid ChargeRequest gets
 * INVALID_ARGUMENT with a message naming the field (never echoing the card), and message sizes are bounded.
 */
import * as grpc from '@grpc/grpc-js';
import { isListening, type RunningService, startService } from '@otel-stack/devstack';
import { type ChargeRequest, loadPaymentProto, type PaymentServiceClient } from '@otel-stack/protos';
import { TEST_CARDS } from 'load-generator/fixtures';

let service: RunningService;
let client: PaymentServiceClient;

beforeAll(async () => {
  service = await startService('payment-service', { env: { OTEL_TRACES_EXPORTER: 'none' } });
  const { PaymentService } = loadPaymentProto();
  client = new PaymentService(`127.0.0.1:${service.port}`, grpc.credentials.createInsecure(), {
    // The client may send more than the server accepts: the limit under test is the server's.
    'grpc.max_send_message_length': 1024 * 1024,
  });
});

afterAll(async () => {
  client?.close();
  await service?.terminate();
});

function charge(request: ChargeRequest): Promise<{ code: grpc.status; details: string }> {
  return new Promise((resolve) => {
    client.Charge(request, { deadline: Date.now() + 5_000 }, (err) => {
      resolve({ code: err?.code ?? grpc.status.OK, details: err?.details ?? '' });
    });
  });
}

const valid: ChargeRequest = { orderId: 'ord_1', amountCents: 2500, currency: 'USD', cardNumber: TEST_CARDS.approved };

it.each<[string, ChargeRequest, RegExp]>([
  ['an empty request', {}, /^order_id: required/],
  ['no order ID', { ...valid, orderId: '' }, /^order_id/],
  ['an order ID with spaces', { ...valid, orderId: 'ord 1' }, /^order_id/],
  ['an order ID of 65 characters', { ...valid, orderId: 'o'.repeat(65) }, /^order_id/],
  ['a zero amount', { ...valid, amountCents: 0 }, /^amount_cents: must be greater than 0/],
  ['a negative amount', { ...valid, amountCents: -2500 }, /^amount_cents: must be greater than 0/],
  ['an amount beyond 2^53', { ...valid, amountCents: '9007199254740993' }, /^amount_cents: must be at most/],
  ['the largest int64 amount', { ...valid, amountCents: '9223372036854775807' }, /^amount_cents: must be at most/],
  ['no currency', { ...valid, currency: '' }, /^currency: must be an ISO 4217 code/],
  ['a lower-case currency', { ...valid, currency: 'usd' }, /^currency/],
  ['a made-up currency', { ...valid, currency: 'XYZ' }, /^currency/],
  ['no card', { ...valid, cardNumber: '' }, /^card_number: must be 12 to 19 digits/],
  ['a card with letters', { ...valid, cardNumber: '4242abcd42424242' }, /^card_number/],
  ['a card of 25 digits', { ...valid, cardNumber: '4'.repeat(25) }, /^card_number/],
  ['a card with spaces', { ...valid, cardNumber: '4242 4242 4242 4242' }, /^card_number/],
])('%s -> INVALID_ARGUMENT', async (_, request, message) => {
  const { code, details } = await charge(request);
  expect(grpc.status[code]).toBe('INVALID_ARGUMENT');
  expect(details).toMatch(message);
  expect(details).not.toContain(TEST_CARDS.approved);
});

it('refuses a message over its 64 KiB limit with RESOURCE_EXHAUSTED', async () => {
  const { code } = await charge({ ...valid, orderId: 'x'.repeat(100 * 1024) });
  expect(grpc.status[code]).toBe('RESOURCE_EXHAUSTED');
});

it('refuses bytes that are not a ChargeRequest, and keeps serving', async () => {
  // A client that sends raw bytes under the Charge method: a truncated varint field.
  const Raw = grpc.makeGenericClientConstructor(
    {
      Charge: {
        path: '/payment.v1.PaymentService/Charge',
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      },
    },
    'Raw',
  );
  const raw = new Raw(`127.0.0.1:${service.port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    Charge: (b: Buffer, cb: (err: grpc.ServiceError | null) => void) => void;
  };
  const code = await new Promise<grpc.status>((resolve) =>
    raw.Charge(Buffer.from([0x10, 0xff, 0xff]), (err) => resolve(err?.code ?? grpc.status.OK)),
  );
  raw.close();
  expect(code).not.toBe(grpc.status.OK);
  expect(await charge(valid)).toEqual({ code: grpc.status.OK, details: '' });
});

describe('payment-service as an internal service', () => {
  // 127.0.0.2 is loopback too, but a socket bound to 127.0.0.1 only does not answer there.
  it('HOST=127.0.0.1 binds loopback only; the default binds every interface (what a container needs)', async () => {
    const local = await startService('payment-service', { env: { HOST: '127.0.0.1' } });
    const open = await startService('payment-service', {});
    try {
      expect(await isListening(local.port, '127.0.0.1')).toBe(true);
      expect(await isListening(local.port, '127.0.0.2')).toBe(false);
      expect(await isListening(open.port, '127.0.0.2')).toBe(true);
      expect(local.logs().find((l) => l.msg === 'payment-service listening')).toMatchObject({ host: '127.0.0.1' });
    } finally {
      await Promise.all([local.terminate(), open.terminate()]);
    }
  });
});
