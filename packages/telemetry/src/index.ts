/**
 * What services may import. Nothing here starts the SDK (that is `./register`), so unit tests can import freely.
 */

export { parseApiKeys, parseTenants, TELEMETRY_DEFAULTS } from './config';
export { onShutdown, type ShutdownHook } from './shutdown';
export { inSpan, markFailed, RejectedError } from './span';
export { SpanAccounting, type SpanTotals } from './span-accounting';
export { API_KEY_HEADER, ApiKeys, DEFAULT_TENANT, TENANT_ATTRIBUTE, TENANT_BAGGAGE_KEY, tenantOf } from './tenant';
