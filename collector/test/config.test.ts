// Checks of collector/otel-collector.yaml (merged with the debug overlay, and the two tiers) as our distribution resolves it
// (`print-config`), for what a run of the real collector cannot show: the native stack and the tests move the
// listen addresses to loopback, so only this file checks what a container needs (0.0.0.0), the defaults compose and
// k8s rely on, and sizing rules. Whether the collector accepts the config is validate.test.ts; what it does with
// data, masking.test.ts and test/pipeline.
import path from 'node:path';
import { namesOf, readTenants } from '@otel-stack/tenants';
import {
  CONFIG_PATH,
  DEBUG_OVERLAY_PATH,
  defined,
  get,
  isMap,
  KINDS,
  loadRaw,
  pipelines,
  referenced,
  resolvedConfig,
  STATIC_RESOLVER,
  strings,
  TIER1_PATH,
  TIER2_OVERLAY_PATH,
  typeOf,
  type Yaml,
  type YamlMap,
} from './lib/config';

const MASKING_PROCESSOR = 'transform/pii';
const base = resolvedConfig([CONFIG_PATH]);
const withDebug = resolvedConfig([CONFIG_PATH, DEBUG_OVERLAY_PATH]);
const tenants = readTenants(path.join(__dirname, '..', '..'));
const tier1 = resolvedConfig([TIER1_PATH, STATIC_RESOLVER]);
const tier2 = resolvedConfig([CONFIG_PATH, TIER2_OVERLAY_PATH]);
const VARIANTS: Array<[string, YamlMap]> = [
  ['otel-collector.yaml', base],
  ['otel-collector.yaml + debug.yaml', withDebug],
  ['tier1.yaml', tier1],
];

describe.each(VARIANTS)('%s', (_name, cfg) => {
  it('every defined component is used', () => {
    const refs = referenced(cfg);
    for (const kind of KINDS) {
      for (const id of defined(cfg, kind))
        expect(`${kind}: ${id} used=${refs[kind].has(id)}`).toBe(`${kind}: ${id} used=true`);
    }
  });
});

describe('receivers, extensions and telemetry', () => {
  it('OTLP receiver listens on 0.0.0.0:4317 (gRPC) and 0.0.0.0:4318 (HTTP)', () => {
    expect(get(base, 'receivers', 'otlp', 'protocols', 'grpc', 'endpoint')).toBe('0.0.0.0:4317');
    expect(get(base, 'receivers', 'otlp', 'protocols', 'http', 'endpoint')).toBe('0.0.0.0:4318');
  });

  it('health_check is reachable from outside the container on 13133; pprof and file_storage are enabled', () => {
    expect(get(base, 'extensions', 'health_check', 'endpoint')).toBe('0.0.0.0:13133');
    expect(strings(get(base, 'service', 'extensions')).sort()).toEqual(
      ['file_storage', 'health_check', 'pprof'].sort(),
    );
  });

  it('own metrics are a Prometheus pull reader on 0.0.0.0:8888 (never metrics.address)', () => {
    const readers = get(base, 'service', 'telemetry', 'metrics', 'readers');
    expect(Array.isArray(readers)).toBe(true);
    const prom = get((readers as Yaml[])[0], 'pull', 'exporter', 'prometheus');
    expect(get(prom, 'host')).toBe('0.0.0.0');
    expect(get(prom, 'port')).toBe(8888);
    expect(get(base, 'service', 'telemetry', 'metrics', 'address')).toBeUndefined();
  });

  it('file_storage directory comes from COLLECTOR_STORAGE_DIR with a default, and is created if missing', () => {
    const raw = loadRaw(CONFIG_PATH);
    expect(get(raw, 'extensions', 'file_storage', 'directory')).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the collector's env syntax, not a JS template
      '${env:COLLECTOR_STORAGE_DIR:-/var/lib/otelcol/file_storage}',
    );
    expect(get(base, 'extensions', 'file_storage', 'directory')).toBe('/var/lib/otelcol/file_storage');
    expect(
      get(
        resolvedConfig([CONFIG_PATH], { COLLECTOR_STORAGE_DIR: '/data/q' }),
        'extensions',
        'file_storage',
        'directory',
      ),
    ).toBe('/data/q');
    expect(get(base, 'extensions', 'file_storage', 'create_directory')).toBe(true);
  });
});

