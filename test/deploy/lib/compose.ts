import YAML from 'yaml';
import { readRepoFile } from './repo';

/** `.env` as docker compose reads it: KEY=VALUE lines, `#` comments, no quoting used in this repository. */
export function parseDotEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`.env line ${index + 1} is not KEY=VALUE: ${raw}`);
    if (env.has(match[1] ?? '')) throw new Error(`.env defines ${match[1]} twice`);
    env.set(match[1] ?? '', match[2] ?? '');
  });
  return env;
}

export interface Interpolation {
  /** Every variable referenced as ${NAME} anywhere in the file. */
  readonly used: Set<string>;
  /** References that are not plain ${NAME} (defaults, required markers, bare $NAME). */
  readonly unsupported: string[];
  readonly undefinedVars: Set<string>;
}

/** Compose interpolation of `${NAME}` in every string value (keys are not interpolated); `$$` is a literal `$`. */
export function interpolate<T>(value: T, env: ReadonlyMap<string, string>, report: Interpolation): T {
  if (typeof value === 'string') {
    const replaced = value.replace(/\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced, bare) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare) as string;
      if (bare !== undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        report.unsupported.push(whole);
        return whole;
      }
      report.used.add(name);
      const resolved = env.get(name);
      if (resolved === undefined) {
        report.undefinedVars.add(name);
        return '';
      }
      return resolved;
    });
    return replaced as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env, report)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, interpolate(v, env, report)]),
    ) as T;
  }
  return value;
}

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string; args?: Record<string, string> };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  expose?: Array<string | number>;
  ports?: Array<{ target: number; published?: string | number; host_ip?: string; protocol?: string } | string>;
  healthcheck?: { test?: string[] | string; disable?: boolean; interval?: string };
  depends_on?: Record<string, { condition?: string; required?: boolean }> | string[];
  deploy?: { resources?: { limits?: { memory?: string; cpus?: string } } };
  mem_limit?: string | number;
  volumes?: Array<{ type: string; source?: string; target: string; read_only?: boolean } | string>;
  configs?: Array<{ source: string; target?: string } | string>;
  restart?: string;
  profiles?: string[];
  logging?: { driver?: string; options?: Record<string, string> };
  read_only?: boolean;
  [key: string]: unknown;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  configs?: Record<string, { file?: string }>;
  [key: string]: unknown;
}

export interface LoadedCompose {
  /** After YAML merge keys, before interpolation (what the schema check sees too, interpolated). */
  readonly raw: ComposeFile;
  readonly resolved: ComposeFile;
  readonly dotEnv: Map<string, string>;
  readonly interpolation: Interpolation;
}

export function loadCompose(
  composeText = readRepoFile('docker-compose.yml'),
  dotEnvText = readRepoFile('.env'),
): LoadedCompose {
  const raw = YAML.parse(composeText, { merge: true }) as ComposeFile;
  const dotEnv = parseDotEnv(dotEnvText);
  const interpolation: Interpolation = { used: new Set(), unsupported: [], undefinedVars: new Set() };
  const resolved = interpolate(raw, dotEnv, interpolation);
  return { raw, resolved, dotEnv, interpolation };
}

/**
 * The variables a service's container gets from the compose file. A variable listed without a value is left out:
 * compose passes it through only when the caller's environment or .env sets it, so the container gets the
 * service's own default.
 */
export function environmentOf(service: ComposeService): Map<string, string> {
  const env = new Map<string, string>();
  const source = service.environment ?? {};
  if (Array.isArray(source)) {
    for (const entry of source) {
      const eq = entry.indexOf('=');
      if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
  } else {
    for (const [key, value] of Object.entries(source)) if (value !== null) env.set(key, String(value));
  }
  return env;
}

/** The variables a service lists without a value (passed through from the caller's environment when set). */
export function passedThrough(service: ComposeService): string[] {
  const source = service.environment ?? {};
  if (Array.isArray(source)) return source.filter((entry) => !entry.includes('='));
  return Object.entries(source).flatMap(([key, value]) => (value === null ? [key] : []));
}

export function dependsOn(service: ComposeService): Map<string, string> {
  const deps = new Map<string, string>();
  const source = service.depends_on ?? {};
  if (Array.isArray(source)) for (const name of source) deps.set(name, 'service_started');
  else for (const [name, spec] of Object.entries(source)) deps.set(name, spec.condition ?? 'service_started');
  return deps;
}
