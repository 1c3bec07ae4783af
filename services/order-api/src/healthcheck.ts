/**
 * Container healthcheck without a shell: `node dist/healthcheck.js [url]`.
 *
 * GET /healthz (liveness: 200 while the process serves) and exit 0 on 200, 1 on anything else (other status,
 * connection refused, timeout). The URL defaults to http://127.0.0.1:$PORT/healthz with the service's own PORT
 * (default 8080). Runs without the telemetry preload on purpose, and /healthz produces no spans anyway.
 */
import http from 'node:http';

const TIMEOUT_MS = Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? '2000');
const url = process.argv[2] ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}/healthz`;

function fail(message: string): never {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

const request = http.get(url, { timeout: TIMEOUT_MS, headers: { connection: 'close' } }, (response) => {
  response.resume();
  if (response.statusCode !== 200) fail(`${url}: HTTP ${response.statusCode}`);
  process.exit(0);
});
request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
request.on('error', (err) => fail(`${url}: ${err.message}`));
