// The collector config as our distribution resolves it: `print-config` loads the --config files the way the
// collector starts (environment expanded, files merged, every component's defaults filled in) and prints the result.
// The file as written (its `${env:...}` references) is read with `loadRaw`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARIES, requireBinaries } from '@otel-stack/devstack';
import { parse } from 'yaml';

export const COLLECTOR_DIR = join(__dirname, '..', '..');
export const CONFIG_PATH = join(COLLECTOR_DIR, 'otel-collector.yaml');
export const DEBUG_OVERLAY_PATH = join(COLLECTOR_DIR, 'debug.yaml');
export const TIER1_PATH = join(COLLECTOR_DIR, 'tier1.yaml');
export const TIER2_OVERLAY_PATH = join(COLLECTOR_DIR, 'tier2.yaml');
/** The --config source that lists tier-2 collectors for tier 1 without cluster DNS (as the loopback test does). */
export const STATIC_RESOLVER =
  'yaml:exporters::loadbalancing::resolver::static::hostnames: [127.0.0.1:14317, 127.0.0.1:24317]';

export type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };
export type YamlMap = { [key: string]: Yaml };

export function isMap(v: Yaml | undefined): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asMap(doc: unknown, what: string): YamlMap {
  if (!isMap(doc as Yaml)) throw new Error(`${what}: top level is not a map`);
  return doc as YamlMap;
}

/** The file as written, YAML merge keys (`<<: *anchor`) resolved, `${env:...}` references left as they are. */
export function loadRaw(path: string): YamlMap {
  return asMap(parse(readFileSync(path, 'utf8'), { merge: true, uniqueKeys: true }), path);
}

/** `otelcol print-config`: the configuration the collector runs with these files and this environment. */
export function resolvedConfig(paths: string[] = [CONFIG_PATH], env: Record<string, string> = {}): YamlMap {
  requireBinaries();
  const printed = execFileSync(BINARIES.collector, ['print-config', ...paths.map((p) => `--config=${p}`)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return asMap(parse(printed), `print-config ${paths.join(' ')}`);
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
