import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendError } from '../errors';

/** One hidden route answering 405, with an `Allow` header, for every method `url` lacks. */
function answerOtherMethods(app: FastifyInstance, url: string, methods: ReadonlySet<string>): void {
  const allow = [...methods].sort().join(', ');
  const missing = app.supportedMethods.filter((m) => !methods.has(m));
  if (missing.length === 0) return;
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

/**
 * 405 `method_not_allowed` with an `Allow` header for a method a path does not have (HTTP semantics: the path
 * exists), where Fastify would answer 404. Register it before the routes (a fastify-plugin, so it sees every route
 * of the app): it notes each route as it is declared and, once the plugin declaring it has loaded, adds the hidden
 * route for the missing methods in that plugin's context -- so the path's own hooks (authentication) run for its
 * 405 as well. The OpenAPI document still lists only the real operations.
 */
export const methodNotAllowed = fp(
  async (app) => {
    const methodsByUrl = new Map<string, Set<string>>();
    const answered = new Set<string>();
    /** `scope` is the context declaring the path; its `after` runs once that plugin has declared all its routes. */
    const firstRouteOf = (scope: FastifyInstance, url: string): Set<string> => {
      const methods = new Set<string>();
      methodsByUrl.set(url, methods);
      scope.after(() => {
        answered.add(url);
        answerOtherMethods(scope, url, methods);
      });
      return methods;
    };
    app.addHook('onRoute', function noteRoute(route) {
      if (route.schema?.hide) return;
      if (answered.has(route.url)) {
        throw new Error(`${route.url}: declare every method of a path in one plugin (its 405 route already exists)`);
      }
      const methods = methodsByUrl.get(route.url) ?? firstRouteOf(this, route.url);
      for (const method of [route.method].flat()) methods.add(method);
    });
  },
  { name: 'method-not-allowed' },
);
