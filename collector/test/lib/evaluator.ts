// Executes the transform processor's trace statements against in-memory spans, with an RE2 engine (re2js), so
// the tests check what the config itself does. Only the functions the config uses are implemented; any other
// function fails loudly. Semantics follow the contrib sources of the pinned line:
// - replace_pattern(target, regex, replacement): no-op on nil or non-string targets; if the regex matches,
//   Go's Regexp.ReplaceAllString (replacement expanded with Regexp.Expand: `$1`, `${1}`, `$name`, `$$`).
// - replace_all_patterns(map, "value", regex, replacement): same on every value; a non-string value is
//   matched as "" (pcommon Value.Str()), so it is left alone unless the regex matches the empty string.
// - set(target, value): no-op when value is nil. delete_key(map, key).
// - Converters: SHA256 (lowercase hex), ConvertCase(v, lower|upper), String, IsString, IsMatch.
// - A statement runs once per item of its inferred context: `spanevent.` paths -> each span event,
//   else `span.` paths -> each span, else each resource (transform processor flat-statement inference).
import { createHash } from 'node:crypto';
import { RE2JS } from 're2js';
import { type Expr, paths, type Statement } from './ottl';

export type AttrValue = string | number | bigint | boolean | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;
export interface SpanEvent {
  name: string;
  attributes: Attributes;
}
export interface Span {
  name: string;
  status: { code: number; message: string };
  attributes: Attributes;
  events: SpanEvent[];
}
export interface ResourceSpans {
  resource: { attributes: Attributes };
  spans: Span[];
}

type Value = AttrValue | null | Attributes;
interface Ctx {
  resource: ResourceSpans['resource'];
  span?: Span;
  event?: SpanEvent;
}

const regexCache = new Map<string, RE2JS>();
export function compileRe2(pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern); // RE2 syntax only: look-around and backreferences are rejected
    regexCache.set(pattern, re);
  }
  return re;
}

/** Go regexp.Expand of `template` for one match (`groups` = [start0, end0, start1, end1, ...]). */
export function goExpand(template: string, src: string, groups: number[], names: Record<string, number>): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    const rest = template.slice(i + 1);
    if (rest.startsWith('$')) {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    let consumed = 0;
    const braced = /^\{([A-Za-z0-9_]+)\}/.exec(rest);
    const bare = /^[A-Za-z0-9_]+/.exec(rest);
    if (braced?.[1]) {
      name = braced[1];
      consumed = braced[0].length;
    } else if (bare) {
      name = bare[0]; // Go takes the longest run of letters, digits and `_`: `$1x` is group "1x", not group 1
      consumed = bare[0].length;
    }
    if (name === undefined) {
      out += '$'; // malformed: Go copies the `$` literally
      continue;
    }
    i += consumed;
    const idx = /^[0-9]+$/.test(name) ? Number(name) : names[name];
    if (idx === undefined || 2 * idx + 1 >= groups.length) continue; // unknown group expands to ""
    const s = groups[2 * idx] ?? -1;
    const e = groups[2 * idx + 1] ?? -1;
    if (s >= 0 && e >= 0) out += src.slice(s, e);
  }
  return out;
}

/** Go's Regexp.ReplaceAllString. */
export function goReplaceAll(pattern: string, src: string, replacement: string): string {
  const re = compileRe2(pattern);
  const matches: number[][] = re.re2().findAllSubmatchIndex(src, -1) ?? [];
  const names = re.namedGroups();
  let out = '';
  let last = 0;
  for (const m of matches) {
    const start = m[0] ?? 0;
    out += src.slice(last, start) + goExpand(replacement, src, m, names);
    last = m[1] ?? start;
  }
  return out + src.slice(last);
}

export function goMatch(pattern: string, s: string): boolean {
  return compileRe2(pattern).test(s);
}

function contextOf(st: Statement): 'resource' | 'span' | 'spanevent' {
  const roots = new Set([...paths(st.editor), ...paths(st.where)].map((p) => p.parts[0]));
  if (roots.has('spanevent')) return 'spanevent';
  if (roots.has('span')) return 'span';
  return 'resource';
}

