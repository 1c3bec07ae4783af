/** `pnpm demo --receiver-only`, the fallback for machines without Go: end to end (with --once) on free ports. */
import path from 'node:path';
import { freePort } from '@otel-stack/devstack';
import { spawnNodeScript } from './harness/spawn';

const DEMO = require.resolve('@otel-stack/devstack/dist/demo.js');

it('without the collector: prints the raw trees from a local receiver, says why and that nothing is masked', async () => {
  const env = {
    ORDER_API_PORT: String(await freePort()),
    PAYMENT_SERVICE_PORT: String(await freePort()),
    COLLECTOR_OTLP_GRPC_PORT: String(await freePort()),
  };
  const demo = spawnNodeScript(DEMO, ['--once', '--receiver-only'], env);
  const code = await demo.exited;
  const output = demo.output();
  expect({ code, output }).toMatchObject({ code: 0 });
  expect(output).toMatch(/^Receiver-only demo \(--receiver-only\)/);
  expect(output.match(/^trace [0-9a-f]{32} \(1[01] spans\)$/gm)).toHaveLength(4);
  expect(output).toMatch(/-> 201 paid/);
  expect(output).toMatch(/-> 402 payment_declined/);
  expect(output).toMatch(/-> 502 payment_error/);
  expect(output).toMatch(/payment\.charge \[payment-service INTERNAL\].*tenant\.id=default/);
  expect(output).toMatch(/UNMASKED/);
  expect(output).toMatch(/Stopped\./);
});

it('Ctrl-C (one SIGINT) stops it with exit 0 after both services flushed their spans', async () => {
  const { readFileSync } = await import('node:fs');
  const env = {
    ORDER_API_PORT: String(await freePort()),
    PAYMENT_SERVICE_PORT: String(await freePort()),
    COLLECTOR_OTLP_GRPC_PORT: String(await freePort()),
  };
  const demo = spawnNodeScript(DEMO, ['--receiver-only'], env);
  const deadline = Date.now() + 30_000;
  while (!demo.output().includes('Press Ctrl-C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  demo.child.kill('SIGINT');
  expect(await demo.exited).toBe(0);
  const output = demo.output();
  expect(output).toMatch(/Ctrl-C: stopping[\s\S]*Stopped\./);
  const logDir = /service logs\s+(\S+)/.exec(output)?.[1] ?? '';
  for (const service of ['order-api', 'payment-service']) {
    expect(readFileSync(path.join(logDir, `${service}.log`), 'utf8')).toMatch(/"msg":"span export totals"/);
  }
}, 60_000);
