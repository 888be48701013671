// The judge (GAME.md §8) on hand-built episodes: every chance move and action is scripted, so each
// violation kind of each problem is produced on purpose and the expected verdict is exact.
import { describe, expect, it } from 'vitest';
import type { HonestActions } from '../../src/game/actions.js';
import { handMade, verdict } from './helpers.js';

const WIN = { terminated: true, consistent: true, valid: true, majorityCorrect: true, win: true };

/** Every honest agent in `agents` commits its value in `values` (same index). */
const commit = (agents: number[], values: number[]) => (h: HonestActions) => agents.forEach((i, t) => (h.decision[i] = values[t]!));
/** Every agent in `agents` sends its own input. */
const sendInputs = (agents: number[]) => (h: HonestActions, _a: unknown, game: { input: Int8Array }) => agents.forEach((i) => (h.message[i] = game.input[i]!));

describe('judge: agreement (BA), n=4, f=1 Byzantine agent 3', () => {
  const ba = { n: 4, f: 1, honestActions: 'free', maxRounds: 3 } as const;

  it('an honest win: everyone commits the majority after one exchange', () => {
    const e = handMade(ba, { faulty: [3], inputs: [1, 1, 0, 0] });
    e.round(sendInputs([0, 1, 2]));
    e.round(commit([0, 1, 2], [1, 1, 1]));
    expect(e.game.done[0]).toBe(1);
    expect(e.game.roundsPlayed[0]).toBe(2);
    expect(verdict(e.judge())).toEqual(WIN);
  });

  it('consistency violation: honest agents commit different values', () => {
    const e = handMade(ba, { faulty: [3], inputs: [0, 1, 1, 0] });
    e.round(commit([0, 1, 2], [0, 1, 1]));
    expect(verdict(e.judge())).toEqual({ terminated: true, consistent: false, valid: true, majorityCorrect: false, win: false });
  });

  it('validity violation: every honest input is 1, every honest decision 0 (the faulty input does not count)', () => {
    const e = handMade(ba, { faulty: [3], inputs: [1, 1, 1, 0] });
    e.round(commit([0, 1, 2], [0, 0, 0]));
    expect(verdict(e.judge())).toEqual({ terminated: true, consistent: true, valid: false, majorityCorrect: false, win: false });
  });

  it('validity is vacuous when the honest inputs differ, but the majority objective is not', () => {
    const e = handMade(ba, { faulty: [3], inputs: [0, 1, 1, 1] });
    e.round(commit([0, 1, 2], [0, 0, 0]));
    expect(verdict(e.judge())).toEqual({ terminated: true, consistent: true, valid: true, majorityCorrect: false, win: true });
  });

  it('termination violation: an undecided honest agent at the horizon loses, even if the others agree', () => {
    const e = handMade(ba, { faulty: [3], inputs: [1, 1, 1, 0] });
    e.round(commit([0, 1], [1, 1]));
    e.finish();
    expect(e.game.roundsPlayed[0]).toBe(3);
    expect(e.game.decisionRound[2]).toBe(0);
    expect(verdict(e.judge())).toEqual({ terminated: false, consistent: true, valid: true, majorityCorrect: false, win: false });
  });

  it('a Byzantine agent has no decision to judge: its decision row is ignored by the engine', () => {
    const e = handMade(ba, { faulty: [3], inputs: [1, 1, 1, 1] });
    e.round(commit([0, 1, 2, 3], [1, 1, 1, 0]));
    expect(e.game.decisionRound[3]).toBe(0);
    expect(verdict(e.judge())).toEqual(WIN);
  });

  it('a crash-faulty agent runs the protocol, but its decision is not judged', () => {
    const e = handMade({ n: 3, f: 1, faults: 'crash', honestActions: 'free', maxRounds: 2 }, { faulty: [2], inputs: [0, 0, 1] });
    e.round(commit([0, 1, 2], [0, 0, 1]));
    expect(e.game.decision[2]).toBe(1);
    expect(verdict(e.judge())).toEqual(WIN);
  });

  it('validity under crash faults counts the faulty agents\' inputs too: they proposed honestly until they crashed', () => {
    // Honest inputs are all 0, but the crash-faulty agent 2 proposed 1, so deciding 1 is valid.
    const crashed = handMade({ n: 3, f: 1, faults: 'crash', honestActions: 'free', maxRounds: 2 }, { faulty: [2], inputs: [0, 0, 1] });
    crashed.round(commit([0, 1], [1, 1]));
    expect(crashed.judge().valid).toBe(true);
    // Under Byzantine faults only honest inputs count: the same decisions are invalid.
    const byzantine = handMade({ n: 3, f: 1, honestActions: 'free', maxRounds: 2 }, { faulty: [2], inputs: [0, 0, 1] });
    byzantine.round(commit([0, 1], [1, 1]));
    expect(byzantine.judge().valid).toBe(false);
  });

  it.each([
    ['tie 2–2, all commit 1', [0, 0, 1, 1], 1, true],
    ['tie 2–2, all commit 0', [0, 0, 1, 1], 0, true],
    ['3–1, all commit the minority 1', [0, 0, 0, 1], 1, false],
    ['3–1, all commit the majority 0', [0, 0, 0, 1], 0, true],
  ])('majority-correct with ties (either value wins a tie): %s', (_name, inputs, value, majorityCorrect) => {
    const e = handMade({ n: 4, f: 0, honestActions: 'free', maxRounds: 2 }, { inputs });
    e.round(commit([0, 1, 2, 3], [value, value, value, value]));
    const outcome = e.judge();
    expect(outcome.win).toBe(true);
    expect(outcome.majorityCorrect).toBe(majorityCorrect);
  });

  it('majority is taken over honest inputs only (3 values, plurality)', () => {
    // Honest inputs 2, 2, 0; the faulty agent's input 0 would make it a tie if it counted.
    const e = handMade({ n: 4, f: 1, values: 3, honestActions: 'free', maxRounds: 2 }, { faulty: [3], inputs: [2, 2, 0, 0] });
    e.round(commit([0, 1, 2], [0, 0, 0]));
    expect(e.judge().majorityCorrect).toBe(false);
  });
});

