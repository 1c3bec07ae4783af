export { OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
export { freePort, RunningService, type ServiceName, type StartOptions, startService, TEST_ENV } from './processes';
export { type Stack, type StackOptions, startStack } from './stack';
export { formatTraceTree } from './trace-tree';
