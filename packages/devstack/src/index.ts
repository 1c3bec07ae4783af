export { BINARIES, buildBinaries, missingBinaries, requireBinaries } from './binaries';
export { Collector, type CollectorMetrics, type CollectorPorts, parsePrometheus, sumOf } from './collector';
export { attr, Jaeger, type JaegerPorts, type OtlpKeyValue, type StoredSpan, toReceivedSpan } from './jaeger';
export {
  otlpTraceRequest,
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
  freePipelinePorts,
  Pipeline,
  type PipelineOptions,
  type PipelinePorts,
  startPipeline,
  withPipeline,
} from './pipeline';
export {
  freePort,
  isListening,
  ManagedProcess,
  RunningService,
  type ServiceName,
  type StartOptions,
  startService,
  TEST_ENV,
  unusedPort,
} from './processes';
export { type Stack, type StackOptions, startStack, withStack } from './stack';
export { STACK_PORT_VARIABLES, stackPorts } from './stack-ports';
export { formatTraceTree } from './trace-tree';
