/**
 * Judging and rewards (GAME.md §8), on honest agents only.
 *
 * - terminated: every honest agent decided within R rounds;
 * - consistent: all honest decisions (IC: vectors) are equal;
 * - valid: BA — all honest inputs v ⇒ every honest decision is v (under crash and omission faults,
 *   all inputs: faulty agents there propose honestly until they fail); BB — honest sender ⇒ every
 *   honest decision is its input; IC — entry j of every honest vector is j's input, honest j;
 * - majority-correct: BA — terminated, and every honest decision is a plurality value of the honest
 *   inputs (ties: any tied value); BB and IC have no separate majority objective, so it equals a win.
 *
 * Honest team reward of an episode (shared by every honest agent):
 *   consistencyViolation·[¬consistent] + validityViolation·[¬valid] + majorityViolation·[¬majorityCorrect]
 *   + correctCommit·[win] + roundPenalty·Σ_rounds(#undecided honest at round end)
 *   + earlyCommit·#(honest who decided before anything arrived) + noCommit·#(honest undecided at the end)
 * The adversary gets its negation (`zero-sum`) or ±1 on an honest loss / win (`win-loss`).
 */
import type { GameBatch } from './GameBatch.js';

/** Outcomes of a batch, `[batch]` each; filled by `judgeBatch` for ended episodes. */
export class Outcomes {
  readonly terminated: Uint8Array;
  readonly consistent: Uint8Array;
  readonly valid: Uint8Array;
  readonly majorityCorrect: Uint8Array;
  readonly win: Uint8Array;
  readonly honestReward: Float64Array;
  readonly adversaryReward: Float64Array;
  /** Honest agents that decided before anything had arrived (the `earlyCommit` count). */
  readonly earlyCommits: Uint8Array;
  /** Honest agents undecided at the end (the `noCommit` count). */
  readonly undecidedAtEnd: Uint8Array;
  constructor(readonly size: number) {
    this.terminated = new Uint8Array(size);
    this.consistent = new Uint8Array(size);
    this.valid = new Uint8Array(size);
    this.majorityCorrect = new Uint8Array(size);
    this.win = new Uint8Array(size);
    this.honestReward = new Float64Array(size);
    this.adversaryReward = new Float64Array(size);
    this.earlyCommits = new Uint8Array(size);
    this.undecidedAtEnd = new Uint8Array(size);
  }
}

/** The judged outcome of one episode, as plain data (tests, traces). */
export interface EpisodeOutcome {
  terminated: boolean;
  consistent: boolean;
  valid: boolean;
  majorityCorrect: boolean;
  win: boolean;
  honestReward: number;
  adversaryReward: number;
}

/** Judges every episode of the batch into `out` (episodes still running are judged as they stand). */
export function judgeBatch(game: GameBatch, out: Outcomes): void {
  for (let b = 0; b < game.size; b++) judgeInto(game, b, out);
}

/** Judges episode b alone. */
export function judgeEpisode(game: GameBatch, b: number): EpisodeOutcome {
  const one = new Outcomes(game.size);
  judgeInto(game, b, one);
  return {
    terminated: one.terminated[b] === 1,
    consistent: one.consistent[b] === 1,
    valid: one.valid[b] === 1,
    majorityCorrect: one.majorityCorrect[b] === 1,
    win: one.win[b] === 1,
    honestReward: one.honestReward[b]!,
    adversaryReward: one.adversaryReward[b]!,
  };
}

// Scratch for judgeInto (values ≤ 4, agents ≤ 16): judging runs once per episode in every batch.
const tallyScratch = new Int32Array(4);
const decidersScratch = new Int32Array(16);

