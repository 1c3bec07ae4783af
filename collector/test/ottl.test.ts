// Every OTTL statement and condition in the config: parses, calls only functions of the pinned release with a
// valid number of arguments, uses context-prefixed paths, escapes `$` for the config loader, and every regex
// is Go RE2 syntax.
import { CONFIG_PATH, DEBUG_OVERLAY_PATH, get, isMap, loadConfig, typeOf, type Yaml, type YamlMap } from './lib/config';
import { compileRe2 } from './lib/evaluator';
import { loadFacts } from './lib/facts';
import { calls, type Expr, parseCondition, parseStatement, paths } from './lib/ottl';
import { maskingStatementSources, rawMaskingStatements } from './lib/pipeline';

const facts = loadFacts();
const cfg = loadConfig([CONFIG_PATH, DEBUG_OVERLAY_PATH]);

type Source = { where: string; kind: 'statement' | 'condition'; src: string };

/**
 * OTTL conditions of tail_sampling policies (`ottl_condition: {span: [...], spanevent: [...]}`), including those
 * nested in `and`, `composite`, `drop` and `not` policies.
 */
function tailSamplingConditions(where: string, policy: Yaml | undefined, out: Source[]): void {
  if (!isMap(policy)) return;
  const name = `${where}[${String(get(policy, 'name') ?? '?')}]`;
  for (const ctx of ['span', 'spanevent']) {
    const list = get(policy, 'ottl_condition', ctx);
    for (const s of Array.isArray(list) ? list : []) out.push({ where: name, kind: 'condition', src: String(s) });
  }
  for (const [key, sub] of [
    ['and', 'and_sub_policy'],
    ['composite', 'composite_sub_policy'],
    ['drop', 'drop_sub_policy'],
  ] as const) {
    const list = get(policy, key, sub);
    for (const p of Array.isArray(list) ? list : []) tailSamplingConditions(`${name}.${key}`, p, out);
  }
  tailSamplingConditions(`${name}.not`, get(policy, 'not', 'not_sub_policy'), out);
}

/** Every OTTL source in the config, with where it came from. */
function ottlSources(c: YamlMap): Source[] {
  const out: Source[] = [];
  for (const [id, p] of Object.entries((c.processors as YamlMap | undefined) ?? {})) {
    if (typeOf(id) === 'tail_sampling') {
      const policies = get(p, 'policies');
      for (const policy of Array.isArray(policies) ? policies : [])
        tailSamplingConditions(`${id}.policies`, policy, out);
    }
    for (const key of ['trace_statements', 'metric_statements', 'log_statements']) {
      const list = get(p, key);
      for (const item of Array.isArray(list) ? list : []) {
        if (typeof item === 'string') out.push({ where: `${id}.${key}`, kind: 'statement', src: item });
        else if (isMap(item)) {
          for (const s of (get(item, 'statements') as Yaml[] | undefined) ?? [])
            out.push({ where: `${id}.${key}`, kind: 'statement', src: String(s) });
          for (const s of (get(item, 'conditions') as Yaml[] | undefined) ?? [])
            out.push({ where: `${id}.${key}`, kind: 'condition', src: String(s) });
        }
      }
    }
  }
  for (const [id, conn] of Object.entries((c.connectors as YamlMap | undefined) ?? {})) {
    const table = get(conn, 'table');
    for (const route of Array.isArray(table) ? table : []) {
      const cond = get(route, 'condition');
      const st = get(route, 'statement');
      if (typeof cond === 'string') out.push({ where: `${id}.table`, kind: 'condition', src: cond });
      if (typeof st === 'string') out.push({ where: `${id}.table`, kind: 'statement', src: st });
    }
  }
  return out;
}

const sources = ottlSources(cfg);
const parsed = sources.map((s) => {
  if (s.kind === 'condition') return { ...s, editor: undefined, where: parseCondition(s.src) };
  const st = parseStatement(s.src);
  return { ...s, editor: st.editor, where: st.where };
});

/** Regex arguments by function: index of the regex argument. */
const REGEX_ARG: Record<string, number> = {
  replace_pattern: 1,
  replace_all_patterns: 2,
  IsMatch: 1,
  delete_matching_keys: 1,
  keep_matching_keys: 1,
  ExtractPatterns: 1,
};
const REPLACEMENT_ARG: Record<string, number> = { replace_pattern: 2, replace_all_patterns: 3 };

