import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/payment';

export { type ChargeInput, type ChargeResult, fromChargeResponse, toChargeResponse } from './charge';
export type { ChargeRequest, ChargeRequest__Output } from './generated/payment/v1/ChargeRequest';
export type { PaymentServiceClient, PaymentServiceHandlers } from './generated/payment/v1/PaymentService';

export const PAYMENT_PROTO = 'payment/v1/payment.proto';

/**
 * One set of loader options for client and server, matching the generated types:
 * int64 as decimal strings (no silent precision loss above 2^53: the server validates them),
 * enums as their names, defaults filled in so a missing field reads as '' or 0, not undefined.
 * The include root is the directory holding `payment/v1/payment.proto`.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [path.resolve(__dirname, '..')],
};

export function loadPaymentProto(): ProtoGrpcType['payment']['v1'] {
  const definition = protoLoader.loadSync(PAYMENT_PROTO, LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  return loaded.payment.v1;
}

/** Fully qualified gRPC service name, as it appears in span names and health checks. */
export const PAYMENT_SERVICE_NAME = 'payment.v1.PaymentService';

export { checkServing, createHealthClient, type HealthCheckClient } from './health';
