import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { namesOf, TENANT_BACKENDS, type TenantBackend } from '@otel-stack/tenants';
import { ROOT } from './binaries';
import type { JaegerPorts } from './jaeger';
import type { Backend, PipelinePorts } from './pipeline';

/** One port of the native stack and the variable that moves it. */
interface PortSetting {
  readonly variable: string;
  readonly what: string;
  /** Default when .env does not define the variable (the ports only the native stack has). */
  readonly fallback: number;
}

// The host ports docker compose publishes come from .env, so `pnpm stack` and `docker compose up` answer on the same
// ports; the others exist only natively (inside compose every Jaeger listens on 4317 of its own container).
const FIXED = {
  orderApi: { variable: 'ORDER_API_PORT', what: 'order-api', fallback: 8080 },
  payment: { variable: 'PAYMENT_SERVICE_PORT', what: 'payment-service (gRPC)', fallback: 50051 },
  otlpGrpc: { variable: 'COLLECTOR_OTLP_GRPC_PORT', what: 'collector OTLP/gRPC', fallback: 4317 },
  otlpHttp: { variable: 'COLLECTOR_OTLP_HTTP_PORT', what: 'collector OTLP/HTTP', fallback: 4318 },
  health: { variable: 'COLLECTOR_HEALTH_PORT', what: 'collector health_check', fallback: 13133 },
  metrics: { variable: 'COLLECTOR_METRICS_PORT', what: 'collector metrics', fallback: 8888 },
  pprof: { variable: 'COLLECTOR_PPROF_PORT', what: 'collector pprof', fallback: 1777 },
} as const satisfies Record<string, PortSetting>;

/**
 * A Jaeger's ports: its query API on its compose UI port (tenants.yaml), the native-only ones 10 apart per backend in
 * tenants.yaml's order (14317, 14685, 14133 for the first, 14327, 14695, 14143 for the second, ...).
 */
function jaegerSettings(backend: TenantBackend, index: number): Record<keyof JaegerPorts, PortSetting> {
  const { uiPortVariable, variablePrefix } = namesOf(backend);
  const what = (port: string) => `jaeger ${backend.id} ${port}`;
  return {
    queryHttp: { variable: uiPortVariable, what: what('query API'), fallback: backend.uiPort },
    otlpGrpc: { variable: `${variablePrefix}_OTLP_PORT`, what: what('OTLP/gRPC'), fallback: 14317 + 10 * index },
    queryGrpc: {
      variable: `${variablePrefix}_QUERY_GRPC_PORT`,
      what: what('query gRPC'),
      fallback: 14685 + 10 * index,
    },
    health: { variable: `${variablePrefix}_HEALTH_PORT`, what: what('health'), fallback: 14133 + 10 * index },
  };
}

const JAEGERS = TENANT_BACKENDS.map((backend, index) => ({
  backend: backend.id,
  settings: jaegerSettings(backend, index),
}));

// `pnpm stack --opamp`: the control plane's listeners, under the variables the control plane itself reads.
const OPAMP = {
  opampPort: { variable: 'OPAMP_PORT', what: 'control plane OpAMP', fallback: 4320 },
  adminPort: { variable: 'ADMIN_PORT', what: 'control plane admin API', fallback: 4321 },
} as const satisfies Record<string, PortSetting>;

/** Every variable that moves a port of the native stack. */
export const STACK_PORT_VARIABLES: readonly string[] = [
  ...Object.values(FIXED),
  ...JAEGERS.flatMap((j) => Object.values(j.settings)),
  ...Object.values(OPAMP),
].map((s) => s.variable);

function dotEnvPorts(): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of readFileSync(path.join(ROOT, '.env'), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(\d+)$/.exec(line.trim());
    if (m?.[1] && m[2]) values.set(m[1], m[2]);
  }
  return values;
}

/** A problem with the ports, said in one line that names the variable. */
export class PortError extends Error {}

/** The stack's ports: the environment, else .env, else the native default; each must be a valid, distinct port. */
export function stackPorts(
  env: NodeJS.ProcessEnv = process.env,
  options: { opamp?: boolean } = {},
): {
  ports: PipelinePorts;
  /** With `opamp`: the control plane's ports. */
  opamp: { opampPort: number; adminPort: number } | undefined;
  settings: Map<number, PortSetting>;
} {
  const fromFile = dotEnvPorts();
  const byPort = new Map<number, PortSetting>();
  const portOf = (setting: PortSetting): number => {
    const raw = env[setting.variable] ?? fromFile.get(setting.variable) ?? String(setting.fallback);
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) {
      throw new PortError(`${setting.variable}=${JSON.stringify(raw)} is not a port number (1-65535)`);
    }
    const clash = byPort.get(port);
    if (clash) throw new PortError(`${setting.variable} and ${clash.variable} are both ${port}: move one of them`);
    byPort.set(port, setting);
    return port;
  };
  const fixed = Object.fromEntries(Object.entries(FIXED).map(([key, setting]) => [key, portOf(setting)])) as Record<
    keyof typeof FIXED,
    number
  >;
  const jaegers = {} as Record<Backend, JaegerPorts>;
  for (const { backend, settings } of JAEGERS) {
    jaegers[backend] = {
      otlpGrpc: portOf(settings.otlpGrpc),
      queryHttp: portOf(settings.queryHttp),
      queryGrpc: portOf(settings.queryGrpc),
      health: portOf(settings.health),
    };
  }
  const opamp = options.opamp ? { opampPort: portOf(OPAMP.opampPort), adminPort: portOf(OPAMP.adminPort) } : undefined;
  return {
    settings: byPort,
    opamp,
    ports: {
      orderApi: fixed.orderApi,
      payment: fixed.payment,
      collector: {
        otlpGrpc: fixed.otlpGrpc,
        otlpHttp: fixed.otlpHttp,
        health: fixed.health,
        metrics: fixed.metrics,
        pprof: fixed.pprof,
      },
      jaegers,
    },
  };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Throws a PortError for the first port already taken, naming the variable that moves it. */
export async function checkPortsFree(settings: Map<number, PortSetting>): Promise<void> {
  for (const [port, setting] of settings) {
    if (!(await portFree(port))) {
      throw new PortError(`port ${port} (${setting.what}) is already in use: set ${setting.variable} to another port`);
    }
  }
}
