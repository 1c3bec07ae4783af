import { onShutdown } from '@otel-stack/telemetry';
import { ConfigError, type PaymentConfig, readPaymentConfig } from './config';
import { createLogger } from './logger';
import { startPaymentServer, stopPaymentServer } from './server';

/** In-flight charges get this long after SIGTERM; the telemetry bootstrap bounds the whole drain as well. */
const SHUTDOWN_GRACE_MS = 8_000;

async function main(): Promise<void> {
  let config: PaymentConfig;
  try {
    config = readPaymentConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      createLogger('info').fatal(`invalid configuration: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const server = await startPaymentServer(config.host, config.port, config, logger);
  onShutdown(() => stopPaymentServer(server, SHUTDOWN_GRACE_MS));
  logger.info(
    { host: config.host, port: server.port, failureRate: config.failureRate, latencyMs: config.latencyMs },
    'payment-service listening',
  );
}

main().catch((err: unknown) => {
  createLogger('info').fatal({ err }, 'payment-service failed to start');
  process.exit(1);
});
