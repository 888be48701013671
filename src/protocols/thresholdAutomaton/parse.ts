/**
 * A parser for ByMC's threshold-automaton format (`.ta`), covering its whole grammar as ByMC's own
 * lexer and parser define it (bymc/src/talex.mll, bymc/src/ta.mly): an optional header `skel`,
 * `threshAuto` or `thresholdAutomaton`; `local`, `shared`, `parameters`, `unknowns` declarations in
 * any order; `define MACRO == expr;`; then `assumptions`, `locations`, `inits`, `rules` and
 * `specifications`, each `name (k) { ... }`; `/* comments *\/` anywhere between tokens.
 *
 * ByMC's lexical conventions are kept: an identifier with a small letter (or a single capital, such
 * as N) is a name, a run of two or more capitals, digits and underscores (THRESH1) is a macro;
 * operator precedence as in ta.mly (`->` lowest and left-associative, then `||`, `&&`, the unary
 * `!`, `<>`, `[]`, then `+ -`, then `*`). Where the grammar is ambiguous about parentheses, as in
 * `(loc0 + loc1) == N` against `(x < 1) || y`, both readings are tried.
 *
 * A bad file raises a ThresholdAutomatonError whose message is one line:
 * `FILE:LINE:COL: expected …, found …` (the furthest point the parse reached), or, for a file that
 * parses but names something that does not exist, `FILE:LINE:COL: what is wrong`.
 */
import type {
  ArithExpr,
  BoolExpr,
  Comparison,
  ComparisonOp,
  Header,
  Location,
  LtlExpr,
  Position,
  Rule,
  Specification,
  ThresholdAutomaton,
  Update,
} from './ast.js';

/** A bad `.ta` file: one line, `FILE:LINE:COL: …`. A RangeError, so the command line prints it as it is. */
export class ThresholdAutomatonError extends RangeError {
  override name = 'ThresholdAutomatonError';
  constructor(
    readonly file: string,
    readonly at: Position,
    readonly reason: string,
  ) {
    super(`${file}:${at.line}:${at.col}: ${reason}`);
  }
}

// ---------------------------------------------------------------------------------------- lexer

type TokenKind = 'const' | 'name' | 'macro' | 'keyword' | 'symbol' | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  at: Position;
}

const KEYWORDS = new Set([
  'true', 'skel', 'threshAuto', 'thresholdAutomaton', 'assumptions', 'specifications', 'do', 'inits',
  'local', 'locations', 'parameters', 'unknowns', 'rules', 'shared', 'when', 'unchanged', 'define',
]);
/** Longest first, so `<>` is not `<` then `>`. */
const SYMBOLS = ['<>', '[]', '&&', '||', '->', '!=', '==', '<=', '>=', '!', '+', '-', '*', '<', '>', ',', '(', ')', '[', ']', '{', '}', ':', ';', "'"];
const NAME_WITH_SMALL = /[_A-Z]*[a-z][_A-Za-z0-9]*/y;
const SINGLE_CAPITAL = /[A-Z]/y;
const MACRO = /[_A-Z][_A-Z0-9]+/y;
const DIGITS = /[0-9]+/y;

function matchAt(pattern: RegExp, text: string, index: number): string {
  pattern.lastIndex = index;
  const m = pattern.exec(text);
  return m ? m[0] : '';
}

function tokenize(file: string, text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const here = (): Position => ({ line, col: i - lineStart + 1 });
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const opened = here();
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new ThresholdAutomatonError(file, opened, 'expected */ to close the comment opened here, found the end of the file');
      for (let k = i; k < close; k++)
        if (text[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      i = close + 2;
      continue;
    }
    const at = here();
    const digits = matchAt(DIGITS, text, i);
    const word = [matchAt(NAME_WITH_SMALL, text, i), matchAt(SINGLE_CAPITAL, text, i), matchAt(MACRO, text, i)];
    const longest = word.reduce((a, b) => (b.length > a.length ? b : a), '');
    if (digits.length > 0) {
      tokens.push({ kind: 'const', text: digits, at });
      i += digits.length;
    } else if (longest.length > 0) {
      // As in ocamllex: the longest match wins; on a tie the keyword (listed first) does.
      const kind: TokenKind = KEYWORDS.has(longest) ? 'keyword' : longest === word[2] && longest !== word[0] && longest.length > 1 ? 'macro' : 'name';
      tokens.push({ kind, text: longest, at });
      i += longest.length;
    } else {
      const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
      if (symbol === undefined) {
        const shown = c === '=' ? "'=' (equality is ==)" : `'${c}'`;
        throw new ThresholdAutomatonError(file, at, `expected a name, number, operator or punctuation, found ${shown}`);
      }
      tokens.push({ kind: 'symbol', text: symbol, at });
      i += symbol.length;
    }
  }
  tokens.push({ kind: 'eof', text: '', at: here() });
  return tokens;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the file';
    case 'const':
      return `number ${token.text}`;
    case 'name':
      return `name '${token.text}'`;
    case 'macro':
      return `macro '${token.text}'`;
    default:
      return `'${token.text}'`;
  }
}

