export { OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
export {
  freePort,
  RunningService,
  type ServiceName,
  type StartOptions,
  startService,
  TEST_ENV,
  unusedPort,
} from './processes';
export { type Stack, type StackOptions, startStack, withStack } from './stack';
export { formatTraceTree } from './trace-tree';
