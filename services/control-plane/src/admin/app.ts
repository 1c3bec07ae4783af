// The admin HTTP API: agents and their state, the desired config, and the two ways to change it. JSON in and out,
// every error in the one envelope; loopback by default, a bearer token whenever ADMIN_TOKEN is set.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { redactPii } from '@otel-stack/redact';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { type ConfigParameters, ConfigRenderError } from '../collector-config';
import type { ControlPlane } from '../control-plane';
import { MaskingGateError } from '../masking-gate';
import { ConfigInvalidError } from '../validate-config';
import { sendError } from './errors';
import { AgentSchema, ConfigChangeSchema, ErrorSchema, PushResultSchema, WholeConfigSchema } from './schemas';

export interface AdminAppOptions {
  readonly controlPlane: ControlPlane;
  readonly token: string | undefined;
  /** The control plane's logger; none in tests. */
  readonly log?: FastifyBaseLogger;
}

const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function buildAdminApp(options: AdminAppOptions): Promise<FastifyInstance> {
  const { controlPlane } = options;
  const app = Fastify({
    ...(options.log ? { loggerInstance: options.log } : { logger: false }),
    bodyLimit: BODY_LIMIT_BYTES,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err.validation) return sendError(reply, 'invalid_request', err.message);
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, 'unsupported_media_type', 'content-type must be application/json');
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 'payload_too_large', 'body is too large');
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return sendError(reply, 'invalid_request', 'body: malformed or missing JSON');
    }
    if (err instanceof MaskingGateError) return sendError(reply, 'config_rejected', err.message);
    if (err instanceof ConfigRenderError) return sendError(reply, 'invalid_request', err.message);
    if (err instanceof ConfigInvalidError) return sendError(reply, 'config_invalid', err.message);
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, 'invalid_request', 'invalid request');
    }
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, 'internal', 'internal error');
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 'not_found', `no route for ${request.method} ${redactPii(request.url.split('?')[0] ?? '')}`),
  );

  // Open: what an orchestrator's probe calls.
  app.get('/healthz', { schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  const api: FastifyPluginAsyncTypebox = async (api) => {
    const token = options.token;
    if (token !== undefined) {
      api.addHook('onRequest', async (request, reply) => {
        if (!tokenMatches(request.headers.authorization, token)) {
          return sendError(reply, 'unauthorized', 'Authorization: Bearer <ADMIN_TOKEN> is required');
        }
      });
    }

    api.get(
      '/agents',
      { schema: { response: { 200: Type.Object({ agents: Type.Array(AgentSchema) }) } } },
      async () => ({ agents: controlPlane.registry.list() }),
    );

    api.get(
      '/agents/:instanceId',
      {
        schema: {
          params: Type.Object({ instanceId: Type.String({ pattern: '^[0-9a-f]{32}$' }) }),
          response: {
            200: Type.Intersect([
              AgentSchema,
              Type.Object({ effectiveConfig: Type.Union([Type.String(), Type.Null()]) }),
            ]),
            404: ErrorSchema,
          },
        },
      },
      async (request, reply) => {
        const agent = controlPlane.registry.get(request.params.instanceId);
        if (!agent) return sendError(reply, 'not_found', `no agent ${request.params.instanceId}`);
        return agent;
      },
    );

    api.get('/config', async (_request, reply) => {
      const desired = controlPlane.desired;
      if (!desired) return sendError(reply, 'not_found', 'no desired config yet');
      return {
        hash: desired.hash,
        parameters: desired.parameters,
        createdAt: desired.createdAt,
        yaml: desired.yaml,
        rollouts: controlPlane.rollouts,
      };
    });

    api.post(
      '/config/changes',
      { schema: { body: ConfigChangeSchema, response: { 202: PushResultSchema, 400: ErrorSchema, 422: ErrorSchema } } },
      async (request, reply) => {
        const current = controlPlane.desired?.parameters;
        if (!current) {
          return sendError(reply, 'invalid_request', 'the desired config was pushed whole: push a whole config again');
        }
        const change = request.body;
        const tenants = change.tenants ?? current.tenants;
        const listed = new Set([...tenants.tenants, tenants.fallback].map((b) => b.id));
        const next: ConfigParameters = {
          samplingPercentage: change.samplingPercentage ?? current.samplingPercentage,
          tenants,
          // The endpoints of backends no longer listed go with them; one given for a backend not listed is an error.
          endpoints: {
            ...Object.fromEntries(Object.entries(current.endpoints).filter(([id]) => listed.has(id))),
            ...change.endpoints,
          },
        };
        const result = await controlPlane.pushRendered(next);
        return reply.code(202).send(result);
      },
    );

    api.put(
      '/config',
      { schema: { body: WholeConfigSchema, response: { 202: PushResultSchema, 400: ErrorSchema, 422: ErrorSchema } } },
      async (request, reply) => reply.code(202).send(await controlPlane.push(request.body.yaml, null)),
    );
  };
  // Encapsulated: the token hook applies to these routes, not to /healthz.
  await app.register(api);
  return app;
}
