import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/payment';

export type { ChargeOutcome__Output as ChargeOutcome } from './generated/payment/v1/ChargeOutcome';
export type { ChargeRequest, ChargeRequest__Output } from './generated/payment/v1/ChargeRequest';
export type { ChargeResponse, ChargeResponse__Output } from './generated/payment/v1/ChargeResponse';
export type {
  PaymentServiceClient,
  PaymentServiceDefinition,
  PaymentServiceHandlers,
} from './generated/payment/v1/PaymentService';

/** The directory holding `payment/v1/payment.proto`; also the include root for reflection. */
export const PROTO_ROOT = path.resolve(__dirname, '..');
export const PAYMENT_PROTO = 'payment/v1/payment.proto';

/**
 * One set of loader options for client and server, matching the generated types:
 * int64 as decimal strings (no silent precision loss above 2^53: the server validates them),
 * enums as their names, defaults filled in so a missing field reads as '' or 0, not undefined.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

export function loadPaymentPackageDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(PAYMENT_PROTO, LOADER_OPTIONS);
}

export function loadPaymentProto(
  definition: protoLoader.PackageDefinition = loadPaymentPackageDefinition(),
): ProtoGrpcType['payment']['v1'] {
  const loaded = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  return loaded.payment.v1;
}

/** Fully qualified gRPC service name, as it appears in span names and health checks. */
export const PAYMENT_SERVICE_NAME = 'payment.v1.PaymentService';

export { checkServing, createHealthClient, type HealthCheckClient } from './health';
