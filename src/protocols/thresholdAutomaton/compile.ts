/**
 * From a parsed threshold automaton and its parameter values to what one concrete process runs
 * (docs/THRESHOLD_AUTOMATA.md gives the reading in full; this file implements it):
 *
 * - Parameters: N is the number of processes, F (when declared) the number of faulty ones; every
 *   other parameter (T, Tb, Fi, …) and every unknown is given by the caller.
 * - Fault parameters are those that an assumption bounds from above by a parameter, as `T >= F`
 *   and `T >= Fi + Fe`: how many processes are faulty, which no process knows.
 * - Message types: the protocol rules (reachable from the initial locations without entering a
 *   crash location) that increment shared counters; each distinct set of incremented counters is one
 *   message type, broadcast to all. A counter reads, at a receiver, the number of distinct senders
 *   from which it holds a message of any type that increments it — correct or faulty senders alike.
 * - Guards: evaluated over those receiver counts, with every fault parameter 0 and every counter
 *   that no protocol rule increments 0. In ByMC's counter systems a guard `nsnt >= T + 1 - F` reads
 *   the number of CORRECT senders, and `- F` stands for up to F messages a receiver may hold from
 *   faulty ones; a concrete receiver counts every sender it heard, so its guard is `received >= T + 1`.
 *   Counters of the model's own faulty or crashed processes (n-rabc's f10, frb's nsntF) are the same
 *   abstraction: their messages are already in the receiver's count of that message type.
 * - Crash locations (a name ending in `CR`, the suite's convention for "crashed") are the fault
 *   model's: a process enters one only when the adversary crashes it, never by a rule of its own.
 * - Decision locations are named by convention: a sink (only self-loops leave it) called
 *   `…D<v>` or `…AC<v>` decides v, `…AC` (a broadcast accepted) and `…CMT` decide 1, `…ABR` decides 0.
 */
import type { ArithExpr, BoolExpr, Comparison, ThresholdAutomaton } from './ast.js';
import { formatFormula } from './format.js';

/** A guard compiled to a test over the receiver's counter values (indexed like `shared`). */
export type CompiledGuard = (counters: Int32Array) => boolean;

export interface CompiledRule {
  label: number;
  from: number;
  to: number;
  guard: CompiledGuard;
  /** The message type it broadcasts (index into `messageTypes`), or -1 when it sends nothing. */
  sends: number;
  /** The shared counters it increments (indices into `automaton.shared`). */
  increments: number[];
}

export interface CompiledAutomaton {
  automaton: ThresholdAutomaton;
  parameters: Record<string, number>;
  /** Parameters that count faulty processes (0 in guards). */
  faultParameters: string[];
  locations: string[];
  /** The locations an input selects: input v starts in `initial[v]`. */
  initial: number[];
  /** Per location: the value deciding there commits, or -1. */
  decides: number[];
  crashLocations: number[];
  /** Per location, the protocol rules leaving it (self-loops and crash rules left out), in file order. */
  rulesFrom: CompiledRule[][];
  /** Each message type as the shared counters it increments. */
  messageTypes: string[][];
  /** Per shared counter (in `automaton.shared` order): bitmask of the message types it counts. */
  counterTypes: number[];
  /**
   * Per message type: bitmask of the types no correct process sends together with it (s10 and s11,
   * the two values of one phase). A receiver keeps, from each sender, the first of such alternatives.
   */
  exclusiveTypes: number[];
  /** Assumptions these parameters break, one line each (running is allowed: that is how attacks are found). */
  brokenAssumptions: string[];
  /** Whether a protocol guard leaves room for Byzantine senders (a fault parameter in a guard, as `T + 1 - F`). */
  byzantineGuards: boolean;
}

/** Most message types a process tracks (a bitmask in one memory slot). */
export const MAX_MESSAGE_TYPES = 30;

export const isCrashLocation = (name: string): boolean => /CR$/.test(name);

function decisionValue(name: string): number {
  const m = /(?:D|AC)(\d)$/.exec(name);
  if (m) return Number(m[1]);
  if (/AC$/.test(name) || /CMT$/.test(name)) return 1;
  if (/ABR$/.test(name)) return 0;
  return -1;
}

