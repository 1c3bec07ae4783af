import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sendError } from '../errors';
import type { PaymentClient } from '../payment-client';
import { ErrorEnvelope } from '../schemas/order';

const Status = Type.Object({ status: Type.String() });

/** Probes carry no credentials: these paths stay open in API-key mode. */
export const UNAUTHENTICATED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/**
 * /healthz: liveness, 200 while the process serves. /readyz: 200 only while payment-service answers its gRPC
 * health check with SERVING. Neither produces spans (the telemetry bootstrap ignores both paths).
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{ payments: PaymentClient }> = async (app, { payments }) => {
  app.get('/healthz', { logLevel: 'warn', schema: { response: { 200: Status } } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    { logLevel: 'warn', schema: { response: { 200: Status, 503: ErrorEnvelope } } },
    async (_, reply) => {
      if (await payments.isServing()) return { status: 'ready' };
      return sendError(reply, 'payment_unavailable', 'payment-service is not serving');
    },
  );
};
