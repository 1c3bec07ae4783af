/**
 * The preload: `node --require @otel-stack/telemetry/register dist/main.js`.
 *
 * It must run before the service requires http, @grpc/grpc-js or fastify, or those modules are not instrumented
 * and nothing warns. It starts the SDK and owns SIGTERM/SIGINT: registered shutdown hooks first (the service stops
 * accepting and finishes in-flight work), then the final span flush, then exit — each step bounded in time.
 */
import { readTelemetryConfig, TelemetryConfigError } from './config';
import { log } from './log';
import { createSdk } from './sdk';
import { installSignalHandlers } from './shutdown';

function start(): void {
  let config: ReturnType<typeof readTelemetryConfig>;
  try {
    config = readTelemetryConfig();
  } catch (err) {
    if (err instanceof TelemetryConfigError) {
      log('error', `invalid configuration: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const sdk = createSdk(config);
  sdk.start();
  installSignalHandlers({
    flush: () => sdk.shutdown(),
    drainTimeoutMs: config.shutdownDrainTimeoutMs,
    flushTimeoutMs: config.shutdownFlushTimeoutMs,
  });
  log('info', 'telemetry started', {
    service: process.env.OTEL_SERVICE_NAME ?? config.serviceName,
    tenants: [...config.tenants],
    disabled: process.env.OTEL_SDK_DISABLED === 'true',
  });
}

start();
