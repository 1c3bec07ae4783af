/**
 * Container healthcheck without a shell: `node dist/healthcheck.js [host:port]`.
 *
 * Sends one grpc.health.v1.Health/Check for the whole server (service "") and exits 0 only on SERVING, 1 on
 * anything else (NOT_SERVING while draining after SIGTERM, connection refused, deadline exceeded). The address
 * defaults to 127.0.0.1 and the service's own PORT (default 50051), so the same environment that configures the
 * server configures its probe. Runs without the telemetry preload on purpose: probes must not produce spans.
 */
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

const TIMEOUT_MS = Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? '2000');

interface HealthCheckClient extends grpc.Client {
  check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: (err: grpc.ServiceError | null, response?: { status: string | number }) => void,
  ): grpc.ClientUnaryCall;
}

function fail(message: string): never {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

const address = process.argv[2] ?? `127.0.0.1:${process.env.PORT ?? '50051'}`;
// A hung connection must not outlive the container runtime's own probe timeout.
setTimeout(() => fail(`no answer from ${address} within ${TIMEOUT_MS} ms`), TIMEOUT_MS + 500).unref();

const HealthClient = grpc.makeClientConstructor(healthService, 'grpc.health.v1.Health');
const client = new HealthClient(address, grpc.credentials.createInsecure()) as unknown as HealthCheckClient;
client.check({ service: '' }, { deadline: Date.now() + TIMEOUT_MS }, (err, response) => {
  client.close();
  if (err) fail(`${address}: ${err.details || err.message}`);
  const status = response?.status;
  if (status !== 'SERVING' && status !== 1) fail(`${address}: status ${String(status)}`);
  process.exit(0);
});