// --------------------------------------------------------------------------------------- parser

/** Thrown to abandon one reading of the input; the furthest failure becomes the error. */
const BACKTRACK = Symbol('backtrack');

const COMPARISONS: readonly ComparisonOp[] = ['>=', '<=', '==', '!=', '>', '<'];
const ARITH_CONTINUATIONS = new Set(['+', '-', '*', ...COMPARISONS]);

class Parser {
  private pos = 0;
  private furthest = -1;
  private expected: string[] = [];

  constructor(
    private readonly file: string,
    private readonly tokens: Token[],
  ) {}

  // ------------------------------------------------------------------ primitives

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private fail(expected: string): never {
    if (this.pos > this.furthest) {
      this.furthest = this.pos;
      this.expected = [];
    }
    if (this.pos === this.furthest && !this.expected.includes(expected)) this.expected.push(expected);
    throw BACKTRACK;
  }

  private is(text: string): boolean {
    const t = this.peek();
    return (t.kind === 'symbol' || t.kind === 'keyword') && t.text === text;
  }

  private accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.pos++;
    return true;
  }

  private expect(text: string): Token {
    if (!this.is(text)) this.fail(`'${text}'`);
    return this.tokens[this.pos++]!;
  }

  private expectKind(kind: TokenKind, what: string): Token {
    if (this.peek().kind !== kind) this.fail(what);
    return this.tokens[this.pos++]!;
  }

  private attempt<T>(read: () => T): T | undefined {
    const saved = this.pos;
    try {
      return read();
    } catch (error) {
      if (error !== BACKTRACK) throw error;
      this.pos = saved;
      return undefined;
    }
  }

  /** The one-line error for the furthest point reached. */
  error(): ThresholdAutomatonError {
    const token = this.tokens[Math.max(this.furthest, 0)]!;
    const previous = this.tokens[this.furthest - 1];
    const list = this.expected;
    const expected = list.length <= 1 ? (list[0] ?? 'more input') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
    // What is missing at the end of a line (a ';') is the previous line's mistake: point there.
    const missingSemicolon = list.length === 1 && list[0] === "';'";
    const at = missingSemicolon && previous && previous.at.line < token.at.line ? { line: previous.at.line, col: previous.at.col + previous.text.length } : token.at;
    return new ThresholdAutomatonError(this.file, at, `expected ${expected}, found ${describe(token)}`);
  }

  // ------------------------------------------------------------------ the file

  automaton(): Omit<ThresholdAutomaton, 'file'> {
    let header: Header | null = null;
    const first = this.peek();
    if (first.kind === 'keyword' && (first.text === 'skel' || first.text === 'threshAuto' || first.text === 'thresholdAutomaton')) {
      header = first.text;
      this.pos++;
    } else if (first.kind !== 'name') this.fail("'skel', 'threshAuto' or 'thresholdAutomaton'");
    const name = this.expectKind('name', 'the automaton\'s name').text;
    this.expect('{');
    const declared = { local: [] as string[], shared: [] as string[], parameters: [] as string[], unknowns: [] as string[] };
    for (;;) {
      const kind = this.peek().text;
      if (this.peek().kind !== 'keyword' || !(kind in declared)) break;
      this.pos++;
      const start = this.pos;
      const names = this.names();
      names.forEach((n, k) => {
        const at = this.tokens[start + 2 * k]!.at;
        for (const list of Object.values(declared))
          if (list.includes(n) || names.indexOf(n) < k) throw new ThresholdAutomatonError(this.file, at, `expected a new name, found '${n}', declared twice`);
      });
      declared[kind as keyof typeof declared].push(...names);
      this.expect(';');
    }
    const defines: ThresholdAutomaton['defines'] = [];
    while (this.is('define')) {
      this.pos++;
      const macro = this.expectKind('macro', 'a macro name (two or more capitals or digits, e.g. THRESH1)');
      this.expect('==');
      const expr = this.arith();
      this.expect(';');
      defines.push({ name: macro.text, expr, at: macro.at });
    }
    if (!this.is('assumptions')) this.fail("'local', 'shared', 'parameters', 'unknowns', 'define' or 'assumptions'");
    const assumptions = this.section('assumptions', () => this.boolExpr());
    const locations = this.section('locations', () => this.location());
    const inits = this.section('inits', () => this.relExpr());
    this.sectionHead('rules');
    const rules: Rule[] = [];
    while (!this.is('}')) {
      if (this.peek().kind !== 'const') this.fail("a rule '<num>: <from> -> <to> when (…) do { … };' or '}'");
      rules.push(this.rule());
    }
    this.expect('}');
    this.sectionHead('specifications');
    const specifications: Specification[] = [];
    while (!this.is('}')) {
      const specName = this.peek();
      if (specName.kind !== 'name') this.fail("a specification '<name>: <formula>;' or '}'");
      this.pos++;
      this.expect(':');
      const formula = this.ltl();
      this.expect(';');
      specifications.push({ name: specName.text, formula, at: specName.at });
    }
    this.expect('}');
    this.expect('}');
    this.expectKind('eof', 'the end of the file');
    return {
      header,
      name,
      locals: declared.local,
      shared: declared.shared,
      parameters: declared.parameters,
      unknowns: declared.unknowns,
      defines,
      assumptions,
      locations,
      inits,
      rules,
      specifications,
    };
  }

  private names(): string[] {
    const names = [this.expectKind('name', 'a name').text];
    while (this.accept(',')) names.push(this.expectKind('name', 'a name').text);
    return names;
  }

  /** `keyword (k) {` */
  private sectionHead(keyword: string): void {
    this.expect(keyword);
    this.expect('(');
    this.expectKind('const', 'a number');
    this.expect(')');
    this.expect('{');
  }

  /** `keyword (k) { item; item; … }` */
  private section<T>(keyword: string, item: () => T): T[] {
    this.sectionHead(keyword);
    const items: T[] = [];
    while (!this.accept('}')) {
      items.push(item());
      this.expect(';');
    }
    return items;
  }

  private location(): Location {
    const name = this.expectKind('name', "a location '<name>: [<int>; …]' or '}'");
    this.expect(':');
    this.expect('[');
    const values = [Number(this.expectKind('const', 'a number').text)];
    while (this.accept(';')) {
      if (this.peek().kind !== 'const') break; // a trailing ';' before ']' is allowed
      values.push(Number(this.tokens[this.pos++]!.text));
    }
    this.expect(']');
    return { name: name.text, values, at: name.at };
  }

  private rule(): Rule {
    const label = this.tokens[this.pos++]!;
    this.expect(':');
    const from = this.expectKind('name', 'a location');
    this.expect('->');
    const to = this.expectKind('name', 'a location');
    this.expect('when');
    const open = this.expect('(');
    let guard: BoolExpr;
    if (this.peek().kind === 'const' && this.peek(1).text === ')') {
      const k = this.tokens[this.pos++]!;
      if (k.text !== '1') throw new ThresholdAutomatonError(this.file, k.at, `expected when (1) or when (<condition>), found when (${k.text})`);
      guard = { kind: 'true', at: open.at };
    } else guard = this.boolExpr();
    this.expect(')');
    this.expect('do');
    this.expect('{');
    const updates: Update[] = [];
    while (!this.accept('}')) {
      const t = this.peek();
      if (t.kind === 'keyword' && t.text === 'unchanged') {
        this.pos++;
        this.expect('(');
        for (const variable of this.names()) updates.push({ variable, expr: { kind: 'var', name: variable, next: false, at: t.at }, at: t.at });
        this.expect(')');
      } else {
        if (t.kind !== 'name') this.fail("an update x' == <expr>, unchanged(x, …) or '}'");
        this.pos++;
        this.expect("'");
        this.expect('==');
        updates.push({ variable: t.text, expr: this.arith(), at: t.at });
      }
      this.expect(';');
    }
    this.expect(';');
    return { label: Number(label.text), from: from.text, to: to.text, guard, updates, at: label.at };
  }

  // ------------------------------------------------------------------ expressions

  /** A '(' that opens a boolean (or LTL) group, unless the group is the left side of a comparison. */
  private group<T>(inner: () => T): T | undefined {
    if (!this.is('(')) return undefined;
    return this.attempt(() => {
      this.expect('(');
      const e = inner();
      this.expect(')');
      const next = this.peek();
      if (next.kind === 'symbol' && ARITH_CONTINUATIONS.has(next.text)) throw BACKTRACK; // `(a + b) == c`
      return e;
    });
  }

  /** inits: a comparison, maybe in parentheses. */
  private relExpr(): Comparison {
    return this.group(() => this.relExpr()) ?? this.comparison();
  }

  private boolExpr(): BoolExpr {
    let left = this.boolAnd();
    while (this.is('||')) {
      const at = this.tokens[this.pos++]!.at;
      left = { kind: 'or', left, right: this.boolAnd(), at };
    }
    return left;
  }

  private boolAnd(): BoolExpr {
    let left = this.boolUnary();
    while (this.is('&&')) {
      const at = this.tokens[this.pos++]!.at;
      left = { kind: 'and', left, right: this.boolUnary(), at };
    }
    return left;
  }

  private boolUnary(): BoolExpr {
    const t = this.peek();
    if (this.accept('!')) return { kind: 'not', operand: this.boolUnary(), at: t.at };
    if (this.accept('true')) return { kind: 'true', at: t.at };
    return this.group(() => this.boolExpr()) ?? this.comparison();
  }

  private ltl(): LtlExpr {
    let left = this.ltlOr();
    while (this.is('->')) {
      const at = this.tokens[this.pos++]!.at;
      left = { kind: 'implies', left, right: this.ltlOr(), at };
    }
    return left;
  }

  private ltlOr(): LtlExpr {
    let left = this.ltlAnd();
    while (this.is('||')) {
      const at = this.tokens[this.pos++]!.at;
      left = { kind: 'or', left, right: this.ltlAnd(), at };
    }
    return left;
  }

  private ltlAnd(): LtlExpr {
    let left = this.ltlUnary();
    while (this.is('&&')) {
      const at = this.tokens[this.pos++]!.at;
      left = { kind: 'and', left, right: this.ltlUnary(), at };
    }
    return left;
  }

  private ltlUnary(): LtlExpr {
    const t = this.peek();
    if (this.accept('!')) return { kind: 'not', operand: this.ltlUnary(), at: t.at };
    if (this.accept('<>')) return { kind: 'eventually', operand: this.ltlUnary(), at: t.at };
    if (this.accept('[]')) return { kind: 'always', operand: this.ltlUnary(), at: t.at };
    return this.group(() => this.ltl()) ?? this.comparison();
  }

  private comparison(): Comparison {
    const left = this.arith();
    const t = this.peek();
    const op = COMPARISONS.find((c) => t.kind === 'symbol' && t.text === c);
    if (op === undefined) this.fail('a comparison (>, >=, <, <=, ==, !=)');
    this.pos++;
    return { kind: 'cmp', op, left, right: this.arith(), at: left.at };
  }

  private arith(): ArithExpr {
    let left = this.product();
    while (this.is('+') || this.is('-')) {
      const op = this.tokens[this.pos++]!;
      left = { kind: op.text === '+' ? 'add' : 'sub', left, right: this.product(), at: op.at };
    }
    return left;
  }

  private product(): ArithExpr {
    let left = this.unary();
    while (this.is('*')) {
      const at = this.tokens[this.pos++]!.at;
      left = { kind: 'mul', left, right: this.unary(), at };
    }
    return left;
  }

  private unary(): ArithExpr {
    const t = this.peek();
    if (this.accept('-')) return { kind: 'sub', left: { kind: 'int', value: 0, at: t.at }, right: this.unary(), at: t.at };
    if (this.accept('(')) {
      const e = this.arith();
      this.expect(')');
      return e;
    }
    this.pos++;
    if (t.kind === 'const') return { kind: 'int', value: Number(t.text), at: t.at };
    if (t.kind === 'macro') return { kind: 'macro', name: t.text, at: t.at };
    if (t.kind === 'name') return { kind: 'var', name: t.text, next: this.accept("'"), at: t.at };
    this.pos--;
    return this.fail('a number, name or (');
  }
}

