// Tail sampling in collector/otel-collector.yaml: where the processor sits in the pipeline graph, the three
// policies the issue asks for (errors, slow traces, a configurable share of the rest), the sizing options, and
// that every option and policy field is one the pinned release accepts (facts: componentFacts.tail_sampling).
import {
  CONFIG_PATH,
  DEBUG_OVERLAY_PATH,
  defined,
  get,
  isMap,
  loadConfig,
  loadRaw,
  type Pipeline,
  pipelines,
  strings,
  type Yaml,
  type YamlMap,
} from './lib/config';
import { loadFacts } from './lib/facts';
import { MASKING_PROCESSOR, TAIL_SAMPLER } from './lib/pipeline';

const facts = loadFacts();
const ts = facts.componentFacts.tail_sampling;
const base = loadConfig([CONFIG_PATH]);
const withDebug = loadConfig([CONFIG_PATH, DEBUG_OVERLAY_PATH]);
const raw = loadRaw(CONFIG_PATH);
const ROUTER = 'routing';
// biome-ignore lint/suspicious/noTemplateCurlyInString: the collector's env syntax, not a JS template
const PERCENTAGE_FROM_ENV = '${env:TAIL_SAMPLING_PERCENTAGE:-100}';

function policies(cfg: YamlMap): YamlMap[] {
  const list = get(cfg, 'processors', TAIL_SAMPLER, 'policies');
  return (Array.isArray(list) ? list : []).filter(isMap);
}

function policiesOfType(cfg: YamlMap, type: string): YamlMap[] {
  return policies(cfg).filter((p) => get(p, 'type') === type);
}

describe.each([
  ['otel-collector.yaml', base],
  ['otel-collector.yaml + debug.yaml', withDebug],
])('tail_sampling placement in %s', (_name, cfg) => {
  const withSampler = (): Pipeline[] => pipelines(cfg).filter((p) => p.processors.includes(TAIL_SAMPLER));

  it('is defined once and used in exactly one pipeline', () => {
    expect(defined(cfg, 'processors')).toContain(TAIL_SAMPLER);
    expect(withSampler().map((p) => p.id)).toEqual(['traces/in']);
  });

  it('runs after memory_limiter and transform/pii, in the pipeline that exports to the routing connector', () => {
    const [p] = withSampler();
    if (!p) throw new Error('no pipeline runs tail_sampling');
    const at = p.processors.indexOf(TAIL_SAMPLER);
    expect(p.processors.indexOf('memory_limiter')).toBe(0);
    expect(p.processors.indexOf(MASKING_PROCESSOR)).toBeGreaterThanOrEqual(0);
    expect(p.processors.indexOf(MASKING_PROCESSOR)).toBeLessThan(at);
    // Processors run before any exporter of their pipeline: routing only receives what the sampler kept.
    expect(p.exporters).toContain(ROUTER);
    expect(defined(cfg, 'connectors')).toContain(ROUTER);
  });

  it('is not downstream of the router (every pipeline the router feeds is sampler-free)', () => {
    for (const p of pipelines(cfg).filter((q) => q.receivers.includes(ROUTER))) {
      expect(`${p.id}: ${p.processors.join(',')}`).toBe(`${p.id}: `);
    }
  });
});