describe('judge: broadcast (BB), n=3, f=1, sender 0', () => {
  const bb = { n: 3, f: 1, problem: 'broadcast', honestActions: 'free', maxRounds: 2 } as const;

  it('honest sender: everyone commits its input — a win', () => {
    const e = handMade(bb, { faulty: [2], inputs: [1, 0, 0] });
    e.round(commit([0, 1], [1, 1]));
    expect(verdict(e.judge())).toEqual(WIN);
  });

  it('honest sender: agreeing on another value is a validity violation', () => {
    const e = handMade(bb, { faulty: [2], inputs: [1, 0, 0] });
    e.round(commit([0, 1], [0, 0]));
    expect(verdict(e.judge())).toEqual({ terminated: true, consistent: true, valid: false, majorityCorrect: false, win: false });
  });

  it('faulty sender: any common value is valid', () => {
    const e = handMade(bb, { faulty: [0], inputs: [1, 0, 0] });
    e.round(commit([1, 2], [0, 0]));
    expect(verdict(e.judge())).toEqual(WIN);
  });

  it('faulty sender: honest agents must still agree', () => {
    const e = handMade(bb, { faulty: [0], inputs: [1, 0, 0] });
    e.round(commit([1, 2], [0, 1]));
    expect(verdict(e.judge())).toEqual({ terminated: true, consistent: false, valid: true, majorityCorrect: false, win: false });
  });
});