// -------------------------------------------------------------------------------- name checks

type Scope = 'define' | 'assumption' | 'init' | 'guard' | 'update' | 'specification';

/** What each part of the file may name (ByMC's own checks, and what running the automaton needs). */
function checkNames(ta: ThresholdAutomaton): void {
  const fail = (at: Position, reason: string): never => {
    throw new ThresholdAutomatonError(ta.file, at, reason);
  };
  const kinds = new Map<string, string>();
  const declare = (name: string, kind: string, at: Position) => {
    const before = kinds.get(name);
    if (before !== undefined) fail(at, `expected a new name, found '${name}', already declared as a ${before}`);
    kinds.set(name, kind);
  };
  // Declarations were checked for repeats by the parser, where their positions are known.
  for (const name of ta.locals) kinds.set(name, 'local variable');
  for (const name of ta.shared) kinds.set(name, 'shared variable');
  for (const name of ta.parameters) kinds.set(name, 'parameter');
  for (const name of ta.unknowns) kinds.set(name, 'unknown');
  for (const loc of ta.locations) {
    declare(loc.name, 'location', loc.at);
    if (loc.values.length !== ta.locals.length)
      fail(loc.at, `expected ${ta.locals.length} value(s) for location ${loc.name} (one per local variable), found ${loc.values.length}`);
  }
  const macros = new Set<string>();
  const allowed: Record<Scope, readonly string[]> = {
    define: ['shared variable', 'parameter', 'unknown'],
    assumption: ['parameter', 'unknown'],
    init: ['location', 'shared variable', 'parameter', 'unknown'],
    guard: ['shared variable', 'parameter', 'unknown'],
    update: ['shared variable', 'parameter', 'unknown'],
    specification: ['location', 'shared variable', 'parameter', 'unknown'],
  };
  const arith = (e: ArithExpr, scope: Scope): void => {
    switch (e.kind) {
      case 'int':
        return;
      case 'macro':
        if (!macros.has(e.name)) fail(e.at, `expected a macro defined above (define ${e.name} == …;), found '${e.name}'`);
        return;
      case 'var': {
        if (e.next) fail(e.at, `expected an unprimed name, found '${e.name}'' (a primed variable stands only left of == in an update)`);
        const kind = kinds.get(e.name);
        const ok = allowed[scope];
        if (kind === undefined || !ok.includes(kind))
          fail(e.at, `expected a ${ok.join(', ').replace(/, ([^,]*)$/, ' or $1')} in ${scope === 'update' ? 'an update' : `a ${scope}`}, found ${kind ? `${kind} ` : 'undeclared name '}'${e.name}'`);
        return;
      }
      default:
        arith(e.left, scope);
        arith(e.right, scope);
    }
  };
  const bool = (e: BoolExpr | LtlExpr, scope: Scope): void => {
    switch (e.kind) {
      case 'cmp':
        arith(e.left, scope);
        arith(e.right, scope);
        return;
      case 'true':
        return;
      case 'not':
      case 'eventually':
      case 'always':
        bool(e.operand, scope);
        return;
      default:
        bool(e.left, scope);
        bool(e.right, scope);
    }
  };
  for (const d of ta.defines) {
    if (macros.has(d.name)) fail(d.at, `expected a new macro name, found '${d.name}', defined twice`);
    arith(d.expr, 'define');
    macros.add(d.name);
  }
  for (const a of ta.assumptions) bool(a, 'assumption');
  for (const init of ta.inits) bool(init, 'init');
  for (const rule of ta.rules) {
    for (const [end, name] of [['from', rule.from], ['to', rule.to]] as const)
      if (kinds.get(name) !== 'location') fail(rule.at, `expected a location as rule ${rule.label}'s ${end === 'from' ? 'source' : 'target'}, found '${name}'`);
    bool(rule.guard, 'guard');
    const updated = new Set<string>();
    for (const u of rule.updates) {
      const kind = kinds.get(u.variable);
      if (kind !== 'shared variable' && kind !== 'local variable')
        fail(u.at, `expected a shared or local variable left of an update, found ${kind ? `${kind} ` : 'undeclared name '}'${u.variable}'`);
      if (updated.has(u.variable)) fail(u.at, `expected each variable updated once per rule, found '${u.variable}' twice in rule ${rule.label}`);
      updated.add(u.variable);
      arith(u.expr, 'update');
    }
  }
  const specNames = new Set<string>();
  for (const s of ta.specifications) {
    if (specNames.has(s.name)) fail(s.at, `expected a new specification name, found '${s.name}' twice`);
    specNames.add(s.name);
    bool(s.formula, 'specification');
  }
}

/** Parses the text of a `.ta` file; `file` names it in errors. */
export function parseThresholdAutomaton(text: string, file = '<input>'): ThresholdAutomaton {
  const parser = new Parser(file, tokenize(file, text));
  let parsed: Omit<ThresholdAutomaton, 'file'>;
  try {
    parsed = parser.automaton();
  } catch (error) {
    if (error === BACKTRACK) throw parser.error();
    throw error;
  }
  const ta: ThresholdAutomaton = { file, ...parsed };
  checkNames(ta);
  return ta;
}
