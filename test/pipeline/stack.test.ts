// `pnpm stack` as a user runs it: the CLI in the foreground, an order through it, its trace in the tenant's Jaeger,
// SIGTERM, and nothing left listening. And a port already taken: one line naming the variable, nothing started.
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, isListening, STACK_PORT_VARIABLES } from '@otel-stack/devstack';
import { TEST_CARDS } from 'load-generator/fixtures';
import { spawnNodeScript } from '../integration/harness/spawn';
import { sendOrder } from './harness/traces';

const CLI = path.resolve(__dirname, '../../tools/devstack/dist/stack-cli.js');

async function freePortsEnv(): Promise<Record<string, string>> {
  // A queue and logs of its own: never the developer's .build/stack, nor another test's.
  const env: Record<string, string> = { STACK_DIR: mkdtempSync(path.join(os.tmpdir(), 'stack-test-')) };
  for (const variable of STACK_PORT_VARIABLES) env[variable] = String(await freePort());
  return env;
}

const runCli = (env: Record<string, string>) => spawnNodeScript(CLI, [], env);

it('runs the pipeline in the foreground, routes an order to its tenant, and stops everything on SIGTERM', async () => {
  const env = await freePortsEnv();
  const stack = runCli(env);
  try {
    const deadline = Date.now() + 60_000;
    while (!stack.output().includes('The stack is up')) {
      if (stack.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`stack did not start:\n${stack.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stack.output()).toContain(`http://127.0.0.1:${env.JAEGER_TENANT_B_UI_PORT}/api/traces?service=order-api`);
    const order = await sendOrder(`http://127.0.0.1:${env.ORDER_API_PORT}`, TEST_CARDS.approved, 'tenant_b');
    expect(order.status).toBe(201);
    const url = `http://127.0.0.1:${env.JAEGER_TENANT_B_UI_PORT}/api/v3/traces/${order.traceId}`;
    const until = Date.now() + 30_000;
    while ((await fetch(url)).status !== 200) {
      if (Date.now() > until) throw new Error(`trace ${order.traceId} not in tenant_b's Jaeger:\n${stack.output()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    stack.child.kill('SIGTERM');
    expect(await stack.exited).toBe(0);
    expect(stack.output()).toMatch(/SIGTERM: stopping[\s\S]*Stopped\./);
    for (const variable of STACK_PORT_VARIABLES)
      expect(`${variable} ${await isListening(Number(env[variable]))}`).toBe(`${variable} false`);
  } finally {
    stack.child.kill('SIGKILL');
  }
}, 120_000);

it('a port already taken: one line naming the port and the variable that moves it, and nothing starts', async () => {
  const env = await freePortsEnv();
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(Number(env.COLLECTOR_OTLP_GRPC_PORT), '127.0.0.1', resolve));
  try {
    const stack = runCli(env);
    expect(await stack.exited).toBe(1);
    expect(stack.output().trim()).toBe(
      `pnpm stack: port ${env.COLLECTOR_OTLP_GRPC_PORT} (collector OTLP/gRPC) is already in use: set COLLECTOR_OTLP_GRPC_PORT to another port`,
    );
    expect(await isListening(Number(env.ORDER_API_PORT))).toBe(false);
  } finally {
    squatter.close();
  }
});
