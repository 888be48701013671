/**
 * A threshold automaton's own `specifications`, checked by `verify` over every run of the scenario
 * within its horizon: every chance outcome (faulty set, inputs), every adversary choice that
 * `_internals/moves.ts` offers — those of the game verdict's search, with one widening: a Byzantine
 * message may carry any of the file's message types in any round, not only the tags honest agents
 * send in that round, since a faulty process may forge any message of the automaton — and every
 * outcome of the automaton's own choices (several rules enabled in one location: the honest coins,
 * enumerated on the engine's `chanceSource`). One rules engine: every state is a GameBatch slot
 * stepped by `game.step`, and the automaton's run is read exactly as `play` reads it
 * (protocols/thresholdAutomaton/specs.ts: one configuration per rule taken, agent by agent, then
 * the round's crashes).
 *
 * Every specification is checked exactly over the runs of at most R rounds (the scenario's
 * maxRounds), in the shapes the ByMC files use; anything else is refused in one line naming the
 * specification, never approximated. A, F, G, P, Q below are formulas without temporal operators.
 *
 * **Safety**, by reachability: `[] P` (P at every configuration of every run); `A -> [] P` (also
 * `A -> (B -> [] P)`, and `A || [] P` read as `!A -> [] P`: A at the initial configuration); and
 * `[](P -> [] Q)` (once P held, Q then and at every later configuration: a one-bit monitor).
 *
 * **Liveness, under fair bounded delivery within the horizon**: `premises -> promise`, the premises a
 * conjunction of A (at the initial configuration), `<>[]F` and `[]F`, the promise `<>G` or
 * `[](P -> <>Q)`, also behind `A ->`. Every run of the engine is fair in the bounded sense: the
 * adversary delays a message by at most maxDelay rounds, and a process takes an enabled rule at once.
 * A run is read to its end as `play` reads it (specs.ts): `<>[]F` holds when F holds at the last
 * configuration, `[]F` when F held at every one, `<>G` when G held at some one, `[](P -> <>Q)` when
 * no P is left without a Q at or after it. The promise must be met by the end of EVERY run whose
 * premises hold; a violation means "not within R rounds" on that run, which a longer horizon may cure.
 *
 * The search: depth-first from each chance outcome's start. A state is remembered on its exact
 * joint key (`_internals/keys.ts`, the verdict search's) extended by the automaton's configuration
 * and the monitors' bits, so a state met twice is explored once. Per round and crash choice, the
 * options towards each recipient are first played on one diagonal batch (slot t gives every
 * recipient its t-th option) and merged where they leave that recipient the same view: what a
 * recipient sees depends only on what is sent to it (moves.ts), so the children are exactly the
 * product of the distinct views. In the last round only crashes still change a configuration.
 *
 * **Chance orbits.** Chance outcomes that differ by renaming processes of equal role (the file's
 * processes are all alike: `agentRoles`) are searched once, the first of each orbit in enumeration
 * order (verify.ts `chanceOrbits`): at N=4, F=1, 32 outcomes make 4 orbits. Sound because the
 * interpreter (protocols/thresholdAutomaton/protocol.ts) runs one copy of the automaton per process,
 * reading only its own location and its counts of distinct senders, so renaming processes renames
 * runs; the adversary's options are equivariant (moves.ts); every rule choice is explored here,
 * whichever process draws it; and every specification reads counters of locations, which no renaming
 * changes. (The exhaustive search checks a protocol's `agentRoles` claim on renamed episodes first;
 * that check cannot run here — the automaton's draws come in process order — so the argument above
 * stands for it, and tests compare the verdicts with and without: `symmetry: false`.) The first
 * violating outcome is its orbit's first member, so counterexamples fall where they did without.
 */