describe('tail_sampling policies', () => {
  it('keeps every trace with an error: status_code [ERROR]', () => {
    const ps = policiesOfType(base, 'status_code');
    expect(ps).toHaveLength(1);
    expect(get(ps[0], 'status_code', 'status_codes')).toEqual(['ERROR']);
  });

  it('keeps every trace slower than 1 s: latency threshold_ms 1000, no upper bound', () => {
    const ps = policiesOfType(base, 'latency');
    expect(ps).toHaveLength(1);
    expect(get(ps[0], 'latency', 'threshold_ms')).toBe(1000);
    // With upper_threshold_ms set, traces slower than it would NOT be kept by this policy.
    expect(get(ps[0], 'latency', 'upper_threshold_ms')).toBeUndefined();
  });

  it('keeps a share of the rest: probabilistic sampling_percentage from TAIL_SAMPLING_PERCENTAGE, default 100', () => {
    const ps = policiesOfType(base, 'probabilistic');
    expect(ps).toHaveLength(1);
    const name = String(get(ps[0], 'name'));
    const rawPolicy = policies(raw).find((p) => get(p, 'name') === name);
    // The whole value is one reference, so the collector types the resolved text as YAML (a number).
    expect(get(rawPolicy, 'probabilistic', 'sampling_percentage')).toBe(PERCENTAGE_FROM_ENV);
    expect(get(ps[0], 'probabilistic', 'sampling_percentage')).toBe(100);
    const withEnv = (v: string): Yaml | undefined =>
      get(
        policiesOfType(loadConfig([CONFIG_PATH], { TAIL_SAMPLING_PERCENTAGE: v }), 'probabilistic')[0],
        'probabilistic',
        'sampling_percentage',
      );
    expect(withEnv('10')).toBe(10);
    expect(withEnv('12.5')).toBe(12.5);
    expect(withEnv('0')).toBe(0);
    // sampling_percentage is a float64 at the pinned release; ints decode into it without weak typing.
    expect(ts.fieldTypes['probabilistic.sampling_percentage']).toMatch(/^float64/);
  });

  it('policies have unique names, and no policy would drop what the others keep', () => {
    const names = policies(base).map((p) => get(p, 'name'));
    expect(names.every((n) => typeof n === 'string' && n.length > 0)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    // Policies are ORed, except `drop` (and the deprecated invert decisions) which override every keep.
    expect(policies(base).map((p) => get(p, 'type'))).not.toContain('drop');
    expect(policies(base).map((p) => get(p, 'type'))).toEqual(
      expect.arrayContaining(['status_code', 'latency', 'probabilistic']),
    );
  });
});

describe('tail_sampling options', () => {
  const cfg = get(base, 'processors', TAIL_SAMPLER);

  it('decision_wait is 10s and num_traces is sized (positive, below the 50000 default on purpose)', () => {
    expect(get(cfg, 'decision_wait')).toBe('10s');
    const n = get(cfg, 'num_traces');
    expect(typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= Number(ts.defaults.num_traces)).toBe(true);
  });

  it('decision caches, if set, are larger than num_traces (decisions outlive the buffered spans)', () => {
    const n = Number(get(cfg, 'num_traces'));
    const cache = get(cfg, 'decision_cache');
    if (cache === undefined) return;
    expect(isMap(cache)).toBe(true);
    for (const [k, v] of Object.entries(cache as YamlMap)) {
      expect(ts.decisionCacheKeys).toContain(k);
      expect(typeof v === 'number' && v >= n).toBe(true);
    }
  });

  it('uses only options and policy fields the pinned release accepts (validate rejects unknown keys)', () => {
    expect(isMap(cfg)).toBe(true);
    for (const k of Object.keys(cfg as YamlMap))
      expect(`tail_sampling.${k} known=${ts.keys.includes(k)}`).toBe(`tail_sampling.${k} known=true`);
    const check = (where: string, p: Yaml | undefined): void => {
      expect(isMap(p)).toBe(true);
      const type = String(get(p, 'type'));
      const fields = ts.policyFields[type];
      expect(`${where} type ${type} known=${fields !== undefined}`).toBe(`${where} type ${type} known=true`);
      for (const k of Object.keys(p as YamlMap)) {
        // `name`, `type` and the block named after the type; any other block would be ignored or rejected.
        expect(`${where}: ${k}`).toMatch(new RegExp(`: (name|type|${type})$`));
      }
      const block = get(p, type);
      for (const f of isMap(block) ? Object.keys(block) : []) expect(fields).toContain(f);
      for (const sub of ['and_sub_policy', 'composite_sub_policy', 'drop_sub_policy']) {
        const list = get(block, sub);
        for (const [i, q] of (Array.isArray(list) ? list : []).entries()) check(`${where}.${sub}[${i}]`, q);
      }
      const not = get(block, 'not_sub_policy');
      if (not !== undefined) check(`${where}.not_sub_policy`, not);
    };
    for (const [i, p] of policies(base).entries()) check(`policies[${i}]`, p);
  });

  it('status codes are the ones the status_code policy knows', () => {
    for (const p of policiesOfType(base, 'status_code'))
      for (const c of strings(get(p, 'status_code', 'status_codes'))) expect(ts.statusCodes).toContain(c);
  });
});