describe('judge: interactive consistency (IC), n=4, f=1 Byzantine agent 3', () => {
  const ic = { n: 4, f: 1, problem: 'interactive-consistency', honestActions: 'free', maxRounds: 2 } as const;
  const inputs = [0, 1, 1, 0];
  /** Honest agents commit the given vectors (absolute order). */
  const commitVectors = (vectors: number[][]) => (h: HonestActions) =>
    vectors.forEach((vector, i) => {
      h.decision[i] = 0;
      vector.forEach((x, j) => (h.decisionVector[i * 4 + j] = x));
    });

  it('the same vector with every honest input in place is a win (the faulty entry is free)', () => {
    const e = handMade(ic, { faulty: [3], inputs });
    e.round(commitVectors([[0, 1, 1, 1], [0, 1, 1, 1], [0, 1, 1, 1]]));
    expect(verdict(e.judge())).toEqual(WIN);
  });

  it('validity violation: entry 2 is not honest agent 2\'s input', () => {
    const e = handMade(ic, { faulty: [3], inputs });
    e.round(commitVectors([[0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]]));
    expect(verdict(e.judge())).toEqual({ terminated: true, consistent: true, valid: false, majorityCorrect: false, win: false });
  });

  it('consistency violation: vectors that differ only in the faulty agent\'s entry', () => {
    const e = handMade(ic, { faulty: [3], inputs });
    e.round(commitVectors([[0, 1, 1, 0], [0, 1, 1, 1], [0, 1, 1, 1]]));
    expect(verdict(e.judge())).toEqual({ terminated: true, consistent: false, valid: true, majorityCorrect: false, win: false });
  });

  it('termination violation: one honest agent never commits a vector', () => {
    const e = handMade(ic, { faulty: [3], inputs });
    e.round(commitVectors([[0, 1, 1, 0], [0, 1, 1, 0]]));
    e.finish();
    expect(verdict(e.judge())).toEqual({ terminated: false, consistent: true, valid: true, majorityCorrect: false, win: false });
  });
});

describe('judge: reward arithmetic (each key of the reward table once)', () => {
  // Distinct weights, so a sum reveals which terms fired.
  const rewards = { consistencyViolation: -1, validityViolation: -2, majorityViolation: -4, correctCommit: 8, roundPenalty: -0.5, earlyCommit: -16, noCommit: -32 };
  const scenario = { n: 3, f: 0, honestActions: 'free', maxRounds: 2, rewards } as const;

  it('a win after one exchange: correctCommit + roundPenalty × 3 undecided in round 1', () => {
    const e = handMade(scenario, { inputs: [0, 1, 1] });
    e.round(sendInputs([0, 1, 2]));
    e.round(commit([0, 1, 2], [1, 1, 1]));
    const outcome = e.judge();
    expect(outcome.honestReward).toBe(8 - 0.5 * 3);
    expect(outcome.adversaryReward).toBe(-(8 - 0.5 * 3));
  });

  it('consistency + majority + roundPenalty + earlyCommit + noCommit', () => {
    // Agent 0 commits 0 at once (nothing has arrived: early); agent 1 commits 1 in round 2; agent 2 never.
    const e = handMade(scenario, { inputs: [0, 1, 1] });
    e.round((h) => {
      h.decision[0] = 0;
      h.message[1] = 1;
      h.message[2] = 1;
    });
    e.round(commit([1], [1]));
    expect(e.game.done[0]).toBe(1);
    // Undecided at the end of round 1: agents 1, 2; of round 2: agent 2 → 3 agent-rounds.
    expect(e.game.undecidedRounds[0]).toBe(3);
    const outcome = e.judge();
    expect(verdict(outcome)).toEqual({ terminated: false, consistent: false, valid: true, majorityCorrect: false, win: false });
    expect(outcome.honestReward).toBe(-1 - 4 - 0.5 * 3 - 16 - 32);
  });

  it('validity + majority + roundPenalty', () => {
    const e = handMade(scenario, { inputs: [1, 1, 1] });
    e.round(sendInputs([0, 1, 2]));
    e.round(commit([0, 1, 2], [0, 0, 0]));
    expect(e.judge().honestReward).toBe(-2 - 4 - 0.5 * 3);
  });

  it('adversary win-loss: +1 on an honest loss, −1 on an honest win', () => {
    const winLoss = { ...scenario, rewards: { ...rewards, adversary: 'win-loss' } } as const;
    const lost = handMade(winLoss, { inputs: [1, 1, 1] });
    lost.round(commit([0, 1, 2], [0, 0, 0]));
    expect(lost.judge().adversaryReward).toBe(1);
    const won = handMade(winLoss, { inputs: [1, 1, 1] });
    won.round(sendInputs([0, 1, 2]));
    won.round(commit([0, 1, 2], [1, 1, 1]));
    expect(won.judge().adversaryReward).toBe(-1);
  });
});
