import { FastifyOtelInstrumentation } from '@fastify/otel';
import {
  CompositePropagator,
  getNumberFromEnv,
  getStringListFromEnv,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { ClientErrorSpanProcessor } from './client-errors';
import { INSTRUMENTATION_NAMES, type InstrumentationName, TELEMETRY_DEFAULTS, type TelemetryConfig } from './config';
import type { SpanAccounting } from './span-accounting';
import { TenantBaggagePropagator, TenantSpanProcessor } from './tenant';
import { isIgnoredIncomingPath, UNTRACED_GRPC_METHODS } from './untraced';

// Not yet in the stable semantic-conventions entry point.
const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

/**
 * The instrumentations both services load. http gives the HTTP SERVER span and context propagation, grpc the CLIENT
 * and SERVER spans around Charge, @fastify/otel the route-level `request`/`handler` spans (hook spans are off: one
 * per lifecycle hook adds cost and no information here), pino puts trace_id/span_id into every log line. Paths a
 * service declared with ignoreIncomingPaths get no span from either HTTP instrumentation. Neither service sends
 * HTTP requests (the payment call is gRPC, the export is gRPC over http2), so outgoing HTTP is not instrumented:
 * that leaves `http.request`/`http.get` unwrapped. OTEL_NODE_DISABLED_INSTRUMENTATIONS leaves any of them out.
 */
function createInstrumentations(disabled: ReadonlySet<InstrumentationName>): Instrumentation[] {
  const all: Record<InstrumentationName, () => Instrumentation> = {
    http: () =>
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => isIgnoredIncomingPath(req.url),
        disableOutgoingRequestInstrumentation: true,
      }),
    grpc: () => new GrpcInstrumentation({ ignoreGrpcMethods: [...UNTRACED_GRPC_METHODS] }),
    fastify: () =>
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        instrumentHooks: false,
        ignorePaths: (route) => isIgnoredIncomingPath(route.url),
      }),
    // Trace correlation only: logs stay on stdout, they are not sent as OTLP log records.
    pino: () => new PinoInstrumentation({ disableLogSending: true }),
  };
  return INSTRUMENTATION_NAMES.filter((name) => !disabled.has(name)).map((name) => all[name]());
}

/** OTEL_TRACES_EXPORTER: `otlp` (default, OTLP/gRPC), `console` (stdout, for debugging) or `none`. */
function createExporters(): SpanExporter[] {
  const names = getStringListFromEnv('OTEL_TRACES_EXPORTER') ?? ['otlp'];
  if (names.includes('none')) return [];
  return names.map((name) => {
    switch (name) {
      case 'otlp':
        return new OTLPTraceExporter();
      case 'console':
        return new ConsoleSpanExporter();
      default:
        throw new Error(`OTEL_TRACES_EXPORTER: unsupported exporter "${name}" (use otlp, console or none)`);
    }
  });
}

/**
 * A BatchSpanProcessor that honours OTEL_BSP_* (constructed directly, the processor itself ignores them) and
 * reports what became of each span to `accounting`.
 */
function batchSpanProcessorFromEnv(exporter: SpanExporter, accounting: SpanAccounting): BatchSpanProcessor {
  return new BatchSpanProcessor({
    exporter,
    selfObsMeterProvider: accounting.meterProvider,
    maxQueueSize: getNumberFromEnv('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: getNumberFromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    scheduledDelayMillis: getNumberFromEnv('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: getNumberFromEnv('OTEL_BSP_EXPORT_TIMEOUT'),
  });
}

/**
 * Metrics and logs are not exported by this stack unless asked for: the SDK would otherwise start OTLP exporters
 * for them that nothing receives. Explicit OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER values still win.
 */
function applySignalDefaults(env: NodeJS.ProcessEnv = process.env): void {
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
}

export function createSdk(config: TelemetryConfig, accounting: SpanAccounting): NodeSDK {
  applySignalDefaults();
  const spanProcessors: SpanProcessor[] = [
    // First, so the attribute is set before any exporter-side processor sees the span.
    new TenantSpanProcessor(),
    new ClientErrorSpanProcessor(),
    ...createExporters().map((exporter) => batchSpanProcessorFromEnv(exporter, accounting)),
  ];
  return new NodeSDK({
    // Defaults only: the SDK merges OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME over these.
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.serviceName,
      [ATTR_SERVICE_VERSION]: config.serviceVersion,
      [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: TELEMETRY_DEFAULTS.DEPLOYMENT_ENVIRONMENT,
    }),
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new TenantBaggagePropagator(config)],
    }),
    spanProcessors,
    instrumentations: createInstrumentations(config.disabledInstrumentations),
  });
}
