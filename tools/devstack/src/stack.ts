import { OtlpReceiver } from './otlp-receiver';
import { type RunningService, startService } from './processes';

/** Both services and a receiver, wired together as in production. */
export interface Stack {
  readonly receiver: OtlpReceiver;
  readonly payment: RunningService;
  readonly orders: RunningService;
  readonly baseUrl: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  readonly payment?: Record<string, string>;
  readonly orders?: Record<string, string>;
  /** Receiver port; 0 (default) picks a free one. */
  readonly otlpPort?: number;
  /** See StartOptions.ownProcessGroup. */
  readonly ownProcessGroup?: boolean;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const receiver = new OtlpReceiver(options.otlpPort ?? 0);
  await receiver.start();
  const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  const group = { ownProcessGroup: options.ownProcessGroup ?? false };
  let payment: RunningService | undefined;
  let orders: RunningService;
  try {
    payment = await startService('payment-service', { ...group, env: { ...otlp, ...options.payment } });
    orders = await startService('order-api', {
      ...group,
      env: { ...otlp, PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}`, ...options.orders },
    });
  } catch (err) {
    payment?.kill();
    await receiver.stop();
    throw err;
  }
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

/** Runs `work` against a fresh stack and stops the stack afterwards, also when `work` throws. */
export async function withStack<T>(options: StackOptions, work: (stack: Stack) => Promise<T>): Promise<T> {
  const stack = await startStack(options);
  try {
    return await work(stack);
  } finally {
    await stack.stop();
  }
}