describe('OTTL in the config', () => {
  it('there are masking statements and routing conditions to check', () => {
    expect(parsed.filter((p) => p.kind === 'statement').length).toBeGreaterThanOrEqual(10);
    expect(parsed.filter((p) => p.where && p.kind === 'condition').length).toBeGreaterThanOrEqual(2);
  });

  it.each(parsed.map((p) => [p.src, p] as const))(
    'functions exist in the pinned release with a valid arity: %s',
    (_src, p) => {
      const all = [...calls(p.editor), ...calls(p.where)];
      for (const c of all) {
        const f = facts.ottl.functions[c.name];
        expect(`${c.name} exists=${f !== undefined}`).toBe(`${c.name} exists=true`);
        if (!f) continue;
        const n = c.args.length;
        expect(`${c.name}/${n} arity ok=${n >= f.minArgs && n <= f.maxArgs}`).toBe(`${c.name}/${n} arity ok=true`);
        const isTop = c === p.editor;
        // Editors are statements' outermost calls; converters appear inside them or in conditions.
        expect(`${c.name} is ${f.kind}`).toBe(`${c.name} is ${isTop ? 'editor' : 'converter'}`);
      }
    },
  );

  it.each(parsed.map((p) => [p.src, p] as const))('paths carry a context prefix: %s', (_src, p) => {
    const isFunctionArg = (e: Expr): boolean =>
      e.kind === 'path' && e.parts.length === 1 && /^[A-Z]/.test(e.parts[0] ?? '');
    for (const path of [...paths(p.editor), ...paths(p.where)]) {
      if (isFunctionArg(path)) continue; // e.g. SHA256 passed as a function argument
      expect(['resource', 'scope', 'span', 'spanevent']).toContain(path.parts[0]);
    }
  });

  it.each(parsed.map((p) => [p.src, p] as const))('regexes are valid Go RE2 syntax: %s', (_src, p) => {
    for (const c of [...calls(p.editor), ...calls(p.where)]) {
      const idx = REGEX_ARG[c.name];
      if (idx === undefined) continue;
      const arg = c.args[idx]?.value;
      expect(arg?.kind).toBe('string');
      if (arg?.kind !== 'string') continue;
      expect(arg.value).not.toMatch(/\(\?<?[=!]/); // no look-ahead / look-behind
      expect(arg.value).not.toMatch(/\\[1-9]/); // no backreferences
      expect(() => compileRe2(arg.value)).not.toThrow();
      const rIdx = REPLACEMENT_ARG[c.name];
      const repl = rIdx === undefined ? undefined : c.args[rIdx]?.value;
      if (repl?.kind === 'string') {
        // `$1x` would mean group "1x" in Go: every group reference must be braced, and must exist.
        const groups = compileRe2(arg.value).groupCount();
        for (const m of repl.value.matchAll(/\$(\$|\{([^}]*)\}|.?)/g)) {
          if (m[1] === '$') continue;
          expect(`braced group reference: ${m[0]}`).toMatch(/^braced group reference: \$\{[0-9]+\}$/);
          expect(Number(m[2])).toBeLessThanOrEqual(groups);
        }
      }
    }
  });

  it('set() with a value that can be nil is guarded by a where clause (set(x, nil) does nothing)', () => {
    for (const p of parsed) {
      if (p.editor?.name !== 'set') continue;
      const value = p.editor.args[1]?.value;
      const literal = value && ['string', 'number', 'bool'].includes(value.kind);
      if (!literal) expect(`${p.src} guarded=${p.where !== undefined}`).toBe(`${p.src} guarded=true`);
    }
  });

  it('every literal $ inside the OTTL statements is written $$ (config env substitution)', () => {
    const raw = rawMaskingStatements();
    expect(raw.length).toBe(maskingStatementSources().length);
    for (const s of raw) {
      // After removing every `$$`, no `$` may remain: a single `$` would be taken for ${env:...} expansion.
      expect(s.replaceAll('$$', '')).not.toContain('$');
    }
    expect(raw.some((s) => s.includes('$$'))).toBe(true);
  });

  it('the user.hash statement runs before user.email is deleted, in every context', () => {
    const src = maskingStatementSources();
    for (const ctx of ['span', 'spanevent', 'resource']) {
      const hash = src.findIndex((s) => s.startsWith(`set(${ctx}.attributes["user.hash"]`));
      const del = src.indexOf(`delete_key(${ctx}.attributes, "user.email")`);
      expect(hash).toBeGreaterThanOrEqual(0);
      expect(del).toBeGreaterThan(hash);
    }
  });

  it('OTTL conditions in tail_sampling policies are collected too (also nested in and/composite/drop/not)', () => {
    const cond = (c: string): YamlMap => ({ name: c, type: 'ottl_condition', ottl_condition: { span: [c] } });
    const synthetic: YamlMap = {
      processors: {
        'tail_sampling/x': {
          policies: [
            cond('span.name == "a"'),
            { name: 'and', type: 'and', and: { and_sub_policy: [cond('span.name == "b"')] } },
            { name: 'comp', type: 'composite', composite: { composite_sub_policy: [cond('span.name == "c"')] } },
            { name: 'drop', type: 'drop', drop: { drop_sub_policy: [cond('span.name == "d"')] } },
            { name: 'not', type: 'not', not: { not_sub_policy: cond('span.name == "e"') } },
            { name: 'ev', type: 'ottl_condition', ottl_condition: { spanevent: ['spanevent.name == "f"'] } },
          ],
        },
      },
    };
    expect(ottlSources(synthetic).map((s) => s.src)).toEqual([
      'span.name == "a"',
      'span.name == "b"',
      'span.name == "c"',
      'span.name == "d"',
      'span.name == "e"',
      'spanevent.name == "f"',
    ]);
    // Whatever the real config's policies contain is in `parsed`, i.e. under every check above.
    const inPolicies = sources.filter((s) => s.where.startsWith('tail_sampling'));
    expect(inPolicies.every((s) => parsed.some((p) => p.src === s.src))).toBe(true);
  });

  it('the OTTL parser handles strings correctly (a "Name(" inside a string is not a call)', () => {
    const st = parseStatement('set(span.attributes["x"], "Mask(y) and env(z)") where span.name == "a\\"b("');
    expect(calls(st.editor).map((c) => c.name)).toEqual(['set']);
    expect(calls(st.where)).toEqual([]);
  });
});