function attrsOf(ctx: Ctx, root: string): Attributes {
  if (root === 'resource') return ctx.resource.attributes;
  if (root === 'span' && ctx.span) return ctx.span.attributes;
  if (root === 'spanevent' && ctx.event) return ctx.event.attributes;
  throw new Error(`path root ${root} not available in this context`);
}

function describe(p: Extract<Expr, { kind: 'path' }>): string {
  return p.parts.join('.') + p.keys.map((k) => `[${JSON.stringify(k)}]`).join('');
}

function getPath(ctx: Ctx, p: Extract<Expr, { kind: 'path' }>): Value {
  const [root, field, sub] = p.parts;
  if (root === undefined) throw new Error('empty path');
  if (field === 'attributes' && p.parts.length === 2) {
    const attrs = attrsOf(ctx, root);
    if (p.keys.length === 0) return attrs;
    if (p.keys.length === 1 && p.keys[0] !== undefined) return attrs[p.keys[0]] ?? null;
  }
  if (root === 'span' && ctx.span && p.keys.length === 0) {
    if (field === 'name' && sub === undefined) return ctx.span.name;
    if (field === 'status' && sub === 'message') return ctx.span.status.message;
  }
  if (root === 'spanevent' && ctx.event && field === 'name' && p.keys.length === 0) return ctx.event.name;
  throw new Error(`evaluator does not support path ${describe(p)}`);
}

function setPath(ctx: Ctx, p: Extract<Expr, { kind: 'path' }>, v: Value): void {
  const [root, field, sub] = p.parts;
  if (root === undefined) throw new Error('empty path');
  if (field === 'attributes' && p.parts.length === 2 && p.keys.length === 1 && p.keys[0] !== undefined) {
    if (v === null || typeof v === 'object') throw new Error(`cannot set ${describe(p)} to a map/nil here`);
    attrsOf(ctx, root)[p.keys[0]] = v;
    return;
  }
  if (typeof v !== 'string') throw new Error(`${describe(p)} takes a string`);
  if (root === 'span' && ctx.span && field === 'name' && sub === undefined) ctx.span.name = v;
  else if (root === 'span' && ctx.span && field === 'status' && sub === 'message') ctx.span.status.message = v;
  else if (root === 'spanevent' && ctx.event && field === 'name') ctx.event.name = v;
  else throw new Error(`evaluator cannot set path ${describe(p)}`);
}

function asPath(e: Expr | undefined, fn: string): Extract<Expr, { kind: 'path' }> {
  if (e?.kind !== 'path') throw new Error(`${fn}: first argument must be a path`);
  return e;
}

function str(v: Value, fn: string): string {
  if (typeof v !== 'string') throw new Error(`${fn}: expected a string, got ${typeof v}`);
  return v;
}

