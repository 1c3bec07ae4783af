import type { FastifyInstance } from 'fastify';
import { sendError } from '../errors';

/**
 * 405 `method_not_allowed` with an `Allow` header for a method a path does not have (HTTP semantics: the path
 * exists), where Fastify would answer 404. Call after every route is registered: it adds one hidden route per path
 * for the methods that path lacks, so the OpenAPI document still lists only the real operations.
 */
export function registerMethodNotAllowed(app: FastifyInstance, routes: ReadonlyMap<string, ReadonlySet<string>>): void {
  for (const [url, methods] of routes) {
    const allow = [...methods].sort().join(', ');
    const missing = app.supportedMethods.filter((m) => !methods.has(m));
    if (missing.length === 0) continue;
    app.route({
      method: missing,
      url,
      schema: { hide: true },
      // Answered before the body is parsed: a 405 does not depend on it, and a body parser must not answer first.
      onRequest: async (request, reply) =>
        sendError(
          reply.header('allow', allow),
          'method_not_allowed',
          `${request.method} is not allowed here (allowed: ${allow})`,
        ),
      handler: async () => undefined,
    });
  }
}

/** Collects every route's URL and methods as they are registered (an onRoute hook), for registerMethodNotAllowed. */
export function collectRoutes(app: FastifyInstance): Map<string, Set<string>> {
  const routes = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    if (route.schema?.hide) return;
    const methods = routes.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    routes.set(route.url, methods);
  });
  return routes;
}