import { AdversaryActions, HonestActions } from '../game/actions.js';
import { GameBatch, type EpisodeSetup } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import { createScriptedAdversary, type AdversaryScript, type ScriptRound } from '../protocols/adversaries/scripted.js';
import type { LtlExpr } from '../protocols/thresholdAutomaton/ast.js';
import type { CompiledAutomaton, CompiledRule } from '../protocols/thresholdAutomaton/compile.js';
import type { AutomatonProtocol } from '../protocols/thresholdAutomaton/protocol.js';
import { checkSpecifications, isStateFormula, specKind, statePredicate, type Configuration, type SpecKind } from '../protocols/thresholdAutomaton/specs.js';
import { ChanceTapes, ReplayChance } from './_internals/chance.js';
import { jointKey, viewKey } from './_internals/keys.js';
import { combinations, describeOption, generateMoves, writeGlobal, writeOption, type GlobalMove } from './_internals/moves.js';
import { StateLimitError } from './_internals/search.js';
import { chanceOrbits, chanceOutcomes, countChance, replayCounterexample, type ChanceOutcomes } from './verify.js';
import { verificationRoles } from './_internals/symmetry.js';
import { HeapGuard } from './_internals/heapGuard.js';

/** A violated specification's run: replay it with `replaySpecCounterexample` (the engine, a scripted adversary, these coins). */
export interface SpecCounterexample {
  setup: EpisodeSetup;
  /** The adversary's choices, round by round (`createScriptedAdversary`). */
  script: AdversaryScript;
  /** The automaton's choices between enabled rules, in drawing order (`ReplayChance`); absent when it made none. */
  chance?: number[];
  /** The round in which the specification broke. */
  round: number;
  /** The replayed episode as `play --trace` prints it. */
  trace: string;
}

export interface SpecVerdict {
  kind: SpecKind;
  /** true / false: decided exactly within the horizon; null: not checked (`reason`). */
  holds: boolean | null;
  /** Why it was not checked: a liveness specification, a safety shape verify does not check exactly, or the budget (one line). */
  reason?: string;
  /** Holds because its premise is false at every start of the scenario (bosco's and cf1s's `F == 0` at F = 1): nothing was checked. */
  vacuous?: true;
  counterexample?: SpecCounterexample;
}

export interface AutomatonSpecsResult {
  specs: Record<string, SpecVerdict>;
  /** Rounds every run was followed for (the scenario's maxRounds). */
  horizon: number;
  chanceOutcomes: number;
  /** Chance outcomes searched: one per orbit of renamings (absent with `symmetry: false`, or where every process has a role of its own). */
  orbits?: number;
  /** Engine states produced (one per slot stepped or acted). */
  states: number;
  /** Distinct states explored (memo entries, summed over chance outcomes). */
  distinctStates: number;
  seconds: number;
  /**
   * Set when the search stopped at the budget (the StateLimitError's line): a violation found before
   * is still a real counterexample, every other safety specification is `holds: null` — never a
   * verdict on a partial search.
   */
  beyondBudget?: string;
}

export interface AutomatonSpecsOptions {
  scenario: Scenario;
  protocol: AutomatonProtocol;
  /** Stop with a StateLimitError after this many engine states (default 20,000,000): never a verdict on a partial search. */
  maxStates?: number;
  /** Check only these specifications (by name; the others are left out of the result); default: every one. */
  only?: readonly string[];
  /** Called after each chance outcome is searched (done of total; states so far); a StateLimitError it throws ends the search as beyond the budget. */
  onProgress?: (done: number, total: number, states: number) => void;
  /** Search one chance outcome per orbit of renamings of alike processes (default true; the module comment says why it is sound). */
  symmetry?: boolean;
}

type Test = (config: Configuration) => boolean;

/** A specification as the monitor that checks it configuration by configuration (three bits of state each: `bit`). */
interface Monitor {
  name: string;
  kind: SpecKind;
  /** Tested once, on the initial configuration: the specification says nothing about a run that starts elsewhere. */
  premise: Test | undefined;
  /** Safety `[](P -> [] Q)`: P, which arms the monitor (bit ARMED). */
  trigger?: Test;
  /** Safety: what must hold at every configuration (once armed). */
  invariant?: Test;
  /** Liveness premises `<>[]F`: F at the run's last configuration (the finite-trace reading, as play's). */
  finally?: Test[];
  /** Liveness premises `[]F`: F at every configuration (bit BROKEN once it failed). */
  always?: Test[];
  /** Liveness `<>G`: G at some configuration (bit ARMED: seen). */
  goal?: Test;
  /** Liveness `[](P -> <>Q)`: every P answered by a Q then or later (bit ARMED: a P waits for its Q). */
  response?: { ask: Test; answer: Test };
}

