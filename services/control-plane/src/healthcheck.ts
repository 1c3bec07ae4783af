/**
 * Container healthcheck without a shell: `node dist/healthcheck.js [url]`.
 *
 * GET /healthz on the OpAMP port (the admin API stays on loopback and behind its token) and exit 0 on 200, 1 on
 * anything else (other status, connection refused, timeout). The URL defaults to
 * http://127.0.0.1:$OPAMP_PORT/healthz with the control plane's own OPAMP_PORT (default 4320).
 */
import http from 'node:http';
import { CONTROL_PLANE_DEFAULTS } from './config';
import { HEALTH_PATH } from './opamp-server';

const TIMEOUT_MS = 2_000;
const url =
  process.argv[2] ?? `http://127.0.0.1:${process.env.OPAMP_PORT ?? CONTROL_PLANE_DEFAULTS.OPAMP_PORT}${HEALTH_PATH}`;

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