function isAttributes(v: Value): v is Attributes {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function evalExpr(ctx: Ctx, e: Expr): Value {
  switch (e.kind) {
    case 'string':
      return e.value;
    case 'number':
      return e.value;
    case 'bool':
      return e.value;
    case 'nil':
      return null;
    case 'path':
      return getPath(ctx, e);
    case 'compare': {
      const l = evalExpr(ctx, e.left);
      const r = evalExpr(ctx, e.right);
      if (e.op === '==') return l === r;
      if (e.op === '!=') return l !== r;
      throw new Error(`evaluator does not support ${e.op}`);
    }
    case 'not':
      return !truthy(evalExpr(ctx, e.expr));
    case 'and':
      return truthy(evalExpr(ctx, e.left)) && truthy(evalExpr(ctx, e.right));
    case 'or':
      return truthy(evalExpr(ctx, e.left)) || truthy(evalExpr(ctx, e.right));
    case 'call':
      return callConverter(ctx, e);
    case 'list':
      throw new Error('evaluator does not support lists');
  }
}

function truthy(v: Value): boolean {
  if (typeof v !== 'boolean') throw new Error(`condition did not evaluate to a bool: ${String(v)}`);
  return v;
}

function callConverter(ctx: Ctx, e: Extract<Expr, { kind: 'call' }>): Value {
  const args = e.args.map((a) => evalExpr(ctx, a.value));
  const [a0, a1] = args;
  switch (e.name) {
    case 'SHA256':
      return createHash('sha256')
        .update(str(a0 ?? null, 'SHA256'), 'utf8')
        .digest('hex');
    case 'ConvertCase': {
      const target = str(a0 ?? null, 'ConvertCase');
      if (a1 === 'lower') return target.toLowerCase();
      if (a1 === 'upper') return target.toUpperCase();
      throw new Error(`ConvertCase: evaluator supports lower|upper, got ${String(a1)}`);
    }
    case 'IsString':
      return typeof a0 === 'string';
    case 'IsMatch':
      return a0 === null || a0 === undefined ? false : goMatch(str(a1 ?? null, 'IsMatch'), String(a0));
    case 'String':
      if (a0 === null || a0 === undefined) return null;
      if (typeof a0 === 'object') return JSON.stringify(a0);
      return String(a0);
    default:
      throw new Error(`evaluator does not implement converter ${e.name}`);
  }
}

function runEditor(ctx: Ctx, st: Statement): void {
  const { name, args } = st.editor;
  const arg = (i: number): Expr => {
    const a = args[i]?.value;
    if (!a) throw new Error(`${name}: missing argument ${i}`);
    return a;
  };
  switch (name) {
    case 'set': {
      const v = evalExpr(ctx, arg(1));
      if (v !== null) setPath(ctx, asPath(arg(0), name), v);
      return;
    }
    case 'delete_key': {
      const m = evalExpr(ctx, asPath(arg(0), name));
      if (!isAttributes(m)) throw new Error('delete_key: target is not a map');
      delete m[str(evalExpr(ctx, arg(1)), name)];
      return;
    }
    case 'replace_pattern': {
      if (args.length !== 3) throw new Error('replace_pattern: evaluator supports exactly 3 arguments');
      const target = asPath(arg(0), name);
      const cur = evalExpr(ctx, target);
      const re = str(evalExpr(ctx, arg(1)), name);
      const repl = str(evalExpr(ctx, arg(2)), name);
      if (typeof cur === 'string' && goMatch(re, cur)) setPath(ctx, target, goReplaceAll(re, cur, repl));
      return;
    }
    case 'replace_all_patterns': {
      if (args.length !== 4) throw new Error('replace_all_patterns: evaluator supports exactly 4 arguments');
      const m = evalExpr(ctx, asPath(arg(0), name));
      if (!isAttributes(m)) throw new Error('replace_all_patterns: target is not a map');
      const mode = str(evalExpr(ctx, arg(1)), name);
      if (mode !== 'value') throw new Error('replace_all_patterns: evaluator supports mode "value" only');
      const re = str(evalExpr(ctx, arg(2)), name);
      const repl = str(evalExpr(ctx, arg(3)), name);
      for (const [k, v] of Object.entries(m)) {
        const s = typeof v === 'string' ? v : ''; // pcommon Value.Str() of a non-string is ""
        if (goMatch(re, s)) m[k] = goReplaceAll(re, s, repl);
      }
      return;
    }
    default:
      throw new Error(`evaluator does not implement editor ${name}`);
  }
}

/** Runs the statements in order over the data (mutated in place, also returned). */
export function runStatements(statements: Statement[], data: ResourceSpans[]): ResourceSpans[] {
  for (const st of statements) {
    const context = contextOf(st);
    for (const rs of data) {
      const contexts: Ctx[] =
        context === 'resource'
          ? [{ resource: rs.resource }]
          : context === 'span'
            ? rs.spans.map((span) => ({ resource: rs.resource, span }))
            : rs.spans.flatMap((span) => span.events.map((event) => ({ resource: rs.resource, span, event })));
      for (const ctx of contexts) {
        if (st.where && !truthy(evalExpr(ctx, st.where))) continue;
        runEditor(ctx, st);
      }
    }
  }
  return data;
}

/** Evaluates a boolean OTTL condition (e.g. a routing connector route) for one span. */
export function evalCondition(cond: Expr, rs: ResourceSpans, span: Span): boolean {
  return truthy(evalExpr({ resource: rs.resource, span }, cond));
}
