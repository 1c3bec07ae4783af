/**
 * Tenant identity from outside is untrusted. What crosses into payment-service is observed directly with a spy
 * gRPC server standing in for it; what the spans say, with a real OTLP receiver.
 */
import { OtlpReceiver, type RunningService, startService } from '@otel-stack/devstack';
import { sampleOrder } from 'load-generator/fixtures';
import { get, postOrder } from './harness/orders';
import { PaymentSpy } from './harness/payment-spy';

// Obviously fake keys.
const KEY_A = 'k-test-aaaaaaaaaaaaaaaa';
const KEY_B = 'k-test-bbbbbbbbbbbbbbbb';

let receiver: OtlpReceiver;
let spy: PaymentSpy;
const services: RunningService[] = [];

beforeAll(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
  spy = new PaymentSpy();
  await spy.start();
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.terminate()));
  spy.stop();
  await receiver.stop();
});

async function orderApi(env: Record<string, string> = {}) {
  const service = await startService('order-api', {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, PAYMENT_SERVICE_ADDR: `127.0.0.1:${spy.port}`, ...env },
  });
  services.push(service);
  return `http://127.0.0.1:${service.port}`;
}

/** POST one order and return the baggage payment-service received with it. */
async function baggageSent(base: string, headers: Record<string, string>): Promise<string[] | undefined> {
  const before = spy.calls.length;
  const res = await postOrder(base, sampleOrder(), headers);
  expect(res.status).toBe(201);
  expect(spy.calls).toHaveLength(before + 1);
  return spy.calls.at(-1)?.baggage;
}

describe('baggage mode (no API_KEYS)', () => {
  let base: string;
  beforeAll(async () => {
    base = await orderApi();
  });

  it.each([
    ['tenant_id=tenant_b', ['tenant_id=tenant_b']],
    ['tenant_id=evil_corp', ['tenant_id=default']],
    ['role=admin,tenant_id=tenant_a,user.email=ada%40example.com', ['tenant_id=tenant_a']],
    ['role=admin', ['tenant_id=default']],
  ])('inbound baggage %s -> downstream %j (only allow-listed entries cross)', async (inbound, downstream) => {
    expect(await baggageSent(base, { baggage: inbound })).toEqual(downstream);
  });

  it('forwards entries named in BAGGAGE_ALLOWLIST', async () => {
    const withSession = await orderApi({ BAGGAGE_ALLOWLIST: 'session' });
    const sent = await baggageSent(withSession, { baggage: 'session=s-1,role=admin,tenant_id=tenant_a' });
    expect(sent?.[0]?.split(',').sort()).toEqual(['session=s-1', 'tenant_id=tenant_a']);
  });
});

describe('API-key mode (API_KEYS)', () => {
  let base: string;
  beforeAll(async () => {
    base = await orderApi({ API_KEYS: `${KEY_A}:tenant_a,${KEY_B}:tenant_b` });
  });

  it('takes the tenant from the key; baggage cannot override it, downstream or on any span', async () => {
    const res = await postOrder(base, sampleOrder(), { 'x-api-key': KEY_A, baggage: 'tenant_id=tenant_b' });
    expect(res.status).toBe(201);
    expect(spy.calls.at(-1)?.baggage).toEqual(['tenant_id=tenant_a']);
    const spans = await receiver.waitForTrace(String(res.body.traceId), 9);
    expect(spans.map((s) => `${s.name}=${String(s.attributes['tenant.id'])}`)).toEqual(
      spans.map((s) => `${s.name}=tenant_a`),
    );
  });

  it.each([
    ['no key', {}],
    ['an unknown key', { 'x-api-key': 'k-test-zzzzzzzzzzzzzzzz' }],
  ])('%s -> 401, and no charge reaches payment-service', async (_, headers) => {
    const before = spy.calls.length;
    const res = await postOrder(base, sampleOrder(), { ...headers, baggage: 'tenant_id=tenant_a' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'unauthorized' } });
    expect(spy.calls).toHaveLength(before);
  });
});

describe('reads are scoped to the tenant that placed the order', () => {
  let keyed: string;
  let open: string;
  beforeAll(async () => {
    keyed = await orderApi({ API_KEYS: `${KEY_A}:tenant_a,${KEY_B}:tenant_b` });
    open = await orderApi();
  });

  const getOrder = (base: string, orderId: string, headers: Record<string, string>) =>
    get(base, `/orders/${orderId}`, headers);

  it("API-key mode: key B gets the same 404 for key A's order as for an order that does not exist", async () => {
    const placed = await postOrder(keyed, sampleOrder(), { 'x-api-key': KEY_A });
    expect(placed.status).toBe(201);
    const orderId = String(placed.body.orderId);
    expect(await getOrder(keyed, orderId, { 'x-api-key': KEY_A })).toMatchObject({ status: 200, body: { orderId } });
    const foreign = await getOrder(keyed, orderId, { 'x-api-key': KEY_B });
    const missing = await getOrder(keyed, 'ord_not-a-real-order', { 'x-api-key': KEY_B });
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    // The same answer but for the ID it echoes (masked): nothing tells "exists elsewhere" from "does not exist".
    const shape = (body: Record<string, unknown>) =>
      JSON.stringify(body).replace(/order \S+ not found/, 'order ID not found');
    expect(shape(foreign.body)).toBe(shape(missing.body));
    expect(shape(foreign.body)).toBe('{"error":{"code":"not_found","message":"order ID not found"}}');
  });

  it('baggage mode: another tenant, or no tenant at all, gets 404', async () => {
    const placed = await postOrder(open, sampleOrder(), { baggage: 'tenant_id=tenant_a' });
    const orderId = String(placed.body.orderId);
    expect((await getOrder(open, orderId, { baggage: 'tenant_id=tenant_a' })).status).toBe(200);
    expect((await getOrder(open, orderId, { baggage: 'tenant_id=tenant_b' })).status).toBe(404);
    expect((await getOrder(open, orderId, {})).status).toBe(404);
  });
});
