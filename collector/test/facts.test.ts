// The facts file itself: stamped with the pinned version, every entry says how it was verified.
import { KINDS } from './lib/config';
import { loadFacts } from './lib/facts';

const facts = loadFacts();

describe('collector facts', () => {
  it('are stamped with the pinned release', () => {
    expect(facts.distribution).toBe('otelcol-contrib');
    expect(facts.version).toBe('0.159.0');
    expect(facts.image).toBe('otel/opentelemetry-collector-contrib:0.159.0');
  });

  it('every entry names a known verification level', () => {
    const levels = Object.keys(facts.verificationLevels);
    const entries = [
      ...KINDS.flatMap((k) => Object.values(facts.components[k])),
      ...KINDS.flatMap((k) => Object.values(facts.deprecatedAliases[k] ?? {})),
      ...KINDS.flatMap((k) => Object.values(facts.removed[k] ?? {})),
      ...facts.removedKeys,
      ...facts.deprecatedValues,
      ...Object.values(facts.componentFacts),
      ...Object.values(facts.ottl.functions),
    ];
    expect(entries.length).toBeGreaterThan(100);
    for (const e of entries) expect(levels).toContain(e.verified);
  });

  it('no name is both current and deprecated/removed', () => {
    for (const k of KINDS) {
      for (const name of Object.keys(facts.components[k])) {
        expect(facts.deprecatedAliases[k]?.[name]).toBeUndefined();
        expect(facts.removed[k]?.[name]).toBeUndefined();
      }
    }
  });

  it('OTTL functions have sane arities and the editor/converter naming convention', () => {
    const fns = Object.entries(facts.ottl.functions);
    expect(fns.length).toBe(110); // the reference list for contrib v0.156.0
    for (const [name, f] of fns) {
      expect(f.minArgs).toBeGreaterThanOrEqual(0);
      expect(f.maxArgs).toBeGreaterThanOrEqual(f.minArgs);
      expect(f.kind).toBe(/^[a-z]/.test(name) ? 'editor' : 'converter');
    }
    // The seed guide's inventions must not be here.
    for (const bogus of ['Mask', 'env', 'len', 'count', 'LookupGeo'])
      expect(facts.ottl.functions[bogus]).toBeUndefined();
  });

  it('tail_sampling: the options this config relies on are recorded, with the defaults of the reference', () => {
    const ts = facts.componentFacts.tail_sampling;
    expect(facts.components.processors.tail_sampling?.verified).toBe(ts.verified);
    for (const k of ['policies', 'decision_wait', 'num_traces', 'expected_new_traces_per_sec', 'decision_cache'])
      expect(ts.keys).toContain(k);
    expect(ts.defaults.decision_wait).toBe('30s');
    expect(ts.defaults.num_traces).toBe(50000);
    expect(ts.policyFields.status_code).toEqual(['status_codes']);
    expect(ts.policyFields.latency).toEqual(['threshold_ms', 'upper_threshold_ms']);
    expect(ts.policyFields.probabilistic).toContain('sampling_percentage');
    expect(ts.fieldTypes['probabilistic.sampling_percentage']).toMatch(/^float64/);
    expect(ts.statusCodes).toEqual(['OK', 'ERROR', 'UNSET']);
    // The scale-out tier's exporter is `load_balancing` at 0.159; `loadbalancing` is the deprecated alias.
    expect(facts.components.exporters.load_balancing).toBeDefined();
    expect(facts.deprecatedAliases.exporters?.loadbalancing?.use).toBe('load_balancing');
  });
});
