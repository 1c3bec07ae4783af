/**
 * What services may import. Nothing here starts the SDK (that is `./register`), so unit tests can import freely.
 */

export { SharedAttributeNames } from './attributes';
export { type InstrumentationName, parseApiKeys, parseTenants, TELEMETRY_DEFAULTS } from './config';
export { onShutdown } from './shutdown';
export { inLeafSpan, inSpan, markFailed, RejectedError } from './span';
export { SpanAccounting, type SpanTotals } from './span-accounting';
export { API_KEY_HEADER, ApiKeys, tenantOf } from './tenant';
export { ignoreIncomingPaths } from './untraced';