type Env = (name: string) => number;

/** The value of an arithmetic expression over `env`'s names, with the file's `define`d macros expanded. */
export function evalArith(e: ArithExpr, env: Env, macros: Map<string, ArithExpr>): number {
  switch (e.kind) {
    case 'int':
      return e.value;
    case 'var':
      return env(e.name);
    case 'macro':
      return evalArith(macros.get(e.name)!, env, macros);
    case 'add':
      return evalArith(e.left, env, macros) + evalArith(e.right, env, macros);
    case 'sub':
      return evalArith(e.left, env, macros) - evalArith(e.right, env, macros);
    case 'mul':
      return evalArith(e.left, env, macros) * evalArith(e.right, env, macros);
  }
}

function compare(c: Comparison, env: Env, macros: Map<string, ArithExpr>): boolean {
  const l = evalArith(c.left, env, macros);
  const r = evalArith(c.right, env, macros);
  switch (c.op) {
    case '>':
      return l > r;
    case '>=':
      return l >= r;
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '==':
      return l === r;
    case '!=':
      return l !== r;
  }
}

export function evalBool(e: BoolExpr, env: Env, macros: Map<string, ArithExpr>): boolean {
  switch (e.kind) {
    case 'cmp':
      return compare(e, env, macros);
    case 'true':
      return true;
    case 'not':
      return !evalBool(e.operand, env, macros);
    case 'and':
      return evalBool(e.left, env, macros) && evalBool(e.right, env, macros);
    case 'or':
      return evalBool(e.left, env, macros) || evalBool(e.right, env, macros);
  }
}

/** Names of the parameters in a sum of parameters (`Fi + Fe`), or undefined for anything else. */
function parameterSum(e: ArithExpr, parameters: readonly string[]): string[] | undefined {
  if (e.kind === 'var') return parameters.includes(e.name) ? [e.name] : undefined;
  if (e.kind === 'add') {
    const l = parameterSum(e.left, parameters);
    const r = parameterSum(e.right, parameters);
    return l && r ? [...l, ...r] : undefined;
  }
  return undefined;
}

/** Parameters an assumption `P >= Q1 + Q2 …` (or `Q… <= P`) bounds by another parameter P: the fault counts. */
export function faultParametersOf(ta: ThresholdAutomaton): string[] {
  const found = new Set<string>();
  const visit = (e: BoolExpr) => {
    if (e.kind === 'and') {
      visit(e.left);
      visit(e.right);
      return;
    }
    if (e.kind !== 'cmp') return;
    const [bound, counted] = e.op === '>=' ? [e.left, e.right] : e.op === '<=' ? [e.right, e.left] : [undefined, undefined];
    if (!bound || !counted || bound.kind !== 'var' || !ta.parameters.includes(bound.name)) return;
    for (const p of parameterSum(counted, ta.parameters) ?? []) if (p !== bound.name) found.add(p);
  };
  ta.assumptions.forEach(visit);
  return ta.parameters.filter((p) => found.has(p));
}

/** Locations in a sum `loc + loc + …`, or undefined. */
function locationSum(e: ArithExpr, locations: readonly string[]): string[] | undefined {
  if (e.kind === 'var') return locations.includes(e.name) ? [e.name] : undefined;
  if (e.kind === 'add') {
    const l = locationSum(e.left, locations);
    const r = locationSum(e.right, locations);
    return l && r ? [...l, ...r] : undefined;
  }
  return undefined;
}

const mentionsInBool = (e: BoolExpr, name: string): boolean =>
  e.kind === 'cmp' ? mentions(e.left, name) || mentions(e.right, name) : e.kind === 'true' ? false : e.kind === 'not' ? mentionsInBool(e.operand, name) : mentionsInBool(e.left, name) || mentionsInBool(e.right, name);

const mentions = (e: ArithExpr, name: string): boolean =>
  e.kind === 'var' ? e.name === name : e.kind === 'add' || e.kind === 'sub' || e.kind === 'mul' ? mentions(e.left, name) || mentions(e.right, name) : false;

