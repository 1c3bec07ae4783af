// `pnpm stack` as a user runs it: the CLI in the foreground, an order through it, its trace in the tenant's Jaeger,
// SIGTERM, and nothing left listening. And a port already taken: one line naming the variable, nothing started. And
// `pnpm stack --opamp`, its config changed with `pnpm control-plane` while it runs.
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

const CONTROL_PLANE_CLI = path.resolve(__dirname, '../../services/control-plane/dist/cli.js');

const runCli = (env: Record<string, string>, args: string[] = []) => spawnNodeScript(CLI, args, env);

async function untilUp(stack: ReturnType<typeof runCli>): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!stack.output().includes('The stack is up')) {
    if (stack.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`stack did not start:\n${stack.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function untilStored(env: Record<string, string>, traceId: string, output: () => string): Promise<void> {
  const url = `http://127.0.0.1:${env.JAEGER_TENANT_B_UI_PORT}/api/v3/traces/${traceId}`;
  const until = Date.now() + 30_000;
  while ((await fetch(url)).status !== 200) {
    if (Date.now() > until) throw new Error(`trace ${traceId} not in tenant_b's Jaeger:\n${output()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

it('runs the pipeline in the foreground, routes an order to its tenant, and stops everything on SIGTERM', async () => {
  const env = await freePortsEnv();
  const stack = runCli(env);
  try {
    await untilUp(stack);
    expect(stack.output()).toContain(`http://127.0.0.1:${env.JAEGER_TENANT_B_UI_PORT}/api/traces?service=order-api`);
    expect(stack.output()).not.toContain('control-plane');
    const order = await sendOrder(`http://127.0.0.1:${env.ORDER_API_PORT}`, TEST_CARDS.approved, 'tenant_b');
    expect(order.status).toBe(201);
    await untilStored(env, order.traceId, stack.output);
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

it('--opamp: the collector under the supervisor, configured by the control plane; `pnpm control-plane` changes it', async () => {
  const env = await freePortsEnv();
  const stack = runCli(env, ['--opamp']);
  try {
    await untilUp(stack);
    const adminUrl = `http://127.0.0.1:${env.ADMIN_PORT}`;
    expect(stack.output()).toContain(`control-plane    OpAMP ws://127.0.0.1:${env.OPAMP_PORT}/v1/opamp`);
    const order = await sendOrder(`http://127.0.0.1:${env.ORDER_API_PORT}`, TEST_CARDS.approved, 'tenant_b');
    await untilStored(env, order.traceId, stack.output);

    const cli = (...args: string[]) => spawnNodeScript(CONTROL_PLANE_CLI, args, { CONTROL_PLANE_URL: adminUrl });
    const sampling = cli('sampling', '10');
    expect(await sampling.exited).toBe(0);
    const { hash } = JSON.parse(sampling.output()) as { hash: string };
    const deadline = Date.now() + 60_000;
    let agents = '';
    while (!new RegExp(`remote ${hash.slice(0, 12)} APPLIED`).test(agents)) {
      if (Date.now() > deadline) throw new Error(`the push was not applied:\n${agents}\n${stack.output()}`);
      await new Promise((r) => setTimeout(r, 500));
      const list = cli('agents');
      await list.exited;
      agents = list.output();
    }
    expect(agents).toMatch(
      /^[0-9a-f]{32} {2}connected {2}healthy {2}effective [0-9a-f]{12} {2}remote [0-9a-f]{12} APPLIED$/m,
    );
    const bad = cli('sampling', '150');
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('400 invalid_request');

    stack.child.kill('SIGTERM');
    expect(await stack.exited).toBe(0);
    for (const variable of STACK_PORT_VARIABLES)
      expect(`${variable} ${await isListening(Number(env[variable]))}`).toBe(`${variable} false`);
  } finally {
    stack.child.kill('SIGKILL');
  }
}, 180_000);
