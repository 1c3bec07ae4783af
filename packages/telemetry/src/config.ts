import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, readNumber } from '@otel-stack/config';
import { ApiKeys, TENANT_BAGGAGE_KEY } from './tenant';

/** Everything the bootstrap reads from the environment beyond the standard `OTEL_*` variables the SDK reads itself. */
export interface TelemetryConfig {
  /** Default `service.name` (the service's package name); `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES` override it. */
  readonly serviceName: string;
  /** Default `service.version` (the service's package version). */
  readonly serviceVersion: string;
  /** Tenants accepted from `tenant_id` baggage; any other value becomes `default`. */
  readonly tenants: ReadonlySet<string>;
  /** API_KEYS: when set, the tenant comes from the caller's API key, never from its baggage. */
  readonly apiKeys: ApiKeys | undefined;
  /** BAGGAGE_ALLOWLIST: baggage entries accepted from callers (tenant_id always). */
  readonly baggageAllowlist: ReadonlySet<string>;
  /** How long in-flight work may take to finish after SIGTERM/SIGINT. */
  readonly shutdownDrainTimeoutMs: number;
  /** How long the final span flush may take (the collector may be unreachable). */
  readonly shutdownFlushTimeoutMs: number;
  /** OTEL_NODE_DISABLED_INSTRUMENTATIONS: instrumentations not installed (default: none, all four run). */
  readonly disabledInstrumentations: ReadonlySet<InstrumentationName>;
}

/** The instrumentations the bootstrap installs, by the names OTEL_NODE_DISABLED_INSTRUMENTATIONS uses. */
export const INSTRUMENTATION_NAMES = ['http', 'grpc', 'fastify', 'pino'] as const;
export type InstrumentationName = (typeof INSTRUMENTATION_NAMES)[number];

export const TELEMETRY_DEFAULTS = {
  TENANTS: 'tenant_a,tenant_b',
  BAGGAGE_ALLOWLIST: TENANT_BAGGAGE_KEY,
  SHUTDOWN_DRAIN_TIMEOUT_MS: '10000',
  SHUTDOWN_FLUSH_TIMEOUT_MS: '5000',
  DEPLOYMENT_ENVIRONMENT: 'development',
} as const;

const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function parseTenants(raw: string): ReadonlySet<string> {
  const tenants = raw
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tenants.length === 0) {
    throw new ConfigError(
      'TENANTS is empty: list at least one tenant with its own backend (default: tenant_a,tenant_b)',
    );
  }
  for (const tenant of tenants) {
    if (!TENANT_PATTERN.test(tenant)) {
      throw new ConfigError(
        `TENANTS: "${tenant}" is not a valid tenant name (letters, digits, '_' and '-', at most 63 characters)`,
      );
    }
  }
  return new Set(tenants);
}

const API_KEY_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
const BAGGAGE_KEY_PATTERN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/**
 * API_KEYS: comma-separated `key:tenant` pairs, e.g. `k-test-aaaaaaaaaaaaaaaa:tenant_a`. Keys are 16-128 characters of
 * letters, digits, '_' and '-'; each tenant must be in TENANTS. Errors name the pair's position, never the key.
 */
export function parseApiKeys(raw: string | undefined, tenants: ReadonlySet<string>): ApiKeys | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const byKey = new Map<string, string>();
  raw.split(',').forEach((pair, i) => {
    const [key, tenant, ...rest] = pair.trim().split(':');
    const where = `API_KEYS entry ${i + 1}`;
    if (key === undefined || tenant === undefined || rest.length > 0) {
      throw new ConfigError(`${where}: expected key:tenant`);
    }
    if (!API_KEY_PATTERN.test(key)) {
      throw new ConfigError(`${where}: a key is 16-128 characters of letters, digits, '_' and '-'`);
    }
    if (!tenants.has(tenant)) throw new ConfigError(`${where}: tenant "${tenant}" is not in TENANTS`);
    if (byKey.has(key)) throw new ConfigError(`${where}: the same key appears twice`);
    byKey.set(key, tenant);
  });
  return new ApiKeys(byKey);
}

export function parseBaggageAllowlist(raw: string): ReadonlySet<string> {
  const keys = raw
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  for (const key of keys) {
    if (!BAGGAGE_KEY_PATTERN.test(key)) throw new ConfigError(`BAGGAGE_ALLOWLIST: "${key}" is not a baggage key`);
  }
  return new Set([TENANT_BAGGAGE_KEY, ...keys]);
}

