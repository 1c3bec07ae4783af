import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** The one list of the stack's tenants, at the repository root. */
export const TENANTS_FILE = 'tenants.yaml';

/** A tenant with a Jaeger of its own, or the fallback Jaeger. */
export interface Backend {
  /** The `tenant.id` the collector routes on (for the fallback: the name of its pipeline and exporter). */
  readonly id: string;
  /** Its Jaeger: the compose service, the Kubernetes Deployment and Service, the host of its OTLP endpoint. */
  readonly jaeger: string;
  /** The host port of its Jaeger UI (compose) and query API (`pnpm stack`). */
  readonly uiPort: number;
  /** The fallback receives every span that no tenant's route matches. */
  readonly fallback: boolean;
}

export interface Tenants {
  /** The tenants (what the services accept in TENANTS). */
  readonly tenants: readonly Backend[];
  readonly fallback: Backend;
  /** The tenants, then the fallback: the order of tenants.yaml. */
  readonly backends: readonly Backend[];
}

/** The container ports every Jaeger listens on: OTLP/gRPC from the collector, and its UI and query API. */
export const JAEGER_OTLP_GRPC_PORT = 4317;
export const JAEGER_UI_PORT = 16686;

/** What the other files call a backend: the collector's exporter and pipeline, the variables that point at it. */
export function namesOf(backend: Pick<Backend, 'id' | 'jaeger'>): {
  readonly exporter: string;
  readonly pipeline: string;
  /** `JAEGER_TENANT_A` for `jaeger-tenant-a`: the start of every variable about this Jaeger. */
  readonly variablePrefix: string;
  /** The collector's variable for the exporter's endpoint; compose and Kubernetes use its default. */
  readonly endpointVariable: string;
  readonly uiPortVariable: string;
} {
  const variablePrefix = backend.jaeger.toUpperCase().replaceAll('-', '_');
  return {
    exporter: `otlp_grpc/${backend.id}`,
    pipeline: `traces/${backend.id}`,
    variablePrefix,
    endpointVariable: `${variablePrefix}_ENDPOINT`,
    uiPortVariable: `${variablePrefix}_UI_PORT`,
  };
}

/** The value of TENANTS both services read: every backend but the fallback. */
export function servicesTenants(backends: readonly Pick<Backend, 'id' | 'fallback'>[]): string {
  return backends
    .filter((b) => !b.fallback)
    .map((b) => b.id)
    .join(',');
}

/** A tenants.yaml that cannot be used, said in one line that names the entry. */
export class TenantsError extends Error {
  override name = 'TenantsError';
}

// What TENANTS accepts (packages/telemetry): also safe in OTTL string literals, pipeline names and file names.
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
// A DNS label (compose service, Kubernetes object and host name) that starts with `jaeger-`: k8s/tenants/ names
// each tenant's copy of k8s/jaeger/ by appending the rest as a suffix.
const JAEGER = /^jaeger-[a-z0-9](?:[a-z0-9-]{0,54}[a-z0-9])?$/;

function backendAt(value: unknown, where: string, fallback: boolean): Backend {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TenantsError(`${where}: expected a map with id, jaeger and uiPort`);
  }
  const entry = value as Record<string, unknown>;
  const unknown = Object.keys(entry).filter((key) => !['id', 'jaeger', 'uiPort'].includes(key));
  if (unknown.length > 0) throw new TenantsError(`${where}: unknown key ${unknown.join(', ')}`);
  const { id, jaeger, uiPort } = entry;
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new TenantsError(`${where}.id: letters, digits, '_' and '-', at most 63 characters; got ${String(id)}`);
  }
  if (typeof jaeger !== 'string' || !JAEGER.test(jaeger)) {
    throw new TenantsError(
      `${where}.jaeger: jaeger-<name> in lowercase letters, digits and '-'; got ${String(jaeger)}`,
    );
  }
  if (typeof uiPort !== 'number' || !Number.isInteger(uiPort) || uiPort < 1 || uiPort > 65_535) {
    throw new TenantsError(`${where}.uiPort: a port number (1-65535); got ${String(uiPort)}`);
  }
  return { id, jaeger, uiPort, fallback };
}

function checkUnique(backends: readonly Backend[], field: 'id' | 'jaeger' | 'uiPort'): void {
  const seen = new Set<unknown>();
  for (const backend of backends) {
    if (seen.has(backend[field])) throw new TenantsError(`${field} ${backend[field]} appears twice`);
    seen.add(backend[field]);
  }
}

/** Parses and checks the text of tenants.yaml. */
export function parseTenants(text: string): Tenants {
  const file: unknown = parse(text);
  if (typeof file !== 'object' || file === null || Array.isArray(file)) {
    throw new TenantsError('expected a map with `tenants` and `fallback`');
  }
  const { tenants, fallback, ...rest } = file as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new TenantsError(`unknown key ${Object.keys(rest).join(', ')}`);
  if (!Array.isArray(tenants) || tenants.length === 0) {
    throw new TenantsError('tenants: expected a list of at least one tenant');
  }
  const parsed = {
    tenants: tenants.map((t, i) => backendAt(t, `tenants[${i}]`, false)),
    fallback: backendAt(fallback, 'fallback', true),
  };
  const backends = [...parsed.tenants, parsed.fallback];
  for (const field of ['id', 'jaeger', 'uiPort'] as const) checkUnique(backends, field);
  return { ...parsed, backends };
}

/** tenants.yaml of the checkout at `root`; a TenantsError names the file. */
export function readTenants(root: string): Tenants {
  try {
    return parseTenants(readFileSync(path.join(root, TENANTS_FILE), 'utf8'));
  } catch (err) {
    if (err instanceof TenantsError) throw new TenantsError(`${TENANTS_FILE}: ${err.message}`);
    throw err;
  }
}