function guardUsesMacro(e: BoolExpr, macro: string): boolean {
  const arith = (x: ArithExpr): boolean => (x.kind === 'macro' ? x.name === macro : x.kind === 'add' || x.kind === 'sub' || x.kind === 'mul' ? arith(x.left) || arith(x.right) : false);
  return e.kind === 'cmp' ? arith(e.left) || arith(e.right) : e.kind === 'true' ? false : e.kind === 'not' ? guardUsesMacro(e.operand, macro) : guardUsesMacro(e.left, macro) || guardUsesMacro(e.right, macro);
}

/** A file that cannot run as a protocol with these values, one line prefixed with the file. */
export class AutomatonRefusal extends Error {}

/**
 * Binds the parameters (N = n and F = f from the scenario; the others from `given`) and compiles
 * the automaton into what a process runs. Throws AutomatonRefusal (one line) when it cannot.
 */
export function compileAutomaton(ta: ThresholdAutomaton, n: number, f: number, given: Readonly<Record<string, number>>): CompiledAutomaton {
  const refuse = (why: string): never => {
    throw new AutomatonRefusal(`${ta.file}: ${why}`);
  };
  const bindable = [...ta.parameters, ...ta.unknowns];
  for (const name of Object.keys(given)) {
    if (!bindable.includes(name)) refuse(`--param ${name}: the automaton has no parameter ${name} (its parameters: ${bindable.join(', ') || 'none'})`);
    if (name === 'N' || name === 'F') refuse(`--param ${name}: ${name} comes from the scenario (${name === 'N' ? 'n' : 'f'}), use --set ${name === 'N' ? 'n' : 'f'}=…`);
  }
  const parameters: Record<string, number> = {};
  for (const name of bindable) {
    const value = name === 'N' ? n : name === 'F' ? f : given[name];
    if (value === undefined) refuse(`parameter ${name} needs a value: --param ${name}=<integer>`);
    parameters[name] = value;
  }
  const macros = new Map(ta.defines.map((d) => [d.name, d.expr]));
  const faultParameters = faultParametersOf(ta);
  const locations = ta.locations.map((l) => l.name);
  const locationIndex = new Map(locations.map((name, k) => [name, k]));

  const paramEnv: Env = (name) => {
    const v = parameters[name];
    if (v === undefined) throw new AutomatonRefusal(`${ta.file}: ${name} is not a parameter`);
    return v;
  };
  const brokenAssumptions = ta.assumptions
    .filter((a) => !evalBool(a, paramEnv, macros))
    .map((a) => `${ta.file}:${a.at.line}: assumption ${formatFormula(a)} is false at ${Object.entries(parameters).map(([k, v]) => `${k}=${v}`).join(', ')}`);

  // Initial locations: the sum an init equates to an expression in N (`(loc0 + loc1) == N - F`).
  let initial: number[] | undefined;
  for (const init of ta.inits) {
    if (init.op !== '==') continue;
    for (const [sum, other] of [[init.left, init.right], [init.right, init.left]] as const) {
      const locs = locationSum(sum, locations);
      if (locs && mentions(other, 'N') && initial === undefined) initial = locs.map((l) => locationIndex.get(l)!);
    }
  }
  if (!initial) return refuse('expected an init (loc… + …) == N … naming the initial locations of the correct processes, found none');
  const crashLocations = locations.flatMap((name, k) => (isCrashLocation(name) ? [k] : []));

  // Protocol rules: reachable from the initial locations, never into a crash location, no self-loops.
  const protocolRules = new Set<number>();
  const reachable = new Set(initial);
  for (let changed = true; changed; ) {
    changed = false;
    ta.rules.forEach((rule, k) => {
      const from = locationIndex.get(rule.from)!;
      const to = locationIndex.get(rule.to)!;
      if (!reachable.has(from) || from === to || crashLocations.includes(to) || protocolRules.has(k)) return;
      protocolRules.add(k);
      if (!reachable.has(to)) reachable.add(to);
      changed = true;
    });
  }

  // Message types: the distinct sets of counters the protocol rules increment.
  const messageTypes: string[][] = [];
  const sendsOf = new Map<number, number>();
  for (const k of [...protocolRules].sort((a, b) => a - b)) {
    const rule = ta.rules[k]!;
    const incremented: string[] = [];
    for (const u of rule.updates) {
      if (!ta.shared.includes(u.variable)) continue;
      const e = u.expr;
      const unchanged = e.kind === 'var' && e.name === u.variable;
      const increment = e.kind === 'add' && e.left.kind === 'var' && e.left.name === u.variable && e.right.kind === 'int' && e.right.value === 1;
      if (increment) incremented.push(u.variable);
      else if (!unchanged) refuse(`rule ${rule.label} (line ${rule.at.line}): a process runs only updates x' == x + 1 or unchanged(x), found another update of ${u.variable}`);
    }
    if (incremented.length === 0) continue;
    incremented.sort();
    const key = incremented.join(',');
    let type = messageTypes.findIndex((t) => t.join(',') === key);
    if (type < 0) {
      type = messageTypes.length;
      messageTypes.push(incremented);
    }
    sendsOf.set(k, type);
  }
  // Types a process may still send from each location on (a fixpoint over the protocol rules), and so
  // the pairs one process may send both of; the others exclude each other.
  const sendableFrom = locations.map(() => 0);
  for (let changed = true; changed; ) {
    changed = false;
    for (const k of protocolRules) {
      const rule = ta.rules[k]!;
      const from = locationIndex.get(rule.from)!;
      const type = sendsOf.get(k);
      const next = sendableFrom[from]! | sendableFrom[locationIndex.get(rule.to)!]! | (type === undefined ? 0 : 1 << type);
      if (next !== sendableFrom[from]) {
        sendableFrom[from] = next;
        changed = true;
      }
    }
  }
  const together = messageTypes.map((_, t) => 1 << t);
  for (const k of protocolRules) {
    const type = sendsOf.get(k);
    if (type === undefined) continue;
    const later = sendableFrom[locationIndex.get(ta.rules[k]!.to)!]!;
    together[type]! |= later;
    for (let u = 0; u < messageTypes.length; u++) if ((later >> u) & 1) together[u]! |= 1 << type;
  }
  const allTypes = (1 << messageTypes.length) - 1;
  const exclusiveTypes = together.map((mask) => allTypes & ~mask);
  if (messageTypes.length > MAX_MESSAGE_TYPES) refuse(`has ${messageTypes.length} message types, at most ${MAX_MESSAGE_TYPES} run`);
  const counterTypes = ta.shared.map((c) => messageTypes.reduce((mask, t, k) => (t.includes(c) ? mask | (1 << k) : mask), 0));

  // Guards over the receiver's counts: fault parameters 0, counters indexed as in `shared`.
  const sharedIndex = new Map(ta.shared.map((c, k) => [c, k]));
  const compileGuard = (guard: BoolExpr): CompiledGuard => {
    return (counters) =>
      evalBool(
        guard,
        (name) => {
          const c = sharedIndex.get(name);
          if (c !== undefined) return counters[c]!;
          return faultParameters.includes(name) ? 0 : parameters[name]!;
        },
        macros,
      );
  };
  const rulesFrom: CompiledRule[][] = locations.map(() => []);
  for (const k of [...protocolRules].sort((a, b) => a - b)) {
    const rule = ta.rules[k]!;
    const from = locationIndex.get(rule.from)!;
    const sends = sendsOf.get(k) ?? -1;
    const increments = sends < 0 ? [] : messageTypes[sends]!.map((c) => sharedIndex.get(c)!);
    rulesFrom[from]!.push({ label: rule.label, from, to: locationIndex.get(rule.to)!, guard: compileGuard(rule.guard), sends, increments });
  }
  const decides = locations.map((name, k) => (rulesFrom[k]!.length === 0 && reachable.has(k) && !crashLocations.includes(k) ? decisionValue(name) : -1));

  const byzantineGuards = [...protocolRules].some((k) =>
    faultParameters.some((p) => mentionsInBool(ta.rules[k]!.guard, p) || ta.defines.some((d) => mentions(d.expr, p) && guardUsesMacro(ta.rules[k]!.guard, d.name))),
  );

  return { automaton: ta, parameters, faultParameters, locations, initial, decides, crashLocations, rulesFrom, messageTypes, counterTypes, exclusiveTypes, brokenAssumptions, byzantineGuards };
}
