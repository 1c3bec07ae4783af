import { onShutdown } from '@otel-stack/telemetry';
import { buildApp } from './app';
import { ConfigError, readOrderApiConfig } from './config';
import { loggerOptions } from './logger';
import { InMemoryOrderStore } from './order-store';
import { GrpcPaymentClient } from './payment-client';

async function main(): Promise<void> {
  let config: ReturnType<typeof readOrderApiConfig>;
  try {
    config = readOrderApiConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(
        `${JSON.stringify({ level: 60, name: 'order-api', msg: `invalid configuration: ${err.message}` })}\n`,
      );
      process.exit(1);
    }
    throw err;
  }
  const payments = new GrpcPaymentClient(config.paymentServiceAddr, config.paymentTimeoutMs);
  const app = await buildApp({
    payments,
    store: new InMemoryOrderStore(),
    bodyLimitBytes: config.bodyLimitBytes,
    batchConcurrency: config.batchConcurrency,
    limits: config.limits,
    apiKeys: config.apiKeys,
    logger: loggerOptions(config.logLevel),
  });
  // Stop accepting, let in-flight requests finish (Fastify's close waits for them), then release the channel.
  onShutdown(async () => {
    await app.close();
    payments.close();
  });
  await app.listen({ host: config.host, port: config.port });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 60, name: 'order-api', msg: 'failed to start', err: String(err) })}\n`,
  );
  process.exit(1);
});
