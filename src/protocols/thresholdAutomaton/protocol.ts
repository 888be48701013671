/**
 * A threshold automaton (`.ta`, ByMC's format) run as an honest protocol: every agent is a copy of
 * the automaton. See docs/THRESHOLD_AUTOMATA.md for the reading; compile.ts for the model.
 *
 * Each round an agent, from its location, takes enabled protocol rules one after another (an
 * enabled rule is taken at once: the adversary's delays decide when messages arrive, and so when a
 * guard holds). Several enabled rules leaving one location are the automaton's choice, drawn from
 * the episode's honest stream (uniformly, so the verifier can enumerate it). A rule that sends
 * broadcasts its message type as the message's tag (type k → tag k + 1, value 0); an agent sends at
 * most one message a round, so a second sending rule waits for the next round. Its own messages
 * count at once. Entering a decision location commits that location's value.
 *
 * Memory slots: LOC (location + 1; 0 = not started), SENT (bitmask of the types it sent).
 */
import { readFileSync } from 'node:fs';
import type { HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';
import type { Scenario } from '../../game/scenario.js';
import { everyAgentAlike, type HonestProtocol, type ProtocolMutant } from '../types.js';
import { AutomatonRefusal, compileAutomaton, type CompiledAutomaton, type CompiledRule } from './compile.js';
import { parseThresholdAutomaton } from './parse.js';
import type { ThresholdAutomaton } from './ast.js';
import { guardMutants } from './mutants.js';

const LOC = 0, SENT = 1;
const SLOTS = 2;

/** `path/to/file.ta`, optionally followed by `[T=1,Tb=0]`: how a `.ta` protocol is named, so that a worker thread can rebuild it. */
const AUTOMATON_NAME = /^(.+\.ta)(?:\[([^\]]*)\])?$/;

export const isAutomatonName = (name: string): boolean => AUTOMATON_NAME.test(name);

/** `FILE.ta[T=1]:guard1-plus-1`: a guard mutant of an automaton (`mutants()`), resolved by the registry. */
const AUTOMATON_MUTANT_NAME = /^(.+\.ta(?:\[[^\]]*\])?):([a-z0-9]+(?:-[a-z0-9]+)*)$/;

/** The automaton name a mutant's name `FILE.ta[…]:<mutation>` starts with, or undefined for any other name. */
export function automatonOfMutant(name: string): string | undefined {
  return AUTOMATON_MUTANT_NAME.exec(name)?.[1];
}

/** Whether `name` is a threshold automaton's or one of its guard mutants' (a path, but no run folder). */
export const isAutomatonOrMutantName = (name: string): boolean => isAutomatonName(name) || automatonOfMutant(name) !== undefined;

/** The protocol name for a file and `--param name=value` settings (each checked: one line on error). */
export function automatonName(file: string, params: readonly string[]): string {
  const values = parseParams(params);
  const list = Object.entries(values).map(([k, v]) => `${k}=${v}`);
  return list.length === 0 ? file : `${file}[${list.join(',')}]`;
}

function parseParams(params: readonly string[]): Record<string, number> {
  const values: Record<string, number> = {};
  for (const raw of params) {
    const m = /^\s*([A-Za-z_][A-Za-z_0-9]*)\s*=\s*(-?[0-9]+)\s*$/.exec(raw);
    if (!m) throw new RangeError(`--param ${raw}: must be name=integer, e.g. T=1`);
    if (m[1]! in values) throw new RangeError(`--param ${m[1]}: given twice`);
    values[m[1]!] = Number(m[2]);
  }
  return values;
}

/** Told of every rule an agent takes, in the order taken (the specification checker rebuilds the automaton's run from it). */
export type RuleListener = (b: number, i: number, rule: CompiledRule) => void;

export interface AutomatonProtocol extends HonestProtocol {
  /** Sets (or, with undefined, removes) the one listener told of every rule taken. */
  observe(listener: RuleListener | undefined): void;
  readonly automaton: ThresholdAutomaton;
  /** The compiled model at a scenario's n and f (throws AutomatonRefusal, one line). */
  compiled(n: number, f: number): CompiledAutomaton;
  /** What a run in this scenario should be warned about: broken assumptions, a fault model mismatch. */
  warnings(scenario: Scenario): string[];
}