/** Judges episode b into slot b of `out` (as `judgeBatch` does for every slot). */
export function judgeInto(game: GameBatch, b: number, out: Outcomes): void {
  const { n, values: V, scenario } = game;
  const base = b * n;
  let terminated = true;
  let consistent = true;
  let valid = true;
  let undecidedAtEnd = 0;
  let earlyCommits = 0;
  let reference = -1; // first honest decider, to compare the others with
  let allSame = true;
  let firstInput = -1;
  const tally = tallyScratch;
  for (let v = 0; v < V; v++) tally[v] = 0;

  // Under crash and omission faults the faulty agents propose honestly until they fail, so (as in
  // the crash-fault literature) their inputs count for validity: a decision on a crashed agent's
  // input is valid. Under Byzantine faults only honest inputs count.
  const faultyInputsCount = scenario.faults !== 'byzantine';
  for (let i = 0; i < n; i++) {
    const a = base + i;
    if (faultyInputsCount || !game.faulty[a]) {
      const x = game.input[a]!;
      if (firstInput < 0) firstInput = x;
      else if (x !== firstInput) allSame = false;
    }
    if (game.faulty[a]) continue;
    tally[game.input[a]!]! += 1;
    if (game.decisionRound[a] === 0) {
      terminated = false;
      undecidedAtEnd++;
      continue;
    }
    const arrived = game.firstArrival[a]!;
    if (arrived === 0 || arrived > game.decisionRound[a]!) earlyCommits++;
    if (reference < 0) reference = i;
    else if (!sameDecision(game, b, reference, i)) consistent = false;
  }

  const honestDeciders = decidersScratch;
  let deciders = 0;
  for (let i = 0; i < n; i++) if (!game.faulty[base + i] && game.decisionRound[base + i] !== 0) honestDeciders[deciders++] = i;

  if (scenario.problem === 'agreement') {
    if (allSame) for (let t = 0; t < deciders; t++) if (game.decision[base + honestDeciders[t]!] !== firstInput) valid = false;
  } else if (scenario.problem === 'broadcast') {
    if (!game.faulty[base]) for (let t = 0; t < deciders; t++) if (decisionValue(game, b, honestDeciders[t]!) !== game.input[base]) valid = false;
  } else {
    for (let t = 0; t < deciders; t++)
      for (let j = 0, i = honestDeciders[t]!; j < n; j++) if (!game.faulty[base + j] && game.decisionVector[(base + i) * n + j] !== game.input[base + j]) valid = false;
  }

  const win = terminated && consistent && valid;
  let majorityCorrect = win;
  if (scenario.problem === 'agreement') {
    let top = 0;
    for (let v = 0; v < V; v++) top = Math.max(top, tally[v]!);
    majorityCorrect = terminated;
    for (let t = 0; t < deciders; t++) if (tally[game.decision[base + honestDeciders[t]!]!] !== top) majorityCorrect = false;
    majorityCorrect = majorityCorrect && consistent;
  }

  const w = scenario.rewards;
  let reward = 0;
  if (!consistent) reward += w.consistencyViolation;
  if (!valid) reward += w.validityViolation;
  if (!majorityCorrect) reward += w.majorityViolation;
  if (win) reward += w.correctCommit;
  reward += w.roundPenalty * game.undecidedRounds[b]!;
  reward += w.earlyCommit * earlyCommits;
  reward += w.noCommit * undecidedAtEnd;

  out.terminated[b] = terminated ? 1 : 0;
  out.consistent[b] = consistent ? 1 : 0;
  out.valid[b] = valid ? 1 : 0;
  out.majorityCorrect[b] = majorityCorrect ? 1 : 0;
  out.win[b] = win ? 1 : 0;
  out.honestReward[b] = reward;
  out.adversaryReward[b] = w.adversary === 'zero-sum' ? -reward : win ? -1 : 1;
  out.earlyCommits[b] = earlyCommits;
  out.undecidedAtEnd[b] = undecidedAtEnd;
}

function decisionValue(game: GameBatch, b: number, i: number): number {
  return game.decision[b * game.n + i]!;
}

function sameDecision(game: GameBatch, b: number, i: number, j: number): boolean {
  const n = game.n;
  if (!game.hasVector) return game.decision[b * n + i] === game.decision[b * n + j];
  const vi = (b * n + i) * n, vj = (b * n + j) * n;
  for (let t = 0; t < n; t++) if (game.decisionVector[vi + t] !== game.decisionVector[vj + t]) return false;
  return true;
}
