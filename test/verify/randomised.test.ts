// Randomised protocols and games with chance inside the episode: expectimax on the one engine.
import { beforeAll, describe, expect, it } from 'vitest';
import type { HonestActions } from '../../src/game/actions.js';
import type { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import type { HonestProtocol } from '../../src/game/strategy.js';
import { play } from '../../src/play/play.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { ready } from '../../src/policy/tf.js';
import { ChanceTapes, ReplayChance } from '../../src/verify/_internals/chance.js';
import { replayCounterexample, StateLimitError, verify } from '../../src/verify/verify.js';
import { cgymJson } from '../cli/cgym.js';

/** Every undecided agent commits a fair coin in round 1, reading nothing. */
const coinCommit: HonestProtocol = {
  name: 'coin-commit',
  summary: 'commit a fair coin in round 1',
  assumptions: 'none (a test protocol)',
  source: 'test',
  memorySlots: 0,
  refuse: () => undefined,
  act(game: GameBatch, out: HonestActions): void {
    for (let b = 0; b < game.size; b++)
      for (let i = 0; i < game.n; i++) if (game.needsAction(b, i)) out.decision[b * game.n + i] = game.honestRandomInt(b, 2);
  },
};

describe('chance tapes enumerate every outcome of dependent draws exactly once', () => {
  it('a draw whose range depends on an earlier one: four leaves, probabilities summing to 1', () => {
    const tapes = new ChanceTapes();
    // The "run": a = int(3); if a = 0 then pick from weights [1, 0, 3].
    const run = () => {
      const a = tapes.int(0, 3);
      if (a === 0) return [a, tapes.pick(0, [1, 0, 3], 0, 3)];
      return [a];
    };
    const leaves: Array<{ outcome: number[]; p: number }> = [];
    const queue: number[][] = [[]];
    while (queue.length) {
      tapes.begin(0, queue.pop());
      const outcome = run();
      leaves.push({ outcome, p: tapes.probability(0) });
      queue.push(...tapes.siblings(0));
    }
    const byKey = Object.fromEntries(leaves.map((l) => [l.outcome.join(','), l.p]));
    expect(byKey).toEqual({ '0,0': 1 / 12, '0,2': 1 / 4, '1': 1 / 3, '2': 1 / 3 });
  });

  it('a replay reproduces recorded outcomes, then takes the first possible ones', () => {
    const replay = new ReplayChance([2, 1]);
    expect(replay.int(0, 3)).toBe(2);
    expect(replay.pick(0, [5, 1], 0, 2)).toBe(1);
    expect(replay.finished).toBe(true);
    expect(replay.int(0, 4)).toBe(0);
    expect(replay.pick(0, [0, 0, 2], 0, 3)).toBe(2);
    expect(() => new ReplayChance([3]).int(0, 2)).toThrow(/only 2 are possible/);
  });
});

describe('verify: randomised protocols by expectimax', () => {
  it('coin-commit on honest-consensus: the exact probabilities (25/32 loss)', () => {
    const result = verify({ scenario: loadScenario('honest-consensus'), honest: coinCommit });
    expect(result.method).toBe('expectimax');
    // Uniform inputs over 3 agents; the coins must all agree (1/4), and on the value of unanimous inputs (1/8).
    expect(result.worstCaseLossRate).toBe(25 / 32);
    expect(result.breakRate).toEqual({ consistency: 3 / 4, validity: (1 / 4) * (7 / 8), termination: 0 });
    expect(result.worstCaseMajorityCorrectRate).toBe(1 / 8);
  });

  it('its losing episode replays in the engine, coins included, to the same violation', () => {
    const scenario = loadScenario('honest-consensus');
    const result = verify({ scenario, honest: coinCommit });
    if (result.verdict !== 'unsafe') throw new Error('coin-commit must be unsafe');
    const { setup, script, chance, violated } = result.counterexample;
    expect(chance?.length).toBe(3);
    expect(violated).toContain(result.property);
    expect(replayCounterexample(scenario, coinCommit, setup, script, chance).violated).toEqual(violated);
  });

  it('on a deterministic protocol expectimax agrees with the exhaustive search (the optimal adversary)', () => {
    for (const [preset, honest] of [['byzantine-breaking', 'majority'], ['honest-consensus', 'majority'], ['bb-pki-n3-f1', 'dolev-strong']] as const) {
      const scenario = loadScenario(preset);
      const exhaustive = verify({ scenario, honest });
      const expectimax = verify({ scenario, honest, method: 'expectimax' });
      expect(exhaustive.method).toBe('exhaustive');
      expect(expectimax.method).toBe('expectimax');
      expect(expectimax.worstCaseLossRate).toBeCloseTo(exhaustive.worstCaseLossRate, 12);
      expect(expectimax.violations).toEqual(exhaustive.violations);
      expect(expectimax.verdict).toBe(exhaustive.verdict);
    }
  });

  it('Ben-Or is never unsafe against any crash adversary; only termination within the horizon can fail', () => {
    const result = verify({ scenario: loadScenario('async-crash', ['timing=sync', 'maxRounds=6']), honest: 'ben-or' });
    expect(result.method).toBe('expectimax');
    expect(result.breakRate.consistency).toBe(0);
    expect(result.breakRate.validity).toBe(0);
    expect(result.breakRate.termination).toBeGreaterThan(0);
    expect(result.violations).toEqual(['termination']);
    // In three rounds no coin is ever reached: the exhaustive search stays in charge, and agrees with expectimax.
    const short = loadScenario('async-crash', ['maxRounds=3']);
    const exhaustive = verify({ scenario: short, honest: 'ben-or' });
    expect(exhaustive.method).toBe('exhaustive');
    expect(verify({ scenario: short, honest: 'ben-or', method: 'expectimax' }).worstCaseLossRate).toBeCloseTo(exhaustive.worstCaseLossRate, 12);
  });

  it('the worst case bounds every fixed adversary from above (random protocol on byzantine-breaking)', () => {
    const scenario = loadScenario('byzantine-breaking');
    const worst = verify({ scenario, honest: 'random' }).worstCaseLossRate;
    for (const adversary of ['silent', 'random', 'equivocate']) {
      const played = play({ scenario, honest: 'random', adversary, seed: 3, episodes: 100_000 });
      expect(1 - played.winRate).toBeLessThan(worst + 0.01);
    }
  });
});

describe('verify: a sampled learned policy (every choice of its softmax enumerated)', () => {
  beforeAll(async () => {
    await ready();
  });

  it('matches the same policy played 200,000 times, and its greedy twin goes to the exhaustive search', () => {
    const scenario = loadScenario('honest-consensus');
    const network = honestNetwork(scenario, { seed: 5, commitBias: 0 });
    const sampled = new NeuralProtocol(network, scenario, 'sample');
    const exact = verify({ scenario, honest: sampled });
    expect(exact.method).toBe('expectimax');
    const played = play({ scenario, honest: sampled, adversary: 'silent', seed: 2, episodes: 200_000 });
    const loss = exact.worstCaseLossRate;
    expect(Math.abs(1 - played.winRate - loss)).toBeLessThan(5 * Math.sqrt((loss * (1 - loss)) / 200_000));
    expect(verify({ scenario, honest: new NeuralProtocol(network, scenario, 'greedy') }).method).toBe('exhaustive');
  });
});

describe('verify: chance inside the episode (samples)', () => {
  it('Slush with no faults: the exact loss and majority-correct rates match the engine played 200,000 times', () => {
    const scenario = loadScenario('slush-n5', ['n=3', 'sampleSize=1', 'maxRounds=4']);
    const exact = verify({ scenario, honest: 'slush' });
    expect(exact.method).toBe('expectimax');
    const played = play({ scenario, honest: 'slush', adversary: 'silent', seed: 1, episodes: 200_000 });
    // 5 standard errors of 200,000 episodes: a wrong enumeration (a missed or double-counted draw) shows.
    const tolerance = (p: number) => 5 * Math.sqrt((p * (1 - p)) / 200_000);
    expect(Math.abs(1 - played.winRate - exact.worstCaseLossRate)).toBeLessThan(tolerance(exact.worstCaseLossRate));
    expect(Math.abs(played.majorityCorrectRate - exact.worstCaseMajorityCorrectRate!)).toBeLessThan(tolerance(exact.worstCaseMajorityCorrectRate!));
  });

  it('a setting out of reach is refused with Knuth\'s estimate of its size, not searched', () => {
    let error: unknown;
    try {
      verify({ scenario: loadScenario('slush-3v2'), honest: 'slush' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateLimitError);
    expect((error as Error).message).toMatch(/far beyond --max-states=20000000 \(Knuth's estimate over random paths, without memo: ~\d\.\de\+\d+ states\)/);
  });

  it('cgym verify --json reports the method, the estimate and the coins of the losing episode', () => {
    const json = cgymJson<{ method: string; worstCaseLossRate: number; estimatedStates: number; counterexample: { chance: number[] } }>(['verify', '--scenario', 'slush-n5', '--honest', 'slush', '--set', 'n=3', '--set', 'sampleSize=1', '--set', 'maxRounds=4']);
    expect(json.method).toBe('expectimax');
    expect(json.worstCaseLossRate).toBe(27 / 64);
    expect(json.estimatedStates).toBeGreaterThan(0);
    expect(json.counterexample.chance.length).toBeGreaterThan(0);
  });
});
