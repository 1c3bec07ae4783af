import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

/** A typed client for grpc.health.v1.Health/Check (the package ships the service definition, not a client). */
export interface HealthCheckClient extends grpc.Client {
  check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: (err: grpc.ServiceError | null, response?: { status: string | number }) => void,
  ): grpc.ClientUnaryCall;
}

export function createHealthClient(address: string, options?: grpc.ClientOptions): HealthCheckClient {
  const HealthClient = grpc.makeClientConstructor(healthService, 'grpc.health.v1.Health');
  return new HealthClient(address, grpc.credentials.createInsecure(), options) as unknown as HealthCheckClient;
}

/**
 * One Check of the whole server (service ""). Resolves `{ serving: true }` only for SERVING; otherwise says why
 * (NOT_SERVING while draining, connection refused, deadline exceeded). Never rejects.
 */
export function checkServing(
  client: HealthCheckClient,
  timeoutMs: number,
): Promise<{ serving: boolean; detail: string }> {
  return new Promise((resolve) => {
    client.check({ service: '' }, { deadline: Date.now() + timeoutMs }, (err, response) => {
      if (err) return resolve({ serving: false, detail: err.details || err.message });
      const status = response?.status;
      // proto-loader's enum option decides whether the status arrives as a name or a number.
      resolve({ serving: status === 'SERVING' || status === 1, detail: `status ${String(status)}` });
    });
  });
}
