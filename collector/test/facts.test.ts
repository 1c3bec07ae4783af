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
});
