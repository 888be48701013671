/**
 * A threshold automaton's own `specifications`, evaluated on played episodes.
 *
 * Each episode is read as the automaton's run, one step per rule taken (agent by agent within a
 * round, each agent's rules in the order it took them, then this round's crashes): a configuration
 * counts the processes in each location — under Byzantine faults the non-faulty agents (the
 * automaton has N − F copies), under crash faults every agent, a crashed one in the file's crash
 * location — and each shared counter is incremented as the rules taken increment it (so a crashed
 * process's messages stay counted; counters no protocol rule increments, as nfaulty or n-rabc's f10,
 * stay 0). Parameters in a formula are their real values (bosco's `F == 0` is the scenario's f).
 *
 * The formula is evaluated on that finite run with the usual finite-trace reading ([]φ: φ at every
 * later position; <>φ: at some later one). A **safety** specification (no <> once negations are
 * pushed to the atoms) is judged exactly: a run that breaks it on its prefix breaks it in every
 * continuation. A **liveness** specification is judged within the horizon: its fairness premise
 * <>[]φ holds when φ holds from some round to the end, and a promised <>ψ must happen by round R —
 * a violation then means "not within R rounds", which a longer horizon may cure.
 */
import { AdversaryActions, HonestActions } from '../../game/actions.js';
import { GameBatch } from '../../game/GameBatch.js';
import type { Scenario } from '../../game/scenario.js';
import type { Adversary } from '../types.js';
import type { LtlExpr } from './ast.js';
import { evalArith, type CompiledAutomaton } from './compile.js';
import type { AutomatonProtocol } from './protocol.js';

export type SpecKind = 'safety' | 'liveness';

export interface SpecResult {
  kind: SpecKind;
  /** Held in every episode played. */
  holds: boolean;
  /** Episodes that broke it (liveness: did not meet it within the horizon). */
  violations: number;
  /** The first such episode (replay it with `play --trace-episode E`), or null. */
  firstViolation: number | null;
}

/** Whether φ, read positively (`positive`) or under a negation, promises something eventually. */
function promisesEventually(e: LtlExpr, positive: boolean): boolean {
  switch (e.kind) {
    case 'cmp':
      return false;
    case 'not':
      return promisesEventually(e.operand, !positive);
    case 'eventually':
      return positive || promisesEventually(e.operand, positive);
    case 'always':
      return !positive || promisesEventually(e.operand, positive);
    case 'implies':
      return promisesEventually(e.left, !positive) || promisesEventually(e.right, positive);
    default:
      return promisesEventually(e.left, positive) || promisesEventually(e.right, positive);
  }
}

export const specKind = (formula: LtlExpr): SpecKind => (promisesEventually(formula, true) ? 'liveness' : 'safety');

/** A configuration: per location the processes in it, then per shared counter its value. */
export type Configuration = Int32Array;

/**
 * A formula without temporal operators as a test of one configuration (the verifier's monitors and
 * `holdsOn` share it): names are locations, then shared counters, then macros and parameters.
 */
export function statePredicate(e: LtlExpr, model: CompiledAutomaton): (config: Configuration) => boolean {
  const ta = model.automaton;
  const macros = new Map(ta.defines.map((d) => [d.name, d.expr]));
  const locationIndex = new Map(model.locations.map((name, k) => [name, k]));
  const counterIndex = new Map(ta.shared.map((name, k) => [name, model.locations.length + k]));
  let config: Configuration = new Int32Array(0);
  const lookup = (name: string): number => {
    const slot = locationIndex.get(name) ?? counterIndex.get(name);
    return slot !== undefined ? config[slot]! : model.parameters[name]!;
  };
  const test = (x: LtlExpr): boolean => {
    switch (x.kind) {
      case 'cmp': {
        const l = evalArith(x.left, lookup, macros);
        const r = evalArith(x.right, lookup, macros);
        return x.op === '>' ? l > r : x.op === '>=' ? l >= r : x.op === '<' ? l < r : x.op === '<=' ? l <= r : x.op === '==' ? l === r : l !== r;
      }
      case 'not':
        return !test(x.operand);
      case 'and':
        return test(x.left) && test(x.right);
      case 'or':
        return test(x.left) || test(x.right);
      case 'implies':
        return !test(x.left) || test(x.right);
      case 'always':
      case 'eventually':
        throw new RangeError(`${ta.file}: statePredicate: a temporal operator is no state predicate`);
    }
  };
  return (at: Configuration): boolean => {
    config = at;
    return test(e);
  };
}

/** Whether φ has no temporal operator (a test of one configuration). */
export function isStateFormula(e: LtlExpr): boolean {
  switch (e.kind) {
    case 'cmp':
      return true;
    case 'not':
      return isStateFormula(e.operand);
    case 'always':
    case 'eventually':
      return false;
    default:
      return isStateFormula(e.left) && isStateFormula(e.right);
  }
}

