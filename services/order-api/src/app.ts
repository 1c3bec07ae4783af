import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiKeys } from '@otel-stack/telemetry';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ConnectionLimits } from './config';
import type { OrderStore } from './order-store';
import type { PaymentClient } from './payment-client';
import { errorEnvelope } from './plugins/error-envelope';
import { clientErrorHandler, frameworkErrors } from './plugins/framework-errors';
import { gracefulClose } from './plugins/graceful-close';
import { methodNotAllowed } from './plugins/method-not-allowed';
import { apiRoutes } from './routes/api';
import { healthRoutes } from './routes/health';

export interface AppOptions {
  readonly payments: PaymentClient;
  readonly store: OrderStore;
  readonly bodyLimitBytes: number;
  readonly batchConcurrency: number;
  /** Connection bounds; Fastify's defaults (no request timeout, unlimited connections) when absent (inject tests). */
  readonly limits?: ConnectionLimits;
  /** API-key mode: requests must authenticate, and the tenant comes from the key. */
  readonly apiKeys?: ApiKeys | undefined;
  /** Fastify logger options (see logger.ts); `false` in tests. */
  readonly logger: FastifyServerOptions['logger'];
}

/** Builds the HTTP app without listening, so tests can drive it with `app.inject`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: options.bodyLimitBytes,
    // Unknown fields are rejected (400) rather than silently dropped; no type coercion of JSON bodies.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    frameworkErrors,
    // A request that reached us over a connection accepted before shutdown began is processed like any other (the
    // drain waits for it) rather than answered 503: "accepted" means answered. New connections are refused once
    // the listener closes, and keep-alive connections get `Connection: close` (plugins/graceful-close.ts).
    return503OnClosing: false,
    clientErrorHandler,
    ...(options.limits && {
      requestTimeout: options.limits.requestTimeoutMs,
      keepAliveTimeout: options.limits.keepAliveTimeoutMs,
      // Node looks for expired requests every connectionsCheckingInterval (30 s by default): 1 s keeps the bound tight.
      http: { headersTimeout: options.limits.headersTimeoutMs, connectionsCheckingInterval: 1_000 },
    }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (options.limits) app.server.maxConnections = options.limits.maxConnections;

  // JSON only: without this, Fastify's built-in text/plain parser would accept a text body (then fail the schema
  // with 400) where the contract says 415.
  app.removeContentTypeParser('text/plain');
  // The HTTP contract as OpenAPI, generated from the route schemas (served at GET /openapi.json; the committed copy
  // services/order-api/openapi.json is checked to be current). Registered first so it sees every route.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'order-api',
        version: '0.1.0',
        description: 'Orders, paid through payment-service. Every error is { error: { code, message } }.',
      },
      ...(options.apiKeys && {
        components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
        security: [{ apiKey: [] }],
      }),
    },
  });
  // App-wide (fastify-plugin): the error envelope, the shutdown behaviour and 405s apply to every route below.
  await app.register(errorEnvelope);
  await app.register(gracefulClose);
  await app.register(methodNotAllowed);
  // Encapsulated: the health checks stay open, the API authenticates in API-key mode.
  await app.register(healthRoutes, { payments: options.payments });
  await app.register(apiRoutes, {
    payments: options.payments,
    store: options.store,
    batchConcurrency: options.batchConcurrency,
    apiKeys: options.apiKeys,
  });
  return app;
}
