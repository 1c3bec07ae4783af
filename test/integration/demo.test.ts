/** `pnpm demo` must work on the first try: run it end to end (with --once) on free ports. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '@otel-stack/devstack';

it('starts the stack, prints a tree per sample order with the effective tenant, and stops cleanly', async () => {
  const env = {
    PATH: process.env.PATH ?? '',
    DEMO_HTTP_PORT: String(await freePort()),
    DEMO_GRPC_PORT: String(await freePort()),
    DEMO_OTLP_PORT: String(await freePort()),
  };
  const demo = spawn(process.execPath, [require.resolve('@otel-stack/devstack/dist/demo.js'), '--once'], {
    cwd: path.resolve(__dirname, '../..'),
    env,
  });
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  demo.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => demo.once('exit', resolve));
  expect({ code, output }).toMatchObject({ code: 0 });
  expect(output.match(/^trace [0-9a-f]{32} \(1[01] spans\)$/gm)).toHaveLength(4);
  expect(output).toMatch(/-> 201 paid/);
  expect(output).toMatch(/-> 402 payment_declined/);
  expect(output).toMatch(/-> 502 payment_error/);
  expect(output).toMatch(/payment\.charge \[payment-service INTERNAL\].*tenant\.id=default/);
  expect(output).toMatch(/Stopped\./);
});
