/**
 * One chance outcome's search, as plain data: what the sequential loop and a worker thread
 * (verifyWorker.ts) both run, so the two paths share every line that decides a verdict. Each
 * solver keeps its engine batches across outcomes; `states` is counted per outcome (the memo is
 * per outcome too), so the sum over outcomes is the same whichever thread solved which.
 */
import { GameBatch, type EpisodeSetup } from '../../game/GameBatch.js';
import type { Scenario } from '../../game/scenario.js';
import type { AdversaryScript, ScriptRound } from '../../protocols/adversaries/scripted.js';
import type { HonestProtocol } from '../../protocols/types.js';
import { Expectimax, LOSS, type RoundValue } from './expectimax.js';
import { Falsifier } from './falsify.js';
import { Search, type SearchOptions } from './search.js';

/** The exhaustive search's answer for one chance outcome. */
export interface ExhaustiveSolution {
  kind: 'exhaustive';
  /** Properties the adversary can break (outcomes.ts bits). */
  mask: number;
  /** Rounds of the shortest violation (Infinity if none). */
  depth: number;
  witness?: AdversaryScript;
  states: number;
  distinct: number;
  /** Decided by an attack of the falsification pass (falsify.ts), not searched: `mask` holds only that attack's properties. */
  falsified?: true;
}

/** The expectimax search's answer for one chance outcome. */
export interface ExpectimaxSolution {
  kind: 'expectimax';
  /** The value vector (expectimax.ts indices), as a plain array to cross threads. */
  value: number[];
  /** The losing path, when the loss probability is positive. */
  witness?: { script: AdversaryScript; chance: number[] };
  states: number;
  distinct: number;
}

export type OutcomeSolution = ExhaustiveSolution | ExpectimaxSolution;

export interface OutcomeSolver {
  solve(setup: EpisodeSetup): OutcomeSolution;
}

export class ExhaustiveSolver implements OutcomeSolver {
  private readonly search: Search;
  private readonly root: GameBatch;
  /** The falsification pass tried before each search (`SearchOptions.falsify`). */
  readonly falsifier: Falsifier | undefined;

  /** `maxStates` bounds the states this solver explores over all its outcomes (a StateLimitError past it). */
  constructor(scenario: Scenario, protocol: HonestProtocol, maxStates: number, options: SearchOptions) {
    this.search = new Search(scenario, protocol, maxStates, options);
    this.root = new GameBatch(scenario, { size: 1, memorySlots: protocol.memorySlots });
    if (options.falsify) this.falsifier = new Falsifier(scenario, protocol, options.falsify);
  }

  solve(setup: EpisodeSetup): ExhaustiveSolution {
    const found = this.falsifier?.attack(setup);
    const played = this.falsifier?.takeStates() ?? 0;
    if (found) return { kind: 'exhaustive', mask: found.mask, depth: found.rounds, witness: found.script, states: played, distinct: 0, falsified: true };
    const before = this.search.states - played;
    this.root.reset(0);
    this.root.setup(0, setup);
    const result = this.search.solveRoot(this.root, 0);
    const solution: ExhaustiveSolution = { kind: 'exhaustive', mask: result.mask, depth: result.depth, states: this.search.states - before, distinct: this.search.distinctStates };
    if (result.mask) solution.witness = result.witness!;
    return solution;
  }
}

export class ExpectimaxSolver implements OutcomeSolver {
  private readonly search: Expectimax;
  private readonly root: GameBatch;

  constructor(scenario: Scenario, protocol: HonestProtocol, maxStates: number, options: SearchOptions) {
    this.search = new Expectimax(scenario, protocol, maxStates, options);
    this.root = new GameBatch(scenario, { size: 1, memorySlots: protocol.memorySlots });
  }

  solve(setup: EpisodeSetup): ExpectimaxSolution {
    const before = this.search.states;
    this.root.reset(0);
    this.root.setup(0, setup);
    const value = this.search.solveRoot(this.root, 0);
    const solution: ExpectimaxSolution = { kind: 'expectimax', value: [...value.value], states: this.search.states - before, distinct: this.search.distinctStates };
    if (value.value[LOSS]! > 0) solution.witness = witness(value);
    return solution;
  }
}

/** The losing path a randomised search recorded: the adversary's script and every coin and draw on it. */
function witness(start: RoundValue): { script: AdversaryScript; chance: number[] } {
  const script: ScriptRound[] = [];
  const chance: number[] = [];
  for (let at: RoundValue | undefined = start; at?.after; at = at.after.next) {
    chance.push(...at.coins!);
    script.push(at.after.round ?? {});
    chance.push(...(at.after.draws ?? []));
  }
  return { script, chance };
}
