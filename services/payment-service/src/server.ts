import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import {
  LOADER_OPTIONS,
  loadPaymentProto,
  PAYMENT_PROTO,
  PAYMENT_SERVICE_NAME,
  type PaymentServiceHandlers,
  toChargeResponse,
} from '@otel-stack/protos';
import { redactPii } from '@otel-stack/redact';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type pino from 'pino';
import { ChargeFailedError, type ChargeOptions, charge } from './charge';
import { validateCharge } from './validate-charge';

/** A ChargeRequest is four short fields; anything near this size is not a charge. */
const MAX_MESSAGE_BYTES = 64 * 1024;

function serviceError(code: grpc.status, details: string): Partial<grpc.ServiceError> {
  return { code, details, message: details };
}

function paymentHandlers(options: ChargeOptions, logger: pino.Logger): PaymentServiceHandlers {
  return {
    Charge(call, callback) {
      const validation = validateCharge(call.request);
      if (!validation.ok) {
        logger.warn({ reason: redactPii(validation.message) }, 'charge rejected: invalid argument');
        callback(serviceError(grpc.status.INVALID_ARGUMENT, validation.message));
        return;
      }
      // A client-supplied string: masked before it is logged (an order ID can be anything, a card number too).
      const orderId = redactPii(validation.charge.orderId);
      charge(validation.charge, options).then(
        (result) => {
          logger.info({ orderId, outcome: result.outcome, cardLast4: result.cardLast4 }, 'charge completed');
          callback(null, toChargeResponse(result));
        },
        (err: unknown) => {
          const retryable = err instanceof ChargeFailedError && err.retryable;
          const message = err instanceof ChargeFailedError ? err.message : 'internal error';
          logger.error({ orderId, err: message }, 'charge failed');
          callback(serviceError(retryable ? grpc.status.UNAVAILABLE : grpc.status.INTERNAL, message));
        },
      );
    },
  };
}

interface PaymentServer {
  readonly server: grpc.Server;
  readonly health: HealthImplementation;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
}

/** Starts PaymentService, grpc.health.v1.Health and server reflection on one port. */
export async function startPaymentServer(
  host: string,
  port: number,
  options: ChargeOptions,
  logger: pino.Logger,
): Promise<PaymentServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  const payment = loadPaymentProto();
  server.addService(payment.PaymentService.service, paymentHandlers(options, logger));

  const health = new HealthImplementation({ '': 'SERVING', [PAYMENT_SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);
  // Reflection describes both services, so `grpcurl` can list and call them without local .proto files.
  const described = protoLoader.loadSync([PAYMENT_PROTO, healthProtoPath], LOADER_OPTIONS);
  new ReflectionService(described).addToServer(server);

  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${host.includes(':') ? `[${host}]` : host}:${port}`,
      grpc.ServerCredentials.createInsecure(),
      (err, actual) => (err ? reject(err) : resolve(actual)),
    );
  });
  return { server, health, port: bound };
}

/** Marks the service NOT_SERVING, lets in-flight calls finish, and force-closes whatever is left after `graceMs`. */
export async function stopPaymentServer({ server, health }: PaymentServer, graceMs: number): Promise<void> {
  health.setStatus('', 'NOT_SERVING');
  health.setStatus(PAYMENT_SERVICE_NAME, 'NOT_SERVING');
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
