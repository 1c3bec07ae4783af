// Loading the collector config the way otelcol does, as far as these tests need: YAML, then the confmap
// expansion (`$$` -> `$`, `${env:NAME:-default}` -> value or default), then merging of several --config files
// (maps merged key by key, everything else replaced by the later file).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const COLLECTOR_DIR = join(__dirname, '..', '..');
export const CONFIG_PATH = join(COLLECTOR_DIR, 'otel-collector.yaml');
export const DEBUG_OVERLAY_PATH = join(COLLECTOR_DIR, 'debug.yaml');

export type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };
export type YamlMap = { [key: string]: Yaml };

export function isMap(v: Yaml | undefined): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function loadRaw(path: string): YamlMap {
  const doc: unknown = parse(readFileSync(path, 'utf8'), { uniqueKeys: true });
  if (!isMap(doc as Yaml)) throw new Error(`${path}: top level is not a map`);
  return doc as YamlMap;
}

/** confmap's expansion of one string: `$$` is a literal `$`, `${env:NAME:-default}` is substituted. */
export function expandString(s: string, env: Record<string, string | undefined> = {}): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '$') {
      out += s[i];
      continue;
    }
    if (s[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (s[i + 1] === '{') {
      const end = s.indexOf('}', i);
      if (end < 0) throw new Error(`unterminated \${ in ${JSON.stringify(s)}`);
      const m = /^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/.exec(s.slice(i + 2, end));
      if (!m?.[1]) throw new Error(`unsupported expansion ${s.slice(i, end + 1)} (only \${env:NAME[:-default]})`);
      out += env[m[1]] ?? m[2] ?? '';
      i = end;
      continue;
    }
    // A lone `$` is an error here on purpose: in this project every literal `$` is written `$$`.
    throw new Error(`lone '$' (write '$$') in ${JSON.stringify(s)}`);
  }
  return out;
}

const WHOLE_REFERENCE = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/**
 * confmap's typing of a value that is exactly one `${env:...}` reference (core v0.159.0,
 * confmap/provider/envprovider: the variable's text, or the default, goes through `NewRetrievedFromYAML`): the
 * resolved text is read as YAML, so `100` becomes an int and `12.5` a float, and mapstructure then decodes an
 * int into a float64 field (no weak typing needed). A reference inside a longer string stays text. String-typed
 * fields get the original text back in the collector; here a YAML string stays a string, numbers and booleans
 * are typed.
 */
function typedWholeReference(raw: string, expanded: string): Yaml {
  if (!WHOLE_REFERENCE.test(raw)) return expanded;
  let typed: unknown;
  try {
    typed = parse(expanded);
  } catch {
    return expanded; // not valid YAML: confmap keeps it as a string
  }
  return typeof typed === 'number' || typeof typed === 'boolean' ? typed : expanded;
}

export function expand(v: Yaml, env: Record<string, string | undefined> = {}): Yaml {
  if (typeof v === 'string') return typedWholeReference(v, expandString(v, env));
  if (Array.isArray(v)) return v.map((x) => expand(x, env));
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x, env)]));
  return v;
}

/** koanf-style merge used by the collector for several --config files: maps merge, the rest is replaced. */
export function merge(base: Yaml, overlay: Yaml): Yaml {
  if (isMap(base) && isMap(overlay)) {
    const out: YamlMap = { ...base };
    for (const [k, v] of Object.entries(overlay)) out[k] = k in out ? merge(out[k] ?? null, v) : v;
    return out;
  }
  return overlay;
}

export function loadConfig(paths: string[] = [CONFIG_PATH], env: Record<string, string | undefined> = {}): YamlMap {
  let merged: Yaml = {};
  for (const p of paths) merged = merge(merged, loadRaw(p));
  const expanded = expand(merged, env);
  if (!isMap(expanded)) throw new Error('config is not a map');
  return expanded;
}

export function get(v: Yaml | undefined, ...path: string[]): Yaml | undefined {
  let cur = v;
  for (const p of path) {
    if (!isMap(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

export function strings(v: Yaml | undefined): string[] {
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is string => typeof x === 'string');
}

export const KINDS = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const;
export type Kind = (typeof KINDS)[number];

/** `otlp_grpc/tenant_a` -> `otlp_grpc` */
export function typeOf(id: string): string {
  return id.split('/')[0] ?? id;
}

export interface Pipeline {
  id: string;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

export function pipelines(cfg: YamlMap): Pipeline[] {
  const ps = get(cfg, 'service', 'pipelines');
  if (!isMap(ps)) return [];
  return Object.entries(ps).map(([id, p]) => ({
    id,
    receivers: strings(get(p, 'receivers')),
    processors: strings(get(p, 'processors')),
    exporters: strings(get(p, 'exporters')),
  }));
}

export function defined(cfg: YamlMap, kind: Kind): string[] {
  const section = cfg[kind];
  return isMap(section) ? Object.keys(section) : [];
}

/** Component IDs a config refers to, by kind (pipelines and service.extensions). */
export function referenced(cfg: YamlMap): Record<Kind, Set<string>> {
  const refs: Record<Kind, Set<string>> = {
    receivers: new Set(),
    processors: new Set(),
    exporters: new Set(),
    connectors: new Set(),
    extensions: new Set(strings(get(cfg, 'service', 'extensions'))),
  };
  const connectors = new Set(defined(cfg, 'connectors'));
  for (const p of pipelines(cfg)) {
    for (const r of p.receivers) (connectors.has(r) ? refs.connectors : refs.receivers).add(r);
    for (const x of p.processors) refs.processors.add(x);
    for (const e of p.exporters) (connectors.has(e) ? refs.connectors : refs.exporters).add(e);
  }
  return refs;
}