/** The values of OTEL_TRACES_EXPORTER the bootstrap builds an exporter for (see createExporters). */
const TRACE_EXPORTERS = ['otlp', 'console', 'none'] as const;
/** The samplers the JS SDK builds from OTEL_TRACES_SAMPLER. */
const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

function checkOneOf(name: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) {
    throw new ConfigError(`${name}: "${value}" is not supported (allowed: ${allowed.join(', ')})`);
  }
}

/**
 * The standard variables the SDK reads itself but only warns about (or throws a stack trace for): checked here so a
 * wrong value stops the service with one line, like every other setting.
 */
function checkSdkVariables(env: NodeJS.ProcessEnv): void {
  // Split as @opentelemetry/core's getStringListFromEnv does (createExporters reads it that way), but from `env`.
  for (const exporter of (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    checkOneOf('OTEL_TRACES_EXPORTER', exporter, TRACE_EXPORTERS);
  }
  const sampler = env.OTEL_TRACES_SAMPLER?.trim();
  if (sampler) {
    checkOneOf('OTEL_TRACES_SAMPLER', sampler, TRACE_SAMPLERS);
    if (sampler.endsWith('traceidratio') && env.OTEL_TRACES_SAMPLER_ARG !== undefined) {
      readNumber('OTEL_TRACES_SAMPLER_ARG', env.OTEL_TRACES_SAMPLER_ARG, { min: 0, max: 1 });
    }
  }
}

/**
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS (the variable the zero-code distribution reads, with this bootstrap's four
 * names): for measuring what each costs, or dropping log correlation (`pino`). Without `http` there is no SERVER
 * span and no context from callers; without `grpc` no trace crosses to payment-service.
 */
export function parseDisabledInstrumentations(raw: string | undefined): ReadonlySet<InstrumentationName> {
  const names = (raw ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  for (const name of names) checkOneOf('OTEL_NODE_DISABLED_INSTRUMENTATIONS', name, INSTRUMENTATION_NAMES);
  return new Set(names as InstrumentationName[]);
}

function parseTimeout(name: string, raw: string): number {
  return readNumber(name, raw, { min: 0, max: 600_000, integer: true });
}

/** The name and version in the package.json nearest to the entry script (the service being started). */
export function findServicePackage(entry: string | undefined): { name: string; version: string } {
  let dir = entry ? path.dirname(path.resolve(entry)) : process.cwd();
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
      return {
        name: typeof pkg.name === 'string' ? pkg.name : 'unknown_service:node',
        version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
      };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return { name: 'unknown_service:node', version: '0.0.0' };
    dir = parent;
  }
}

export function readTelemetryConfig(
  env: NodeJS.ProcessEnv = process.env,
  entry: string | undefined = process.argv[1],
): TelemetryConfig {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (protocol !== undefined && protocol.trim() !== '' && protocol.trim() !== 'grpc') {
    throw new ConfigError(
      `OTEL_EXPORTER_OTLP_PROTOCOL: this stack exports traces over OTLP/gRPC only; got "${protocol}" (unset it or use "grpc")`,
    );
  }
  checkSdkVariables(env);
  const pkg = findServicePackage(entry);
  const tenants = parseTenants(env.TENANTS ?? TELEMETRY_DEFAULTS.TENANTS);
  return {
    serviceName: pkg.name,
    serviceVersion: pkg.version,
    tenants,
    apiKeys: parseApiKeys(env.API_KEYS, tenants),
    baggageAllowlist: parseBaggageAllowlist(env.BAGGAGE_ALLOWLIST ?? TELEMETRY_DEFAULTS.BAGGAGE_ALLOWLIST),
    shutdownDrainTimeoutMs: parseTimeout(
      'SHUTDOWN_DRAIN_TIMEOUT_MS',
      env.SHUTDOWN_DRAIN_TIMEOUT_MS ?? TELEMETRY_DEFAULTS.SHUTDOWN_DRAIN_TIMEOUT_MS,
    ),
    shutdownFlushTimeoutMs: parseTimeout(
      'SHUTDOWN_FLUSH_TIMEOUT_MS',
      env.SHUTDOWN_FLUSH_TIMEOUT_MS ?? TELEMETRY_DEFAULTS.SHUTDOWN_FLUSH_TIMEOUT_MS,
    ),
    disabledInstrumentations: parseDisabledInstrumentations(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS),
  };
}
