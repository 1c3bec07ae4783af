import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from './binaries';
import type { PipelinePorts } from './pipeline';

/** One port of the native stack and the variable that moves it. */
interface PortSetting {
  readonly variable: string;
  readonly what: string;
  /** Default when .env does not define the variable (the ports only the native stack has). */
  readonly fallback: number;
}

// The host ports docker compose publishes come from .env, so `pnpm stack` and `docker compose up` answer on the same
// ports; the others exist only natively (inside compose every Jaeger listens on 4317 of its own container).
const SETTINGS = {
  orderApi: { variable: 'ORDER_API_PORT', what: 'order-api', fallback: 8080 },
  payment: { variable: 'PAYMENT_SERVICE_PORT', what: 'payment-service (gRPC)', fallback: 50051 },
  otlpGrpc: { variable: 'COLLECTOR_OTLP_GRPC_PORT', what: 'collector OTLP/gRPC', fallback: 4317 },
  otlpHttp: { variable: 'COLLECTOR_OTLP_HTTP_PORT', what: 'collector OTLP/HTTP', fallback: 4318 },
  health: { variable: 'COLLECTOR_HEALTH_PORT', what: 'collector health_check', fallback: 13133 },
  metrics: { variable: 'COLLECTOR_METRICS_PORT', what: 'collector metrics', fallback: 8888 },
  pprof: { variable: 'COLLECTOR_PPROF_PORT', what: 'collector pprof', fallback: 1777 },
  zpages: { variable: 'COLLECTOR_ZPAGES_PORT', what: 'collector zpages', fallback: 55679 },
  aQuery: { variable: 'JAEGER_TENANT_A_UI_PORT', what: 'jaeger tenant_a query API', fallback: 16686 },
  bQuery: { variable: 'JAEGER_TENANT_B_UI_PORT', what: 'jaeger tenant_b query API', fallback: 16687 },
  dQuery: { variable: 'JAEGER_DEFAULT_UI_PORT', what: 'jaeger default query API', fallback: 16688 },
  aOtlp: { variable: 'JAEGER_TENANT_A_OTLP_PORT', what: 'jaeger tenant_a OTLP/gRPC', fallback: 14317 },
  bOtlp: { variable: 'JAEGER_TENANT_B_OTLP_PORT', what: 'jaeger tenant_b OTLP/gRPC', fallback: 14327 },
  dOtlp: { variable: 'JAEGER_DEFAULT_OTLP_PORT', what: 'jaeger default OTLP/gRPC', fallback: 14337 },
  aGrpc: { variable: 'JAEGER_TENANT_A_QUERY_GRPC_PORT', what: 'jaeger tenant_a query gRPC', fallback: 14685 },
  bGrpc: { variable: 'JAEGER_TENANT_B_QUERY_GRPC_PORT', what: 'jaeger tenant_b query gRPC', fallback: 14695 },
  dGrpc: { variable: 'JAEGER_DEFAULT_QUERY_GRPC_PORT', what: 'jaeger default query gRPC', fallback: 14705 },
  aHealth: { variable: 'JAEGER_TENANT_A_HEALTH_PORT', what: 'jaeger tenant_a health', fallback: 14133 },
  bHealth: { variable: 'JAEGER_TENANT_B_HEALTH_PORT', what: 'jaeger tenant_b health', fallback: 14143 },
  dHealth: { variable: 'JAEGER_DEFAULT_HEALTH_PORT', what: 'jaeger default health', fallback: 14153 },
} as const satisfies Record<string, PortSetting>;

type PortKey = keyof typeof SETTINGS;

/** Every variable that moves a port of the native stack. */
export const STACK_PORT_VARIABLES: readonly string[] = Object.values(SETTINGS).map((s) => s.variable);

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
export function stackPorts(env: NodeJS.ProcessEnv = process.env): {
  ports: PipelinePorts;
  settings: Map<number, PortSetting>;
} {
  const fromFile = dotEnvPorts();
  const value = {} as Record<PortKey, number>;
  const byPort = new Map<number, PortSetting>();
  for (const [key, setting] of Object.entries(SETTINGS) as Array<[PortKey, PortSetting]>) {
    const raw = env[setting.variable] ?? fromFile.get(setting.variable) ?? String(setting.fallback);
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) {
      throw new PortError(`${setting.variable}=${JSON.stringify(raw)} is not a port number (1-65535)`);
    }
    const clash = byPort.get(port);
    if (clash) throw new PortError(`${setting.variable} and ${clash.variable} are both ${port}: move one of them`);
    byPort.set(port, setting);
    value[key] = port;
  }
  const jaeger = (otlpGrpc: number, queryHttp: number, queryGrpc: number, health: number) => ({
    otlpGrpc,
    queryHttp,
    queryGrpc,
    health,
  });
  return {
    settings: byPort,
    ports: {
      orderApi: value.orderApi,
      payment: value.payment,
      collector: {
        otlpGrpc: value.otlpGrpc,
        otlpHttp: value.otlpHttp,
        health: value.health,
        metrics: value.metrics,
        pprof: value.pprof,
        zpages: value.zpages,
      },
      jaegers: {
        tenant_a: jaeger(value.aOtlp, value.aQuery, value.aGrpc, value.aHealth),
        tenant_b: jaeger(value.bOtlp, value.bQuery, value.bGrpc, value.bHealth),
        default: jaeger(value.dOtlp, value.dQuery, value.dGrpc, value.dHealth),
      },
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