describe('processors', () => {
  const ingest = pipelines(base).filter((p) => p.receivers.some((r) => !defined(base, 'connectors').includes(r)));

  it('memory_limiter is the first processor of every pipeline fed by a receiver', () => {
    expect(ingest.length).toBeGreaterThan(0);
    for (const p of ingest) expect(p.processors[0]).toBe('memory_limiter');
  });

  it('the masking transform propagates errors (fails closed)', () => {
    expect(get(base, 'processors', MASKING_PROCESSOR, 'error_mode')).toBe('propagate');
  });

  it('tail sampling remembers decisions for longer than it holds traces (late spans follow their trace)', () => {
    const ts = get(base, 'processors', 'tail_sampling');
    const held = get(ts, 'num_traces');
    for (const cache of ['sampled_cache_size', 'non_sampled_cache_size']) {
      const size = get(ts, 'decision_cache', cache);
      expect(typeof size === 'number' && typeof held === 'number' && size > held).toBe(true);
    }
  });

  it('the routing connector does not fall back to the default pipeline on errors', () => {
    expect(['propagate', undefined]).toContain(get(base, 'connectors', 'routing', 'error_mode'));
  });

  it('batching is exporter-side (sending_queue.batch), not a batch processor', () => {
    expect(defined(base, 'processors').map(typeOf)).not.toContain('batch');
  });
});

describe('exporters', () => {
  const raw = loadRaw(CONFIG_PATH);
  const exporters = defined(base, 'exporters');
  // One exporter per backend of tenants.yaml, its endpoint from a variable defaulting to the Jaeger's Service.
  const expectedEndpoints: Record<string, [string, string]> = Object.fromEntries(
    tenants.backends.map((b) => [namesOf(b).exporter, [namesOf(b).endpointVariable, `${b.jaeger}:4317`]]),
  );

  it('the base config exports only with otlp_grpc, one exporter per Jaeger, and has no debug exporter', () => {
    expect(exporters.sort()).toEqual(Object.keys(expectedEndpoints).sort());
    expect(defined(withDebug, 'exporters')).toContain('debug');
  });

  it.each(Object.entries(expectedEndpoints))('%s: endpoint from env with a default', (id, [env, dflt]) => {
    expect(get(raw, 'exporters', id, 'endpoint')).toBe(`\${env:${env}:-${dflt}}`);
    expect(get(base, 'exporters', id, 'endpoint')).toBe(dflt);
    expect(get(resolvedConfig([CONFIG_PATH], { [env]: 'elsewhere:14317' }), 'exporters', id, 'endpoint')).toBe(
      'elsewhere:14317',
    );
  });

  it.each(Object.keys(expectedEndpoints))('%s: insecure TLS, persistent queue with batching, retries', (id) => {
    const e = get(base, 'exporters', id);
    expect(get(e, 'tls', 'insecure')).toBe(true);
    const q = get(e, 'sending_queue');
    // print-config shows a disabled queue as null; the file enables it explicitly.
    expect(isMap(q)).toBe(true);
    expect(get(raw, 'exporters', id, 'sending_queue', 'enabled')).toBe(true);
    const storage = get(q, 'storage');
    expect(typeof storage).toBe('string');
    expect(typeOf(storage as string)).toBe('file_storage');
    expect(strings(get(base, 'service', 'extensions'))).toContain(storage);
    expect(get(q, 'wait_for_result')).not.toBe(true); // not supported with a persistent queue
    const qs = get(q, 'queue_size');
    expect(typeof qs === 'number' && qs > 0).toBe(true);
    const nc = get(q, 'num_consumers');
    expect(typeof nc === 'number' && nc > 0).toBe(true);
    const b = get(q, 'batch');
    expect(isMap(b)).toBe(true);
    expect(String(get(b, 'flush_timeout'))).toMatch(/^[0-9]+(ms|s)$/);
    const min = get(b, 'min_size');
    const max = get(b, 'max_size');
    expect(typeof min === 'number' && typeof max === 'number' && min >= 0 && min <= max).toBe(true);
    // print-config shows the sizer as `{}`: the file says what it is set to.
    expect([undefined, 'items', 'bytes']).toContain(get(raw, 'exporters', id, 'sending_queue', 'batch', 'sizer'));
    expect(get(e, 'retry_on_failure', 'enabled')).toBe(true);
  });
});

