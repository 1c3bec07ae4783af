// A small parser for the subset of OTTL (OpenTelemetry Transformation Language) this project writes:
// `editor(args) [where condition]` statements and boolean conditions. It understands string literals with
// escapes (so a `Name(` inside a string is never taken for a call), paths with keys (`span.attributes["k"]`),
// converter calls, lists, literals, comparisons and `not` / `and` / `or`. It is not a full OTTL grammar: an
// unknown construct is a parse error, which makes the tests fail rather than silently skip a statement.

export type Expr =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'path'; parts: string[]; keys: string[] }
  | { kind: 'call'; name: string; args: Arg[]; keys: string[] }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr };

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export interface Arg {
  name?: string;
  value: Expr;
}
export interface Statement {
  source: string;
  editor: Extract<Expr, { kind: 'call' }>;
  where?: Expr;
}

type Token =
  | { t: 'ident'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'number'; v: number; pos: number }
  | { t: 'punct'; v: string; pos: number }
  | { t: 'eof'; pos: number };

const PUNCT = ['==', '!=', '<=', '>=', '(', ')', '[', ']', ',', '.', '<', '>', '='];

/** Go-style unquoting of an OTTL string literal body (between the double quotes). */
function unquoteBody(body: string, pos: number): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    const simple: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', t: '\t', r: '\r' };
    if (n === undefined || simple[n] === undefined) {
      throw new Error(`unsupported escape \\${n ?? ''} in string literal at ${pos}`);
    }
    out += simple[n];
  }
  return out;
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new Error(`unterminated string literal at ${i} in: ${src}`);
      tokens.push({ t: 'string', v: unquoteBody(src.slice(i + 1, j), i), pos: i });
      i = j + 1;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (ident) {
      tokens.push({ t: 'ident', v: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    const num = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
    if (num) {
      tokens.push({ t: 'number', v: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const p = PUNCT.find((q) => src.startsWith(q, i));
    if (!p) throw new Error(`unexpected character ${JSON.stringify(c)} at ${i} in: ${src}`);
    tokens.push({ t: 'punct', v: p, pos: i });
    i += p.length;
  }
  tokens.push({ t: 'eof', pos: src.length });
  return tokens;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly src: string,
  ) {}

  private peek(offset = 0): Token {
    const tok = this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
    if (!tok) throw new Error('no tokens');
    return tok;
  }
  private next(): Token {
    const tok = this.peek();
    this.i++;
    return tok;
  }
  private isPunct(v: string, offset = 0): boolean {
    const tok = this.peek(offset);
    return tok.t === 'punct' && tok.v === v;
  }
  private isWord(v: string): boolean {
    const tok = this.peek();
    return tok.t === 'ident' && tok.v === v;
  }
  private expectPunct(v: string): void {
    const tok = this.next();
    if (tok.t !== 'punct' || tok.v !== v) this.fail(`expected ${v}`, tok);
  }
  private fail(msg: string, tok: Token = this.peek()): never {
    throw new Error(`${msg} at ${tok.pos} in: ${this.src}`);
  }
  atEnd(): boolean {
    return this.peek().t === 'eof';
  }

  parseStatement(): Statement {
    const editor = this.parseValue();
    if (editor.kind !== 'call') this.fail('a statement must start with an editor call');
    let where: Expr | undefined;
    if (this.isWord('where')) {
      this.next();
      where = this.parseBool();
    }
    if (!this.atEnd()) this.fail('unexpected trailing input');
    return { source: this.src, editor, where };
  }

  parseBool(): Expr {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }
  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isWord('and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseNot() };
    }
    return left;
  }
  private parseNot(): Expr {
    if (this.isWord('not')) {
      this.next();
      return { kind: 'not', expr: this.parseNot() };
    }
    if (this.isPunct('(')) {
      this.next();
      const inner = this.parseBool();
      this.expectPunct(')');
      return inner;
    }
    const left = this.parseValue();
    const tok = this.peek();
    if (tok.t === 'punct' && ['==', '!=', '<', '<=', '>', '>='].includes(tok.v)) {
      this.next();
      return { kind: 'compare', op: tok.v as CompareOp, left, right: this.parseValue() };
    }
    return left;
  }

  private parseKeys(): string[] {
    const keys: string[] = [];
    while (this.isPunct('[')) {
      this.next();
      const k = this.next();
      if (k.t !== 'string') this.fail('only string keys are supported', k);
      keys.push(k.v);
      this.expectPunct(']');
    }
    return keys;
  }

  parseValue(): Expr {
    const tok = this.next();
    if (tok.t === 'string') return { kind: 'string', value: tok.v };
    if (tok.t === 'number') return { kind: 'number', value: tok.v };
    if (tok.t === 'punct' && tok.v === '[') {
      const items: Expr[] = [];
      while (!this.isPunct(']')) {
        items.push(this.parseValue());
        if (!this.isPunct(']')) this.expectPunct(',');
      }
      this.next();
      return { kind: 'list', items };
    }
    if (tok.t !== 'ident') this.fail('expected a value', tok);
    if (tok.v === 'nil') return { kind: 'nil' };
    if (tok.v === 'true' || tok.v === 'false') return { kind: 'bool', value: tok.v === 'true' };
    if (this.isPunct('(')) {
      this.next();
      const args: Arg[] = [];
      while (!this.isPunct(')')) {
        const named = this.peek();
        if (named.t === 'ident' && this.isPunct('=', 1)) {
          this.next();
          this.next();
          args.push({ name: named.v, value: this.parseBool() });
        } else {
          args.push({ value: this.parseBool() });
        }
        if (!this.isPunct(')')) this.expectPunct(',');
      }
      this.next();
      return { kind: 'call', name: tok.v, args, keys: this.parseKeys() };
    }
    const parts = [tok.v];
    while (this.isPunct('.')) {
      this.next();
      const seg = this.next();
      if (seg.t !== 'ident') this.fail('expected a path segment', seg);
      parts.push(seg.v);
    }
    return { kind: 'path', parts, keys: this.parseKeys() };
  }
}

export function parseStatement(src: string): Statement {
  return new Parser(tokenize(src), src).parseStatement();
}

export function parseCondition(src: string): Expr {
  const p = new Parser(tokenize(src), src);
  const e = p.parseBool();
  if (!p.atEnd()) throw new Error(`unexpected trailing input in condition: ${src}`);
  return e;
}

/** Every function call in an expression tree, outermost first. */
export function calls(e: Expr | undefined): Array<Extract<Expr, { kind: 'call' }>> {
  if (!e) return [];
  switch (e.kind) {
    case 'call':
      return [e, ...e.args.flatMap((a) => calls(a.value))];
    case 'list':
      return e.items.flatMap(calls);
    case 'compare':
    case 'and':
    case 'or':
      return [...calls(e.left), ...calls(e.right)];
    case 'not':
      return calls(e.expr);
    default:
      return [];
  }
}

/** Every path in an expression tree (function names and enum-like bare identifiers excluded). */
export function paths(e: Expr | undefined): Array<Extract<Expr, { kind: 'path' }>> {
  if (!e) return [];
  switch (e.kind) {
    case 'path':
      return [e];
    case 'call':
      return e.args.flatMap((a) => paths(a.value));
    case 'list':
      return e.items.flatMap(paths);
    case 'compare':
    case 'and':
    case 'or':
      return [...paths(e.left), ...paths(e.right)];
    case 'not':
      return paths(e.expr);
    default:
      return [];
  }
}

/** All string literals in an expression tree, in order. */
export function stringLiterals(e: Expr | undefined): string[] {
  if (!e) return [];
  switch (e.kind) {
    case 'string':
      return [e.value];
    case 'call':
      return e.args.flatMap((a) => stringLiterals(a.value));
    case 'list':
      return e.items.flatMap(stringLiterals);
    case 'compare':
    case 'and':
    case 'or':
      return [...stringLiterals(e.left), ...stringLiterals(e.right)];
    case 'not':
      return stringLiterals(e.expr);
    default:
      return [];
  }
}
