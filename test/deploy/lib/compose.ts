import YAML, { isMap, isScalar, isSeq, type Node } from 'yaml';
import { readRepoFile } from './repo';

/** Compose's `!reset` (drop what earlier files set) and `!override` (replace instead of merging) YAML tags. */
const RESET = Symbol('!reset');
class Override {
  constructor(readonly value: unknown) {}
}

/**
 * A compose file as JS. Merge keys (`<<: *anchor`) are applied; a file with `!reset` or `!override` (an overlay)
 * keeps them as markers for mergeCompose, and may not use anchors.
 */
export function readComposeFile(text: string): ComposeFile {
  const doc = YAML.parseDocument(text, { merge: true });
  if (doc.errors.length > 0) throw doc.errors[0];
  if (!/!(reset|override)\b/.test(text)) return doc.toJS() as ComposeFile;
  const toJS = (node: unknown): unknown => {
    const tag = (node as Node | null)?.tag;
    if (tag === '!reset') return RESET;
    if (tag === '!override') {
      (node as Node).tag = undefined;
      return new Override(toJS(node));
    }
    if (isMap(node)) {
      return Object.fromEntries(
        node.items.map((pair) => [String(isScalar(pair.key) ? pair.key.value : pair.key), toJS(pair.value)]),
      );
    }
    if (isSeq(node)) return node.items.map(toJS);
    if (isScalar(node)) return node.value;
    throw new Error(`compose overlay: anchors and aliases are not supported here (${String(node)})`);
  };
  return toJS(doc.contents) as ComposeFile;
}

/** The key that makes an entry of these service sequences unique when files are merged (compose's merge rules). */
const UNIQUE_BY: Record<string, (entry: unknown) => string> = {
  volumes: (v) =>
    typeof v === 'object' && v ? String((v as { target: string }).target) : (String(v).split(':')[1] ?? String(v)),
  configs: (c) =>
    typeof c === 'object' && c
      ? String((c as { target?: string; source: string }).target ?? (c as { source: string }).source)
      : String(c),
  secrets: (c) =>
    typeof c === 'object' && c
      ? String((c as { target?: string; source: string }).target ?? (c as { source: string }).source)
      : String(c),
  ports: (p) => JSON.stringify(p),
  expose: (p) => String(p),
};
/** Service attributes an overriding file replaces instead of appending to. */
const REPLACED = new Set(['command', 'entrypoint']);

/**
 * Merges compose files as `docker compose -f a -f b` does: mappings merged key by key, sequences appended
 * (command, entrypoint and healthcheck.test replaced; volumes, configs, secrets, ports and expose unique by their
 * key, the later file winning), `!reset` drops the earlier value and `!override` replaces it.
 */
export function mergeCompose(base: unknown, overlay: unknown, key = ''): unknown {
  if (overlay === RESET) return undefined;
  if (overlay instanceof Override) return stripMarkers(overlay.value);
  if (base === undefined) return stripMarkers(overlay);
  if (Array.isArray(base) && Array.isArray(overlay)) {
    if (REPLACED.has(key) || key === 'test') return stripMarkers(overlay);
    const unique = UNIQUE_BY[key];
    if (!unique) return [...base, ...(stripMarkers(overlay) as unknown[])];
    const merged = new Map(base.map((entry) => [unique(entry), entry]));
    for (const entry of overlay) merged.set(unique(entry), stripMarkers(entry));
    return [...merged.values()];
  }
  if (isPlainObject(base) && isPlainObject(overlay)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(overlay)) {
      const merged = mergeCompose(base[k], v, k);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  return stripMarkers(overlay);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Override);
}

function stripMarkers(value: unknown): unknown {
  if (value === RESET) return undefined;
  if (value instanceof Override) return stripMarkers(value.value);
  if (Array.isArray(value)) return value.map(stripMarkers);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === RESET ? [] : [[k, stripMarkers(v)]])));
  }
  return value;
}

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

/** The compose files of a stack, in `-f` order: the default stack, and the stack with the OpAMP overlay. */
export const DEFAULT_STACK = ['docker-compose.yml'] as const;
export const OPAMP_STACK = ['docker-compose.yml', 'docker-compose.opamp.yml'] as const;

export function loadCompose(files: readonly string[] = DEFAULT_STACK): LoadedCompose {
  return loadComposeTexts(
    files.map((file) => readRepoFile(file)),
    readRepoFile('.env'),
  );
}

/** Compose files' contents, merged in order, interpolated with `.env`'s. */
export function loadComposeTexts(composeTexts: readonly string[], dotEnvText: string): LoadedCompose {
  const raw = composeTexts.map(readComposeFile).reduce((merged, next) => mergeCompose(merged, next) as ComposeFile);
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