/** Evaluates a specification on a finite run of configurations. */
export function holdsOn(formula: LtlExpr, run: readonly Configuration[], model: CompiledAutomaton): boolean {
  const memo = new Map<LtlExpr, boolean[]>();
  // Truth at every position, last to first (so [] and <> are one pass each).
  const truth = (e: LtlExpr): boolean[] => {
    const known = memo.get(e);
    if (known) return known;
    const len = run.length;
    let out: boolean[];
    switch (e.kind) {
      case 'cmp': {
        const test = statePredicate(e, model);
        out = run.map((config) => test(config));
        break;
      }
      case 'not':
        out = truth(e.operand).map((x) => !x);
        break;
      case 'and': {
        const [l, r] = [truth(e.left), truth(e.right)];
        out = l.map((x, k) => x && r[k]!);
        break;
      }
      case 'or': {
        const [l, r] = [truth(e.left), truth(e.right)];
        out = l.map((x, k) => x || r[k]!);
        break;
      }
      case 'implies': {
        const [l, r] = [truth(e.left), truth(e.right)];
        out = l.map((x, k) => !x || r[k]!);
        break;
      }
      case 'always':
      case 'eventually': {
        const inner = truth(e.operand);
        out = new Array<boolean>(len);
        let acc = e.kind === 'always';
        for (let k = len - 1; k >= 0; k--) {
          acc = e.kind === 'always' ? acc && inner[k]! : acc || inner[k]!;
          out[k] = acc;
        }
        break;
      }
    }
    memo.set(e, out);
    return out;
  };
  return truth(formula)[0]!;
}

/**
 * Plays `episodes` episodes (episode e draws exactly as in `play` with the same seed, so a violating
 * episode replays with `play --trace-episode e`) and evaluates every specification of the file on each.
 */
export function checkSpecifications(options: {
  scenario: Scenario;
  protocol: AutomatonProtocol;
  adversary: Adversary;
  episodes: number;
  seed?: number;
  batchSize?: number;
  /** Told after each batch, episode by episode in order, which specifications the episode broke (the hunt scores an attacker by them). */
  onEpisode?: (episode: number, violated: readonly string[]) => void;
  /** Called after each batch's reset, before it plays: the verifier sets a counterexample's setup and coins here to replay it. */
  prepare?: (game: GameBatch) => void;
}): Record<string, SpecResult> {
  const { scenario, protocol, adversary, episodes } = options;
  const seed = options.seed ?? 0;
  const size = Math.min(options.batchSize ?? 1024, episodes);
  const model = protocol.compiled(scenario.n, scenario.f);
  // Faulty agents are no copies of the automaton unless the file models them (a crash location) and they only crash.
  const byzantine = scenario.faults === 'byzantine' || model.crashLocations.length === 0;
  const specs = protocol.automaton.specifications;
  const results: Record<string, SpecResult> = {};
  for (const spec of specs) results[spec.name] = { kind: specKind(spec.formula), holds: true, violations: 0, firstViolation: null };
  const game = new GameBatch(scenario, { size, seed, memorySlots: protocol.memorySlots });
  const honest = new HonestActions(size, scenario.n, scenario);
  const attack = new AdversaryActions(size, scenario.n, scenario);
  const { n } = scenario;
  const locations = model.locations.length;
  const crashLocation = model.crashLocations[0];
  const copies = (b: number, i: number) => !(byzantine && game.faulty[b * n + i] === 1);
  // Per episode: the run so far, its current configuration and every process's location.
  let runs: Configuration[][] = [];
  let current: Configuration[] = [];
  const where = new Int32Array(size * n);
  protocol.observe((b, i, rule) => {
    if (!copies(b, i)) return; // a Byzantine agent's would-be step is no step of the automaton
    const config = current[b]!;
    config[rule.from]! -= 1;
    config[rule.to]! += 1;
    for (const c of rule.increments) config[locations + c]! += 1;
    where[b * n + i] = rule.to;
    runs[b]!.push(config.slice());
  });
  try {
    for (let first = 0; first < episodes; first += size) {
      game.reset(first);
      options.prepare?.(game);
      current = Array.from({ length: size }, (_, b) => {
        const config = new Int32Array(locations + model.counterTypes.length);
        for (let i = 0; i < n; i++) {
          if (!copies(b, i)) continue;
          where[b * n + i] = model.initial[game.input[b * n + i]!]!;
          config[where[b * n + i]!]! += 1;
        }
        return config;
      });
      runs = current.map((config) => [config.slice()]);
      while (!game.allDone) {
        const r = game.round;
        honest.clear();
        protocol.act(game, honest); // each rule taken is a step of the run (the listener above)
        attack.clear();
        adversary.act(game, honest, attack);
        game.step(honest, attack);
        // A process the adversary crashed this round is in the crash location from now on.
        if (crashLocation !== undefined)
          for (let b = 0; b < size; b++)
            for (let i = 0; i < n; i++) {
              const a = b * n + i;
              if (game.crashedAt[a] !== r || !copies(b, i)) continue;
              current[b]![where[a]!]! -= 1;
              current[b]![crashLocation]! += 1;
              where[a] = crashLocation;
              runs[b]!.push(current[b]!.slice());
            }
      }
      for (let b = 0; b < Math.min(size, episodes - first); b++) {
        const violated: string[] = [];
        for (const spec of specs) {
          if (holdsOn(spec.formula, runs[b]!, model)) continue;
          violated.push(spec.name);
          const result = results[spec.name]!;
          result.holds = false;
          result.violations++;
          result.firstViolation ??= first + b;
        }
        options.onEpisode?.(first + b, violated);
      }
    }
  } finally {
    protocol.observe(undefined);
  }
  return results;
}
