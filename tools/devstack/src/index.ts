export { BINARIES, requireBinaries } from './binaries';
export { COLLECTOR_CONFIG, Collector, type CollectorMetrics, sumOf } from './collector';
export { attr, Jaeger, type StoredSpan } from './jaeger';
export {
  ControlPlaneProcess,
  OPAMP_BINARIES,
  requireOpampBinaries,
  SupervisedCollector,
} from './opamp';
export {
  type ResourceSpec,
  randomSpanId,
  randomTraceId,
  type SpanSpec,
  sendOtlpJson,
} from './otlp-json';
export { OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
export {
  BACKENDS,
  type Backend,
  byBackend,
  freeCollectorPorts,
  freeJaegerPorts,
  jaegerEndpoints,
  Pipeline,
  startPipeline,
} from './pipeline';
export {
  freePort,
  isListening,
  RunningService,
  type ServiceName,
  startService,
  unusedPort,
} from './processes';
export { type Stack, startStack, withStack } from './stack';
export { STACK_PORT_VARIABLES } from './stack-ports';
export { startTwoTier, type TwoTierPipeline } from './two-tier';
