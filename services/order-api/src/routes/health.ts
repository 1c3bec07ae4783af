import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ignoreIncomingPaths } from '@otel-stack/telemetry';
import { Type } from 'typebox';
import { sendError } from '../errors';
import type { PaymentClient } from '../payment-client';
import { ErrorEnvelope } from '../schemas/order';

const Status = Type.Object({ status: Type.String() });

const LIVENESS = '/healthz';
const READINESS = '/readyz';

/**
 * /healthz: liveness, 200 while the process serves. /readyz: 200 only while payment-service answers its gRPC
 * health check with SERVING. Probes carry no credentials: app.ts registers these outside the authenticated routes.
 * Neither produces spans: they are declared untraced before they are registered.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{ payments: PaymentClient }> = async (app, { payments }) => {
  ignoreIncomingPaths([LIVENESS, READINESS]);

  app.get(LIVENESS, { logLevel: 'warn', schema: { response: { 200: Status } } }, async () => ({ status: 'ok' }));

  app.get(
    READINESS,
    { logLevel: 'warn', schema: { response: { 200: Status, 503: ErrorEnvelope } } },
    async (_, reply) => {
      if (await payments.isServing()) return { status: 'ready' };
      return sendError(reply, 'payment_unavailable', 'payment-service is not serving');
    },
  );
};
