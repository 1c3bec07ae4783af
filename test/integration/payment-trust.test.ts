/**
 * What payment-service trusts, stated as a test: it is an internal service without authentication of its own, so it
 * takes the tenant from whoever calls it -- re-resolved against its own TENANTS, so an unknown value is `default`.
 * That is why only order-api may reach it (the NetworkPolicy in k8s/, compose's network, HOST=127.0.0.1 natively).
 */
import * as grpc from '@grpc/grpc-js';
import { OtlpReceiver, type RunningService, randomTraceId, startService } from '@otel-stack/devstack';
import { loadPaymentProto, type PaymentServiceClient } from '@otel-stack/protos';
import { TEST_CARDS } from 'load-generator/fixtures';

let receiver: OtlpReceiver;
let payment: RunningService;
let client: PaymentServiceClient;

beforeAll(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
  payment = await startService('payment-service', {
    env: { HOST: '127.0.0.1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
  });
  const { PaymentService } = loadPaymentProto();
  client = new PaymentService(`127.0.0.1:${payment.port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await payment?.terminate();
  await receiver?.stop();
});

async function chargeAs(baggage: string): Promise<string[]> {
  const traceId = randomTraceId();
  const metadata = new grpc.Metadata();
  metadata.set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);
  metadata.set('baggage', baggage);
  await new Promise<void>((resolve) =>
    client.Charge(
      { orderId: 'ord_trust', amountCents: '100', currency: 'USD', cardNumber: TEST_CARDS.approved },
      metadata,
      () => resolve(),
    ),
  );
  const spans = await receiver.waitForTrace(traceId, 2);
  return [...new Set(spans.map((s) => String(s.attributes['tenant.id'])))];
}

it.each([
  ['a tenant in its TENANTS: taken as is, from any caller', 'tenant_id=tenant_b', ['tenant_b']],
  ['an unknown tenant: default', 'tenant_id=evil_corp', ['default']],
  ['an encoded key is not tenant_id', 'tenant%5Fid=tenant_a', ['default']],
])('%s', async (_label, baggage, tenants) => {
  expect(await chargeAs(baggage)).toEqual(tenants);
});
