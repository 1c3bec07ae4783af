/** HTTP paths that produce no spans: probes would otherwise flood every tenant's traces. */
export const UNTRACED_HTTP_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/**
 * gRPC methods that produce no spans, client or server side: the health service (probes, and order-api's /readyz
 * check) and server reflection (grpcurl). instrumentation-grpc matches on the method name only.
 */
export const UNTRACED_GRPC_METHODS: readonly string[] = ['Check', 'Watch', 'ServerReflectionInfo'];

/** The path of a request target, without its query string. */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
