import { onShutdown } from '@otel-stack/telemetry';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from './app';
import { ConfigError, type OrderApiConfig, readOrderApiConfig } from './config';
import { loggerOptions } from './logger';
import { InMemoryOrderStore } from './order-store';
import { GrpcPaymentClient } from './payment-client';

async function main(): Promise<void> {
  let config: OrderApiConfig;
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
  // Dependency failures are logged once per change of state, naming the address (requests keep getting 503 meanwhile).
  let log: FastifyBaseLogger | undefined;
  const payments = new GrpcPaymentClient(config.paymentServiceAddr, config.paymentTimeoutMs, (change) => {
    if (change.reachable) log?.info({ paymentServiceAddr: change.address }, 'payment-service reachable again');
    else log?.warn({ paymentServiceAddr: change.address, reason: change.reason }, 'payment-service unreachable');
  });
  const app = await buildApp({
    payments,
    store: new InMemoryOrderStore(),
    bodyLimitBytes: config.bodyLimitBytes,
    batchConcurrency: config.batchConcurrency,
    limits: config.limits,
    apiKeys: config.apiKeys,
    logger: loggerOptions(config.logLevel),
  });
  log = app.log;
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
