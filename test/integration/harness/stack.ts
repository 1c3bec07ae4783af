import { OtlpReceiver } from './otlp-receiver';
import { type RunningService, startService } from './services';

/** Both services and a receiver, wired together as in production. */
export interface Stack {
  readonly receiver: OtlpReceiver;
  readonly payment: RunningService;
  readonly orders: RunningService;
  readonly baseUrl: string;
  stop(): Promise<void>;
}

export async function startStack(
  env: { payment?: Record<string, string>; orders?: Record<string, string> } = {},
): Promise<Stack> {
  const receiver = new OtlpReceiver();
  await receiver.start();
  const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  const payment = await startService('payment-service', { env: { ...otlp, ...env.payment } });
  const orders = await startService('order-api', {
    env: { ...otlp, PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}`, ...env.orders },
  });
  return {
    receiver,
    payment,
    orders,
    baseUrl: `http://127.0.0.1:${orders.port}`,
    async stop() {
      await Promise.all([orders.terminate(), payment.terminate()]);
      await receiver.stop();
    },
  };
}
