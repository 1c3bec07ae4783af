/**
 * The preload: `node --require @otel-stack/telemetry/register dist/main.js`.
 *
 * It must run before the service requires http, @grpc/grpc-js or fastify, or those modules are not instrumented
 * and nothing warns. It starts the SDK and owns SIGTERM/SIGINT: registered shutdown hooks first (the service stops
 * accepting and finishes in-flight work), then the final span flush, then exit — each step bounded in time.
 */
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { ConfigError } from '@otel-stack/config';
import { readTelemetryConfig } from './config';
import { createDiagLog, log } from './log';
import type * as Sdk from './sdk';
import { installSignalHandlers } from './shutdown';
import type * as Accounting from './span-accounting';

/** How often lost spans (queue full, failed exports) are looked for and logged. */
const LOSS_REPORT_INTERVAL_MS = 10_000;

function start(): void {
  let config: ReturnType<typeof readTelemetryConfig>;
  try {
    config = readTelemetryConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      log('error', `invalid configuration: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  // The SDK reports export failures and dropped spans through `diag`, which is silent unless a logger is set.
  // OTEL_LOG_LEVEL, when set, makes the SDK install its own console logger at that level instead.
  // Where spans go: the standard variables, as the OTLP exporter reads them.
  const otlpEndpoint =
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT ??
    'http://localhost:4317';
  const disabled = process.env.OTEL_SDK_DISABLED === 'true';
  if (disabled) {
    // Disabled means nothing runs: no SDK is created at all, because constructing the instrumentations already
    // patches http, grpc-js and Fastify (NodeSDK's own OTEL_SDK_DISABLED check only skips start()). The shutdown
    // sequence stays: the service's drain hooks run on SIGTERM as always.
    installSignalHandlers({
      flush: async () => {},
      drainTimeoutMs: config.shutdownDrainTimeoutMs,
      flushTimeoutMs: config.shutdownFlushTimeoutMs,
    });
  } else {
    if (process.env.OTEL_LOG_LEVEL === undefined) diag.setLogger(createDiagLog(otlpEndpoint), DiagLogLevel.WARN);
    // Loaded here, not imported at the top: with the SDK disabled, none of the SDK and instrumentation modules load.
    // A synchronous require, because the SDK must be running before the service's first `require('http')`.
    const { SpanAccounting } = require('./span-accounting') as typeof Accounting;
    const { createSdk } = require('./sdk') as typeof Sdk;
    const accounting = new SpanAccounting();
    const sdk = createSdk(config, accounting);
    sdk.start();
    accounting.startReporting(LOSS_REPORT_INTERVAL_MS);
    installSignalHandlers({
      flush: () => sdk.shutdown(),
      afterFlush: () => accounting.reportFinal(),
      drainTimeoutMs: config.shutdownDrainTimeoutMs,
      flushTimeoutMs: config.shutdownFlushTimeoutMs,
    });
  }
  log('info', 'telemetry started', {
    service: process.env.OTEL_SERVICE_NAME ?? config.serviceName,
    tenants: [...config.tenants],
    tenantFrom: config.apiKeys ? `API key (${config.apiKeys.size} keys)` : 'baggage',
    baggageAllowlist: [...config.baggageAllowlist],
    disabled,
    exporters: process.env.OTEL_TRACES_EXPORTER ?? 'otlp',
    otlpEndpoint,
  });
}

start();
