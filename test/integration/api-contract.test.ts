/**
 * An outside property-based API tester against the live service: schemathesis generates requests from order-api's
 * own OpenAPI document (GET /openapi.json) and checks every answer against it -- no server errors, status codes,
 * content types, headers and bodies as documented, invalid input refused, undeclared methods answered 405.
 *
 * One check is left out, on purpose: `positive_data_acceptance` expects every schema-valid body to be accepted, but
 * the contract has rules JSON Schema cannot say (a SKU once per order, an ISO 4217 currency, a total that fits), and
 * those are answered 400 `invalid_request`, as documented.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningService, startService } from '@otel-stack/devstack';

const ST = path.resolve(__dirname, '../../.toolchain/schemathesis/bin/st');

let payment: RunningService;
let orders: RunningService;
beforeAll(async () => {
  payment = await startService('payment-service', { env: { OTEL_SDK_DISABLED: 'true' } });
  // Default log level: startService waits for the "listening" line (info); the run logs every request it makes.
  orders = await startService('order-api', {
    env: { OTEL_SDK_DISABLED: 'true', PAYMENT_SERVICE_ADDR: `127.0.0.1:${payment.port}` },
  });
});
afterAll(async () => {
  await Promise.all([orders?.terminate(), payment?.terminate()]);
});

it('schemathesis finds no server error and no answer that contradicts the OpenAPI document', () => {
  if (!existsSync(ST)) throw new Error(`${ST} missing: run bash scripts/install-schemathesis.sh (pnpm test does)`);
  const run = spawnSync(
    ST,
    [
      'run',
      `http://127.0.0.1:${orders.port}/openapi.json`,
      '--checks',
      'all',
      '--exclude-checks',
      'positive_data_acceptance',
      '--max-examples',
      '40',
      '--seed',
      '1',
      '--workers',
      '1',
      '--warnings',
      'off',
    ],
    {
      encoding: 'utf8',
      timeout: 120_000,
      // schemathesis keeps a cache of what it found in its working directory: not in the checkout.
      cwd: mkdtempSync(path.join(os.tmpdir(), 'schemathesis-')),
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    },
  );
  const output = `${run.stdout}${run.stderr}`;
  expect({ status: run.status, output }).toMatchObject({ status: 0 });
  // It really tested: every operation, hundreds of generated cases.
  expect(output).toMatch(/Tested: 5/);
  const generated = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
  expect(generated).toBeGreaterThan(100);
}, 150_000);