const cache = new Map<string, AutomatonProtocol>();

/** The protocol a `.ta` name stands for (the file read and parsed once per name). */
export function automatonProtocol(name: string): AutomatonProtocol {
  const cached = cache.get(name);
  if (cached) return cached;
  const m = AUTOMATON_NAME.exec(name);
  if (!m) throw new RangeError(`${name}: not a threshold automaton name (FILE.ta or FILE.ta[T=1,…])`);
  const file = m[1]!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RangeError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const protocol = fromAutomaton(parseThresholdAutomaton(text, file), name, m[2] ? parseParams(m[2].split(',')) : {});
  cache.set(name, protocol);
  return protocol;
}

/**
 * A parsed automaton as a protocol named `name`, its parameters other than N and F from `params`.
 * The original declares its guard mutants (mutants.ts), each named `<name>:<mutation>`; a mutant
 * (`mutant` given: its one line) declares none.
 */
export function fromAutomaton(ta: ThresholdAutomaton, name: string, params: Readonly<Record<string, number>>, mutant?: string): AutomatonProtocol {
  const models = new Map<string, CompiledAutomaton>();
  const compiled = (n: number, f: number): CompiledAutomaton => {
    const key = `${n},${f}`;
    let model = models.get(key);
    if (!model) {
      model = compileAutomaton(ta, n, f, params);
      models.set(key, model);
    }
    return model;
  };
  const hasCrashModel = ta.locations.some((l) => /CR$/.test(l.name));
  // Per-call scratch: per sender the types it delivered, and the counter values.
  let heard = new Int32Array(16);
  let counters = new Int32Array(ta.shared.length);
  let listener: RuleListener | undefined;
  let mutants: readonly ProtocolMutant[] | undefined;

  return {
    name,
    summary: `${mutant ? `mutant of ${name.slice(0, name.lastIndexOf(':'))}: ${mutant}; ` : ''}threshold automaton ${ta.name} from ${ta.file} (${ta.locations.length} locations, ${ta.rules.length} rules)`,
    assumptions: 'the file\'s assumptions; async timing, its fault model',
    source: ta.file,
    memorySlots: SLOTS,
    agentRoles: everyAgentAlike,
    // A message type is the tag k + 1 (docs/THRESHOLD_AUTOMATA.md): a Byzantine process may send any of them.
    messageTags: (scenario: Scenario): readonly number[] => compiled(scenario.n, scenario.f).messageTypes.map((_, k) => k + 1),
    automaton: ta,
    compiled,
    observe(next: RuleListener | undefined): void {
      listener = next;
    },
    ...(mutant === undefined && {
      mutants(): readonly ProtocolMutant[] {
        mutants ??= guardMutants(ta).map((m) => ({ mutation: m.mutation, description: m.description, protocol: fromAutomaton(m.automaton, `${name}:${m.mutation}`, params, m.description) }));
        return mutants;
      },
    }),
    refuse(scenario: Scenario): string | undefined {
      let model: CompiledAutomaton;
      try {
        model = compiled(scenario.n, scenario.f);
      } catch (error) {
        if (error instanceof AutomatonRefusal) return error.message;
        throw error;
      }
      if (scenario.honestActions !== 'free' && scenario.honestActions !== 'relay')
        return `${ta.file}: needs honestActions free or relay (a tagged message and a decision; got ${scenario.honestActions})`;
      if (scenario.problem !== 'agreement') return `${ta.file}: needs problem=agreement (got ${scenario.problem})`;
      if (scenario.identity === 'anonymous') return `${ta.file}: counts distinct senders, needs identity authenticated or pki (got anonymous)`;
      if (scenario.values > model.initial.length)
        return `${ta.file}: has ${model.initial.length} initial locations (${model.initial.map((k) => model.locations[k]).join(', ')}), so values ≤ ${model.initial.length} (got ${scenario.values})`;
      if (hasCrashModel && !model.byzantineGuards && scenario.faults === 'byzantine' && scenario.f > 0)
        return `${ta.file}: models crash faults (its location ${model.crashLocations.map((k) => model.locations[k]).join(', ')}), needs faults=crash (got byzantine)`;
      return undefined;
    },
    warnings(scenario: Scenario): string[] {
      const model = compiled(scenario.n, scenario.f);
      const lines = model.brokenAssumptions.map((line) => `warning: ${line}: running outside the file's assumptions`);
      const faults = model.faultParameters.reduce((sum, p) => sum + model.parameters[p]!, 0);
      if (model.faultParameters.length > 0 && faults !== scenario.f)
        lines.push(`warning: ${ta.file}: its fault parameters ${model.faultParameters.join(' + ')} = ${faults}, but the scenario has f=${scenario.f}`);
      if (scenario.timing !== 'async') lines.push(`warning: ${ta.file}: threshold automata are asynchronous; timing=${scenario.timing} plays a subset of their runs`);
      return lines;
    },
    act(game: GameBatch, out: HonestActions): void {
      const { n, memory, memorySlots: slots, round } = game;
      const model = compiled(n, game.f);
      if (heard.length < n) heard = new Int32Array(n);
      if (counters.length < ta.shared.length) counters = new Int32Array(ta.shared.length);
      for (let b = 0; b < game.size; b++) {
        for (let i = 0; i < n; i++) {
          if (!game.needsAction(b, i)) continue;
          const a = b * n + i;
          const m = a * slots;
          if (memory[m + LOC] === 0) memory[m + LOC] = model.initial[game.input[a]!]! + 1;
          // Memory written by anything but this protocol (the conformance suite perturbs others' cells) is no location: skip.
          if (!(memory[m + LOC]! >= 1 && memory[m + LOC]! <= model.locations.length)) continue;
          // What reached i: per sender, the message types (each sender counts once per type).
          heard.fill(0);
          for (let s = 1; s < round; s++) {
            for (let j = 0; j < n; j++) {
              if (j === i) continue;
              const arrival = game.arrivalRound(b, i, j, s);
              if (arrival === 0 || arrival > round) continue;
              const type = game.receivedTag(b, i, j, s) - 1;
              // A message contradicting one already kept from this sender (the other value of a phase) is ignored.
              if (type >= 0 && type < model.messageTypes.length && (heard[j]! & model.exclusiveTypes[type]!) === 0) heard[j]! |= 1 << type;
            }
          }
          let sentThisRound = false;
          // A chain of rules within the round; a cycle of silent rules could go on for ever, so one pass per location at most.
          for (let steps = 0; steps <= model.locations.length; steps++) {
            heard[i] = memory[m + SENT]!;
            for (let c = 0; c < counters.length; c++) {
              const mask = model.counterTypes[c]!;
              let count = 0;
              if (mask !== 0) for (let j = 0; j < n; j++) if ((heard[j]! & mask) !== 0) count++;
              counters[c] = count;
            }
            const rules = model.rulesFrom[memory[m + LOC]! - 1]!;
            let enabled = 0;
            for (const rule of rules) if (rule.guard(counters)) enabled++;
            if (enabled === 0) break;
            let pick = enabled === 1 ? 0 : game.honestRandomInt(b, enabled);
            const rule = rules.find((r) => r.guard(counters) && pick-- === 0)!;
            if (rule.sends >= 0) {
              if (sentThisRound) break;
              out.message[a] = 0;
              out.tag[a] = rule.sends + 1;
              memory[m + SENT]! |= 1 << rule.sends;
              sentThisRound = true;
            }
            memory[m + LOC] = rule.to + 1;
            listener?.(b, i, rule);
            const value = model.decides[rule.to]!;
            if (value >= 0 && value < game.values && game.decisionRound[a] === 0) {
              out.decision[a] = value;
              break;
            }
          }
        }
      }
    },
  };
}
