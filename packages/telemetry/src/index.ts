/**
 * What services may import. Nothing here starts the SDK (that is `./register`), so unit tests can import freely.
 */
export { onShutdown, type ShutdownHook } from './shutdown';
export { inSpan, markFailed } from './span';
export { DEFAULT_TENANT, TENANT_ATTRIBUTE, TENANT_BAGGAGE_KEY, tenantOf } from './tenant';