/** Monitor bits: three per monitor. */
const ARMED = 1, BROKEN = 2;
const bit = (k: number, which: number): number => which << (3 * k);

/** `A && B && …` as its conjuncts. */
function conjuncts(e: LtlExpr): LtlExpr[] {
  return e.kind === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/** The shapes checked exactly (module comment); anything else is a one-line reason. */
function monitorOf(name: string, formula: LtlExpr, model: CompiledAutomaton): Monitor | string {
  const kind = specKind(formula);
  const test = (e: LtlExpr) => statePredicate(e, model);
  const initial: LtlExpr[] = [], eventuallyAlways: LtlExpr[] = [], always: LtlExpr[] = [];
  const refusal = `${model.automaton.file}: specification ${name}: verify checks exactly the shapes A -> [] P and [](P -> [] Q) (safety), and premises A, <>[]F, []F -> <>G or [](P -> <>Q) (liveness), with A, F, G, P, Q without temporal operators; this one is not checked`;
  let body = formula;
  // `A -> φ`, and `A || φ` (nbacr's validity), read as `!A -> φ`; a liveness premise may also hold <>[]F and []F.
  for (;;) {
    if (body.kind === 'implies') {
      const parts = conjuncts(body.left);
      const fits = parts.every((c) => isStateFormula(c) || (kind === 'liveness' && ((c.kind === 'eventually' && c.operand.kind === 'always' && isStateFormula(c.operand.operand)) || (c.kind === 'always' && isStateFormula(c.operand)))));
      if (!fits) return refusal;
      for (const c of parts) {
        if (isStateFormula(c)) initial.push(c);
        else if (c.kind === 'always') always.push(c.operand);
        else if (c.kind === 'eventually' && c.operand.kind === 'always') eventuallyAlways.push(c.operand.operand);
      }
      body = body.right;
    } else if (body.kind === 'or' && isStateFormula(body.left) !== isStateFormula(body.right)) {
      const [state, rest] = isStateFormula(body.left) ? [body.left, body.right] : [body.right, body.left];
      initial.push({ kind: 'not', operand: state, at: body.at });
      body = rest;
    } else break;
  }
  const premiseTests = initial.map(test);
  const premise = premiseTests.length ? (c: Configuration) => premiseTests.every((t) => t(c)) : undefined;
  if (kind === 'safety') {
    if (body.kind !== 'always') return refusal;
    const inner = body.operand;
    if (isStateFormula(inner)) return { name, kind, premise, invariant: test(inner) };
    if (initial.length === 0 && inner.kind === 'implies' && isStateFormula(inner.left) && inner.right.kind === 'always' && isStateFormula(inner.right.operand))
      return { name, kind, premise, trigger: test(inner.left), invariant: test(inner.right.operand) };
    return refusal;
  }
  const premises = { finally: eventuallyAlways.map(test), always: always.map(test) };
  if (body.kind === 'eventually' && isStateFormula(body.operand)) return { name, kind, premise, ...premises, goal: test(body.operand) };
  if (body.kind === 'always' && body.operand.kind === 'implies' && isStateFormula(body.operand.left) && body.operand.right.kind === 'eventually' && isStateFormula(body.operand.right.operand))
    return { name, kind, premise, ...premises, response: { ask: test(body.operand.left), answer: test(body.operand.right.operand) } };
  return refusal;
}

/** A round's work batch: the engine slots and the action buffers that step them. */
interface Bench {
  game: GameBatch;
  honest: HonestActions;
  adversary: AdversaryActions;
}

interface Witness {
  setup: EpisodeSetup;
  script: ScriptRound[];
  chance: number[];
  round: number;
}

const DEFAULT_MAX_STATES = 20_000_000;
const KIDS_CHUNK = 512;

/** Checks every specification of the automaton over every run of the scenario within its horizon (module comment). */
export function verifyAutomatonSpecs(options: AutomatonSpecsOptions): AutomatonSpecsResult {
  const started = performance.now();
  const { scenario, protocol } = options;
  const why = protocol.refuse(scenario);
  if (why) throw new RangeError(why);
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const model = protocol.compiled(scenario.n, scenario.f);
  const specs: Record<string, SpecVerdict> = {};
  const monitors: Monitor[] = [];
  const chosen = protocol.automaton.specifications.filter((spec) => !options.only || options.only.includes(spec.name));
  for (const name of options.only ?? []) if (!chosen.some((spec) => spec.name === name)) throw new RangeError(`verify: ${protocol.automaton.file} has no specification ${name} (it has ${protocol.automaton.specifications.map((spec) => spec.name).join(', ')})`);
  for (const spec of chosen) {
    const kind = specKind(spec.formula);
    const monitor = monitorOf(spec.name, spec.formula, model);
    if (typeof monitor === 'string') specs[spec.name] = { kind, holds: null, reason: monitor };
    else monitors.push(monitor);
  }
  const { total } = countChance(scenario);
  const all: ChanceOutcomes = { total, represented: total, each: () => chanceOutcomes(scenario) };
  const roles = options.symmetry === false || !protocol.agentRoles ? undefined : verificationRoles([...protocol.agentRoles(scenario)], scenario);
  const outcomes = roles && new Set(roles).size < roles.length ? chanceOrbits(scenario, roles, all) : all;
  const search = new SpecSearch(scenario, protocol, model, monitors, maxStates);
  let beyondBudget: string | undefined;
  try {
    if (monitors.length > 0) {
      let done = 0;
      for (const { setup } of outcomes.each()) {
        search.solve(setup);
        options.onProgress?.(++done, outcomes.total, search.states);
      }
    }
  } catch (error) {
    if (!(error instanceof StateLimitError)) throw error;
    beyondBudget = error.message;
  }

  for (const [k, monitor] of monitors.entries()) {
    const witness = search.witnesses[k];
    if (!witness) {
      if (beyondBudget !== undefined) specs[monitor.name] = { kind: monitor.kind, holds: null, reason: `beyond the budget: ${beyondBudget}` };
      else specs[monitor.name] = { kind: monitor.kind, holds: true, ...(((search.everActive >> k) & 1) === 0 && { vacuous: true as const }) };
      continue;
    }
    const counterexample = replaySpecCounterexample(scenario, protocol, witness, monitor.name);
    specs[monitor.name] = { kind: monitor.kind, holds: false, counterexample };
  }
  // In the file's order.
  const ordered: Record<string, SpecVerdict> = {};
  for (const spec of chosen) ordered[spec.name] = specs[spec.name]!;
  return {
    specs: ordered,
    horizon: scenario.maxRounds,
    chanceOutcomes: total,
    ...(outcomes !== all && { orbits: outcomes.total }),
    states: search.states,
    distinctStates: search.distinct,
    seconds: (performance.now() - started) / 1000,
    ...(beyondBudget !== undefined && { beyondBudget }),
  };
}

/**
 * Replays a violation in the engine — the setup, the scripted adversary and the automaton's recorded
 * choices, through `checkSpecifications` (what `play` runs) — and returns it with its trace; throws
 * if the replayed run does not break `spec` (the search and the replay would disagree: a bug).
 */
export function replaySpecCounterexample(scenario: Scenario, protocol: AutomatonProtocol, witness: Omit<SpecCounterexample, 'trace'>, spec: string): SpecCounterexample {
  const chance = witness.chance && witness.chance.length > 0 ? [...witness.chance] : undefined;
  const replayed = checkSpecifications({
    scenario,
    protocol,
    adversary: createScriptedAdversary(witness.script),
    episodes: 1,
    batchSize: 1,
    prepare: (game) => {
      game.setup(0, witness.setup);
      if (chance) game.chanceSource = new ReplayChance(chance);
    },
  });
  if (replayed[spec]?.holds !== false)
    throw new Error(`verify: internal error: the counterexample found for ${spec} of ${protocol.name} does not replay to a violation (setup ${JSON.stringify(witness.setup)})`);
  const { trace } = replayCounterexample(scenario, protocol, witness.setup, witness.script, chance);
  return { setup: witness.setup, script: witness.script, ...(chance && { chance }), round: witness.round, trace };
}

class SpecSearch {
  private readonly heap = new HeapGuard();
  states = 0;
  distinct = 0;
  /** Per monitor, the first violation found (chance outcomes in order), or undefined. */
  readonly witnesses: Array<Witness | undefined>;
  private readonly R: number;
  private readonly heads: Bench[] = [];
  private readonly probes: Bench[] = [];
  private readonly kids: Bench[] = [];
  private readonly tapes = new ChanceTapes();
  private memo = new Set<string>();
  /** Monitors still unbroken (bit k: monitor k); a broken one is not watched any more. */
  private alive: number;
  /** Per chance outcome: monitors whose premise held at the start. */
  private active = 0;
  /** Monitors whose premise held at the start of some chance outcome (the others hold vacuously). */
  everActive = 0;
  private setup!: EpisodeSetup;
  private readonly byzantine: boolean;
  private readonly locations: number;
  /** The protocol's `messageTags` (every message type): a Byzantine process may send any type in any round, as in the game verdict's search. */
  private readonly messageTags: readonly number[];

  constructor(
    readonly scenario: Scenario,
    readonly protocol: AutomatonProtocol,
    readonly model: CompiledAutomaton,
    readonly monitors: readonly Monitor[],
    readonly maxStates: number,
  ) {
    if (monitors.length > 10) throw new RangeError(`verify: ${protocol.name}: more than 10 specifications to check at once (three monitor bits each in 32)`);
    this.R = scenario.maxRounds;
    this.witnesses = monitors.map(() => undefined);
    this.alive = (1 << monitors.length) - 1;
    // As specs.ts: faulty agents are copies of the automaton only when the file models them (a crash location) and they only crash.
    this.byzantine = scenario.faults === 'byzantine' || model.crashLocations.length === 0;
    this.locations = model.locations.length;
    this.messageTags = protocol.messageTags?.(scenario) ?? [];
  }

  private copies(game: GameBatch, b: number, i: number): boolean {
    return !(this.byzantine && game.faulty[b * game.n + i] === 1);
  }

  private count(k: number): void {
    this.states += k;
    if (this.states > this.maxStates)
      throw new StateLimitError(`verify: more than --max-states=${this.maxStates} states explored checking the specifications of ${this.protocol.name} on ${this.scenario.name}; raise --max-states or shrink the scenario (maxRounds, maxDelay)`);
    const full = this.heap.check(this.states);
    if (full !== undefined) throw new StateLimitError(`verify: ${full} (${this.scenario.name}, ${this.protocol.name}); lower --max-states or shrink the scenario`);
  }

  private level(list: Bench[], r: number, size: number): Bench {
    const have = list[r];
    if (have && have.game.size >= size) return have;
    const cap = Math.max(size, have ? have.game.size * 2 : 1);
    const bench = {
      game: new GameBatch(this.scenario, { size: cap, memorySlots: this.protocol.memorySlots }),
      honest: new HonestActions(cap, this.scenario.n, this.scenario),
      adversary: new AdversaryActions(cap, this.scenario.n, this.scenario),
    };
    list[r] = bench;
    return bench;
  }

  /**
   * Observes one configuration: updates every watched monitor's bits, and records a violation of
   * every safety monitor whose invariant fails. Returns the bits after it.
   */
  private check(config: Configuration, bits: number, path: readonly ScriptRound[], chance: readonly number[], round: number): number {
    const watch = this.alive & this.active;
    this.monitors.forEach((m, k) => {
      if (!((watch >> k) & 1)) return;
      const armed = bit(k, ARMED);
      if (m.kind === 'liveness') {
        if (m.always!.some((t) => !t(config))) bits |= bit(k, BROKEN);
        if (m.goal && m.goal(config)) bits |= armed;
        if (m.response) {
          if (m.response.answer(config)) bits &= ~armed;
          else if (m.response.ask(config)) bits |= armed;
        }
        return;
      }
      if (m.trigger && !(bits & armed) && m.trigger(config)) bits |= armed;
      if (m.trigger && !(bits & armed)) return;
      if (m.invariant!(config)) return;
      this.violated(k, path, chance, round);
    });
    return bits;
  }

  /** The end of a run (the episode is over, or the horizon): every liveness monitor whose premises held and whose promise is still open is violated. */
  private leaf(config: Configuration, bits: number, path: readonly ScriptRound[], chance: readonly number[], round: number): void {
    const watch = this.alive & this.active;
    this.monitors.forEach((m, k) => {
      if (m.kind !== 'liveness' || !((watch >> k) & 1)) return;
      if (bits & bit(k, BROKEN) || !m.finally!.every((t) => t(config))) return;
      const armed = (bits & bit(k, ARMED)) !== 0;
      if (m.goal ? !armed : armed) this.violated(k, path, chance, round);
    });
  }

  private violated(k: number, path: readonly ScriptRound[], chance: readonly number[], round: number): void {
    this.witnesses[k] = { setup: this.setup, script: [...path], chance: [...chance], round };
    this.alive &= ~(1 << k);
  }

  /** The bits of the monitors still watched (a key need not tell apart states that differ only in the dead ones). */
  private liveBits(bits: number): number {
    let mask = 0;
    for (let k = 0; k < this.monitors.length; k++) if ((this.alive >> k) & 1) mask |= bit(k, 7);
    return bits & mask;
  }

  solve(setup: EpisodeSetup): void {
    if (this.alive === 0) return;
    this.setup = setup;
    const root = this.level(this.heads, 0, 1).game;
    root.reset(0);
    root.setup(0, setup);
    root.round = 1;
    const n = this.scenario.n;
    const config = new Int32Array(this.locations + this.model.counterTypes.length);
    for (let i = 0; i < n; i++) if (this.copies(root, 0, i)) config[this.model.initial[root.input[i]!]!]! += 1;
    this.active = 0;
    this.monitors.forEach((m, k) => {
      if (!m.premise || m.premise(config)) this.active |= 1 << k;
    });
    this.everActive |= this.active;
    this.memo = new Set();
    const armed = this.check(config, 0, [], [], 1);
    try {
      this.explore(root, 0, 1, config, armed, [], []);
    } finally {
      this.distinct += this.memo.size;
      this.memo = new Set();
    }
  }

  /** Every run from slot b of `src` at the start of round r, with the configuration and monitor bits reached so far. */
  private explore(src: GameBatch, b: number, r: number, config: Configuration, armed: number, path: ScriptRound[], chance: number[]): void {
    if ((this.alive & this.active) === 0) return;
    if (src.done[b] || r > this.R) return this.leaf(config, armed, path, chance, r - 1);
    const key = `${jointKey(src, b)}|${String.fromCharCode(...config)}|${this.liveBits(armed)}`;
    if (this.memo.has(key)) return;
    this.memo.add(key);

    const head = this.level(this.heads, r, 1);
    const game = head.game;
    // Every outcome of the automaton's choices this round: prefixes of draws, discovered as they are made (chance.ts).
    const prefixes: number[][] = [[]];
    while (prefixes.length > 0) {
      const prefix = prefixes.pop()!;
      game.copyEpisodeFrom(src, b, 0);
      game.round = r;
      this.tapes.begin(0, prefix);
      game.chanceSource = this.tapes;
      const now = config.slice();
      let bits = armed;
      const drawnBefore = chance;
      const listener = (slot: number, i: number, rule: CompiledRule): void => {
        if (slot !== 0 || !this.copies(game, 0, i)) return; // a Byzantine agent's would-be step is no step of the automaton
        now[rule.from]! -= 1;
        now[rule.to]! += 1;
        for (const c of rule.increments) now[this.locations + c]! += 1;
        bits = this.check(now, bits, path, [...drawnBefore, ...this.tapes.drawn(0)], r);
      };
      head.honest.clear();
      this.protocol.observe(listener);
      try {
        this.protocol.act(game, head.honest);
      } finally {
        this.protocol.observe(undefined);
        game.chanceSource = undefined;
      }
      this.count(1);
      prefixes.push(...this.tapes.siblings(0));
      const drawn = [...chance, ...this.tapes.drawn(0)];
      for (const move of generateMoves(game, 0, head.honest, this.messageTags)) this.expand(head, r, move, now, bits, path, drawn);
      if ((this.alive & this.active) === 0) return;
    }
  }

  /** Loads slots 0..count−1 of `bench` with the head's state and this round's honest actions. */
  private load(bench: Bench, head: Bench, r: number, count: number): void {
    const game = bench.game;
    for (let t = 0; t < count; t++) game.copyEpisodeFrom(head.game, 0, t);
    for (let t = count; t < game.size; t++) game.done[t] = 1;
    game.round = r;
    for (const name of Object.keys(head.honest) as Array<keyof HonestActions>) {
      const from = head.honest[name], to = bench.honest[name];
      if (!(ArrayBuffer.isView(from) && ArrayBuffer.isView(to))) continue;
      const row = (from as Int8Array).subarray(0, (from as Int8Array).length / head.honest.size);
      for (let t = 0; t < count; t++) (to as Int8Array).set(row, t * row.length);
    }
    bench.adversary.clear();
  }

  /** One crash choice of round r: every distinct combination of what reaches each recipient, each child explored. */
  private expand(head: Bench, r: number, move: GlobalMove, config: Configuration, armed: number, path: ScriptRound[], chance: number[]): void {
    const n = this.scenario.n;
    // Per recipient, one option per distinct view it can be left with (options 0 only in the last round: no one acts after it).
    let representatives: number[][];
    if (r === this.R || move.recipients.length === 0) representatives = move.recipients.map(() => [0]);
    else {
      const K = move.width;
      const probe = this.level(this.probes, r, K);
      this.load(probe, head, r, K);
      for (let t = 0; t < K; t++) {
        writeGlobal(probe.game, t, move, probe.adversary);
        for (const m of move.recipients) writeOption(probe.game, t, m, Math.min(t, m.count - 1), probe.adversary);
      }
      probe.game.step(probe.honest, probe.adversary);
      this.count(K);
      representatives = move.recipients.map((m) => {
        const seen = new Set<string>();
        const keep: number[] = [];
        for (let t = 0; t < m.count; t++) {
          const view = viewKey(probe.game, t, m.recipient);
          if (seen.has(view)) continue;
          seen.add(view);
          keep.push(t);
        }
        return keep;
      });
    }

    const combos = combinations(representatives);
    for (let first = 0; first < combos.length; first += KIDS_CHUNK) {
      const chunk = combos.slice(first, first + KIDS_CHUNK);
      const kids = this.level(this.kids, r, chunk.length);
      this.load(kids, head, r, chunk.length);
      chunk.forEach((options, t) => {
        writeGlobal(kids.game, t, move, kids.adversary);
        move.recipients.forEach((m, k) => writeOption(kids.game, t, m, options[k]!, kids.adversary));
      });
      kids.game.step(kids.honest, kids.adversary);
      this.count(chunk.length);
      for (let t = 0; t < chunk.length; t++) {
        if ((this.alive & this.active) === 0) return;
        const options = chunk[t]!;
        const round: ScriptRound = {};
        if (move.crashes.length) round.crashes = [...move.crashes];
        move.recipients.forEach((m, k) => describeOption(undefined, m, options[k]!, round));
        const next = [...path, round];
        // A process crashed this round is in the crash location from now on (agent by agent, as specs.ts).
        const after = config.slice();
        let bits = armed;
        const crashLocation = this.model.crashLocations[0];
        if (crashLocation !== undefined)
          for (let i = 0; i < n; i++) {
            const a = t * n + i;
            if (kids.game.crashedAt[a] !== r || !this.copies(kids.game, t, i)) continue;
            const from = kids.game.memory[a * this.protocol.memorySlots]! - 1;
            const at = from >= 0 ? from : this.model.initial[kids.game.input[a]!]!;
            after[at]! -= 1;
            after[crashLocation]! += 1;
            bits = this.check(after, bits, next, chance, r);
          }
        this.explore(kids.game, t, r + 1, after, bits, next, chance);
      }
    }
  }
}
