#!/usr/bin/env node
/**
 * `pnpm control-plane <command>`: the control plane's admin API from a terminal.
 *
 *   serve                         run the control plane (environment as for `main.js`)
 *   agents                        list the agents: instance ID, connection, health, config hashes and status
 *   config                        the desired config's hash, parameters and the last pushes
 *   sampling <percentage>         push the config with the tail-sampling percentage changed
 *   tenants <tenants.yaml>        push the config with the tenants (and fallback) of that file
 *   endpoint <backend id> <host:port>   point a tenant's (or the fallback's) exporter at another Jaeger
 *   push <collector.yaml>         push a whole collector config (checked like every push)
 *
 * CONTROL_PLANE_URL (default http://127.0.0.1:4321) and ADMIN_TOKEN say where and as whom.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const usage =
  'usage: control-plane serve | agents | config | sampling <percentage> | tenants <tenants.yaml> | endpoint <id> <host:port> | push <collector.yaml>';

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const base = process.env.CONTROL_PLANE_URL ?? 'http://127.0.0.1:4321';
  const token = process.env.ADMIN_TOKEN;
  const res = await fetch(new URL(path, base), {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  const json = (await res.json()) as { error?: { code: string; message: string } };
  if (!res.ok) throw new Error(`${res.status} ${json.error?.code ?? ''}: ${json.error?.message ?? ''}`);
  return json;
}

interface AgentLine {
  instanceId: string;
  connected: boolean;
  health: { healthy: boolean; lastError: string } | null;
  effectiveConfigHash: string | null;
  remoteConfig: { hash: string; status: string; errorMessage: string };
}

function printAgents(agents: AgentLine[]): void {
  if (agents.length === 0) {
    process.stdout.write('no agents\n');
    return;
  }
  for (const a of agents) {
    const health = a.health === null ? 'unknown' : a.health.healthy ? 'healthy' : `unhealthy (${a.health.lastError})`;
    process.stdout.write(
      `${a.instanceId}  ${a.connected ? 'connected' : 'gone'}  ${health}  effective ${a.effectiveConfigHash?.slice(0, 12) ?? '-'}` +
        `  remote ${a.remoteConfig.hash.slice(0, 12) || '-'} ${a.remoteConfig.status}` +
        `${a.remoteConfig.errorMessage ? `: ${a.remoteConfig.errorMessage}` : ''}\n`,
    );
  }
}

async function run(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  const print = (value: unknown): void => {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  };
  switch (command) {
    case 'serve':
      require('./main');
      return;
    case 'agents':
      printAgents(((await call('GET', '/agents')) as { agents: AgentLine[] }).agents);
      return;
    case 'config': {
      const { yaml: _yaml, ...summary } = (await call('GET', '/config')) as Record<string, unknown>;
      return print(summary);
    }
    case 'sampling': {
      const percentage = Number(rest[0]);
      if (rest.length !== 1 || !Number.isFinite(percentage)) throw new Error('sampling <percentage 0-100>');
      return print(await call('POST', '/config/changes', { samplingPercentage: percentage }));
    }
    case 'tenants':
      if (rest.length !== 1) throw new Error('tenants <tenants.yaml>');
      return print(await call('POST', '/config/changes', { tenants: parse(readFileSync(rest[0] as string, 'utf8')) }));
    case 'endpoint':
      if (rest.length !== 2) throw new Error('endpoint <backend id> <host:port>');
      return print(await call('POST', '/config/changes', { endpoints: { [rest[0] as string]: rest[1] } }));
    case 'push':
      if (rest.length !== 1) throw new Error('push <collector.yaml>');
      return print(await call('PUT', '/config', { yaml: readFileSync(rest[0] as string, 'utf8') }));
    default:
      throw new Error(usage);
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`control-plane: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
