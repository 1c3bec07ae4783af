/**
 * Container healthcheck without a shell: `node dist/healthcheck.js [host:port]`.
 *
 * Sends one grpc.health.v1.Health/Check for the whole server (service "") and exits 0 only on SERVING, 1 on
 * anything else (NOT_SERVING while draining after SIGTERM, connection refused, deadline exceeded). The address
 * defaults to 127.0.0.1 and the service's own PORT (default 50051), so the same environment that configures the
 * server configures its probe. Runs without the telemetry preload on purpose: probes must not produce spans.
 */
import { checkServing, createHealthClient } from '@otel-stack/protos';

const TIMEOUT_MS = Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? '2000');

function fail(message: string): never {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

const address = process.argv[2] ?? `127.0.0.1:${process.env.PORT ?? '50051'}`;
// A hung connection must not outlive the container runtime's own probe timeout.
setTimeout(() => fail(`no answer from ${address} within ${TIMEOUT_MS} ms`), TIMEOUT_MS + 500).unref();

const client = createHealthClient(address);
void checkServing(client, TIMEOUT_MS).then(({ serving, detail }) => {
  client.close();
  if (!serving) fail(`${address}: ${detail}`);
  process.exit(0);
});
