// The tenant routing table and the pipeline graph: each tenant of the default TENANTS has a route to its own
// pipeline and Jaeger, `default` catches the rest, and every path from a receiver to a backend is masked.
import {
  CONFIG_PATH,
  DEBUG_OVERLAY_PATH,
  defined,
  get,
  loadConfig,
  type Pipeline,
  pipelines,
  strings,
  typeOf,
  type YamlMap,
} from './lib/config';
import { evalCondition } from './lib/evaluator';
import { parseCondition } from './lib/ottl';
import { emptySpan, MASKING_PROCESSOR, resourceSpans, TAIL_SAMPLER } from './lib/pipeline';

/** order-api's default allow-list (DESIGN.md: `TENANTS`, default `tenant_a,tenant_b`). */
const DEFAULT_TENANTS = 'tenant_a,tenant_b'.split(',');
const ROUTER = 'routing';

const base = loadConfig([CONFIG_PATH]);
const withDebug = loadConfig([CONFIG_PATH, DEBUG_OVERLAY_PATH]);

interface Route {
  condition: string;
  pipelines: string[];
}
function routes(cfg: YamlMap): Route[] {
  const table = get(cfg, 'connectors', ROUTER, 'table');
  return (Array.isArray(table) ? table : []).map((r) => ({
    condition: String(get(r, 'condition') ?? ''),
    pipelines: strings(get(r, 'pipelines')),
  }));
}

/** Which pipelines the router sends a span with this tenant.id to (undefined = attribute missing). */
function routeSpan(cfg: YamlMap, tenant: string | undefined): string[] {
  const span = emptySpan();
  if (tenant !== undefined) span.attributes['tenant.id'] = tenant;
  const rs = resourceSpans([span])[0];
  if (!rs) throw new Error('no resource');
  const matched = routes(cfg).filter((r) => evalCondition(parseCondition(r.condition), rs, span));
  if (matched.length > 0) return matched.flatMap((r) => r.pipelines);
  return strings(get(cfg, 'connectors', ROUTER, 'default_pipelines'));
}

function pipeline(cfg: YamlMap, id: string): Pipeline {
  const p = pipelines(cfg).find((q) => q.id === id);
  if (!p) throw new Error(`no pipeline ${id}`);
  return p;
}

describe('routing table', () => {
  const jaegerHost = (tenant: string): string => `jaeger-${tenant.replaceAll('_', '-')}:4317`;

  it.each(DEFAULT_TENANTS)(
    '%s has exactly one route, to traces/<tenant>, exporting only to its own Jaeger',
    (tenant) => {
      const own = routes(base).filter((r) => r.condition.includes(`"${tenant}"`));
      expect(own).toHaveLength(1);
      expect(own[0]?.condition).toBe(`span.attributes["tenant.id"] == "${tenant}"`);
      expect(own[0]?.pipelines).toEqual([`traces/${tenant}`]);
      expect(routeSpan(base, tenant)).toEqual([`traces/${tenant}`]);

      const p = pipeline(base, `traces/${tenant}`);
      expect(p.receivers).toEqual([ROUTER]);
      expect(p.exporters).toEqual([`otlp_grpc/${tenant}`]);
      expect(get(base, 'exporters', `otlp_grpc/${tenant}`, 'endpoint')).toBe(jaegerHost(tenant));
    },
  );

  it.each([
    ['an unknown tenant', 'tenant_zz'],
    ['the effective default tenant', 'default'],
    ['an empty tenant.id', ''],
    ['a look-alike', 'TENANT_A'],
    ['no tenant.id at all', undefined],
  ])('%s goes to traces/default only', (_label, tenant) => {
    expect(routeSpan(base, tenant)).toEqual(['traces/default']);
  });

  it('traces/default exports only to jaeger-default', () => {
    const p = pipeline(base, 'traces/default');
    expect(p.receivers).toEqual([ROUTER]);
    expect(p.exporters).toEqual(['otlp_grpc/default']);
    expect(get(base, 'exporters', 'otlp_grpc/default', 'endpoint')).toBe('jaeger-default:4317');
  });

  it('every route targets a distinct pipeline and every backend endpoint is distinct', () => {
    const targets = [
      ...routes(base).flatMap((r) => r.pipelines),
      ...strings(get(base, 'connectors', ROUTER, 'default_pipelines')),
    ];
    expect(new Set(targets).size).toBe(targets.length);
    const endpoints = defined(base, 'exporters').map((e) => String(get(base, 'exporters', e, 'endpoint')));
    expect(new Set(endpoints).size).toBe(endpoints.length);
  });
});

describe.each([
  ['otel-collector.yaml', base],
  ['otel-collector.yaml + debug.yaml', withDebug],
])('pipeline graph of %s', (_name, cfg) => {
  const connectors = new Set(defined(cfg, 'connectors'));
  const ps = pipelines(cfg);

  /** Every path receiver -> pipeline (-> connector -> pipeline)* -> exporter, with the processors passed. */
  function allPaths(): Array<{ hops: string[]; processors: string[]; exporter: string }> {
    const out: Array<{ hops: string[]; processors: string[]; exporter: string }> = [];
    const walk = (p: Pipeline, hops: string[], processors: string[]): void => {
      if (hops.includes(p.id)) throw new Error(`cycle through ${p.id}`);
      const here = [...hops, p.id];
      const procs = [...processors, ...p.processors];
      for (const e of p.exporters) {
        if (!connectors.has(e)) {
          out.push({ hops: [...here, e], processors: procs, exporter: e });
          continue;
        }
        for (const next of ps.filter((q) => q.receivers.includes(e))) walk(next, [...here, e], procs);
      }
    };
    for (const p of ps) {
      for (const r of p.receivers) if (!connectors.has(r)) walk(p, [r], []);
    }
    return out;
  }

  it('every path from a receiver to an exporter passes the masking transform', () => {
    const all = allPaths();
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const path of all) {
      expect(`${path.hops.join(' -> ')} masked=${path.processors.includes(MASKING_PROCESSOR)}`).toBe(
        `${path.hops.join(' -> ')} masked=true`,
      );
    }
  });

  it('every path from a receiver to an exporter passes tail sampling, after the masking transform', () => {
    for (const path of allPaths()) {
      const masked = path.processors.indexOf(MASKING_PROCESSOR);
      const sampled = path.processors.indexOf(TAIL_SAMPLER);
      expect(`${path.hops.join(' -> ')} tail-sampled=${sampled >= 0}`).toBe(
        `${path.hops.join(' -> ')} tail-sampled=true`,
      );
      expect(`${path.hops.join(' -> ')} masked before sampling=${masked >= 0 && masked < sampled}`).toBe(
        `${path.hops.join(' -> ')} masked before sampling=true`,
      );
      // One tail sampler per path: a second one would decide again on what the first already thinned out.
      expect(path.processors.filter((x) => typeOf(x) === 'tail_sampling')).toEqual([TAIL_SAMPLER]);
    }
  });

  it('every Jaeger is reachable, and masking happens before the router', () => {
    const reached = new Set(allPaths().map((p) => p.exporter));
    for (const e of ['otlp_grpc/tenant_a', 'otlp_grpc/tenant_b', 'otlp_grpc/default'])
      expect(reached.has(e)).toBe(true);
    for (const p of ps.filter((q) => q.exporters.includes(ROUTER))) expect(p.processors).toContain(MASKING_PROCESSOR);
  });
});
