import { processWide } from './process-wide';

// Looked up once: isIgnoredIncomingPath runs twice per request (both HTTP instrumentations ask), and the
// process-wide lookup builds a symbol key each time.
let paths: Set<string> | undefined;
const ignoredPaths = () => {
  paths ??= processWide('ignored-incoming-paths', () => new Set<string>());
  return paths;
};

/**
 * Declares incoming HTTP paths that produce no spans at all, neither the HTTP SERVER span nor Fastify's: probes
 * would otherwise flood every tenant's traces. The service calls it where it defines those routes, before
 * registering them; the instrumentations read the list at request time.
 */
export function ignoreIncomingPaths(paths: Iterable<string>): void {
  for (const path of paths) ignoredPaths().add(path);
}

/** Whether a request target (its path; a query string is ignored) was declared untraced. */
export function isIgnoredIncomingPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  const q = url.indexOf('?');
  return ignoredPaths().has(q === -1 ? url : url.slice(0, q));
}

/**
 * gRPC methods that produce no spans, client or server side: the health service (probes, and order-api's /readyz
 * check) and server reflection (grpcurl). instrumentation-grpc matches on the method name only.
 */
export const UNTRACED_GRPC_METHODS: readonly string[] = ['Check', 'Watch', 'ServerReflectionInfo'];