describe('routing (tenants.yaml)', () => {
  it("routes each tenant's spans to its own pipeline and everything else to the fallback's", () => {
    const table = get(base, 'connectors', 'routing', 'table');
    expect((Array.isArray(table) ? table : []).map((r) => [get(r, 'condition'), strings(get(r, 'pipelines'))])).toEqual(
      tenants.tenants.map((t) => [`span.attributes["tenant.id"] == "${t.id}"`, [namesOf(t).pipeline]]),
    );
    expect(strings(get(base, 'connectors', 'routing', 'default_pipelines'))).toEqual([
      namesOf(tenants.fallback).pipeline,
    ]);
    const fedByRouting = pipelines(base).filter((p) => p.receivers.includes('routing'));
    expect(fedByRouting.map((p) => [p.id, p.processors, p.exporters]).sort()).toEqual(
      tenants.backends.map((b) => [namesOf(b).pipeline, [], [namesOf(b).exporter]]).sort(),
    );
  });
});

describe('debug overlay', () => {
  it('only adds the debug exporter to the pipeline that masks, and keeps routing', () => {
    const before = pipelines(base);
    const after = pipelines(withDebug);
    expect(after.map((p) => p.id)).toEqual(before.map((p) => p.id));
    for (const p of after) {
      const old = before.find((q) => q.id === p.id);
      if (p.exporters.includes('debug')) {
        expect(p.processors).toContain(MASKING_PROCESSOR);
        expect(p.exporters).toEqual([...(old?.exporters ?? []), 'debug']);
      } else {
        expect(p).toEqual(old);
      }
    }
    expect(get(withDebug, 'exporters', 'debug', 'verbosity')).toMatch(/^(basic|normal|detailed)$/i);
  });
});

describe('tier 1 (tier1.yaml)', () => {
  it('masks, then hands each trace to one tier-2 collector by its trace ID', () => {
    expect(pipelines(tier1)).toEqual([
      {
        id: 'traces',
        receivers: ['otlp'],
        processors: ['memory_limiter', MASKING_PROCESSOR],
        exporters: ['loadbalancing'],
      },
    ]);
    expect(get(tier1, 'exporters', 'loadbalancing', 'routing_key')).toBe('traceID');
  });

  it("its masking, memory limit, receivers, health check and own metrics are otel-collector.yaml's", () => {
    for (const keys of [
      ['processors', MASKING_PROCESSOR],
      ['processors', 'memory_limiter'],
      ['receivers', 'otlp'],
      ['extensions', 'health_check'],
      ['service', 'telemetry'],
    ]) {
      expect({ keys, same: get(tier1, ...keys) }).toEqual({ keys, same: get(base, ...keys) });
    }
  });

  it('names no tier-2 collector itself: the resolver is the part each deployment adds', () => {
    expect(get(loadRaw(TIER1_PATH), 'exporters', 'loadbalancing', 'resolver')).toBeUndefined();
  });

  it('retries per tier-2 collector, not at the load balancer (which would send the parts that arrived again)', () => {
    const loadbalancing = get(tier1, 'exporters', 'loadbalancing');
    expect(get(loadbalancing, 'sending_queue')).toBeNull();
    expect(get(loadbalancing, 'retry_on_failure', 'enabled')).toBe(false);
    expect(get(loadbalancing, 'protocol', 'otlp', 'retry_on_failure', 'enabled')).toBe(true);
    expect(isMap(get(loadbalancing, 'protocol', 'otlp', 'sending_queue'))).toBe(true);
  });
});

describe('tier 2 (otel-collector.yaml + tier2.yaml)', () => {
  it('is otel-collector.yaml with one change: traces/in leaves the masking to tier 1', () => {
    const inPipeline = ['service', 'pipelines', 'traces/in', 'processors'];
    expect(strings(get(tier2, ...inPipeline))).toEqual(['memory_limiter', 'tail_sampling']);
    const withoutProcessors = (cfg: YamlMap): Yaml => {
      const copy = structuredClone(cfg);
      const pipeline = get(copy, 'service', 'pipelines', 'traces/in');
      if (isMap(pipeline)) delete pipeline.processors;
      return copy;
    };
    expect(withoutProcessors(tier2)).toEqual(withoutProcessors(base));
  });
});
