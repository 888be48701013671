// `play`'s mean reward is computed from integer counts (so it cannot depend on batching); it must
// equal the mean of the judge's per-episode rewards.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { judgeBatch, Outcomes } from '../../src/game/judge.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { play, resolveSides, runEpisodes } from '../../src/play/play.js';

describe('play', () => {
  it.each([
    ['honest-consensus', 'random', 'silent', []],
    ['slush-3v2', 'slush', 'silent', []],
    ['async-crash', 'ben-or', 'random', ['maxRounds=6', 'rewards.earlyCommit=-0.5', 'rewards.majorityViolation=-3']],
  ] as const)('%s: mean honest reward from counts equals the mean of per-episode rewards (%s vs %s)', (preset, honest, adversary, overrides) => {
    const scenario = loadScenario(preset, [...overrides]);
    const episodes = 3000;
    const result = play({ scenario, honest, adversary, episodes, seed: 2, batchSize: 1000 });
    const sides = resolveSides(scenario, honest, adversary);
    const game = new GameBatch(scenario, { size: episodes, seed: 2, memorySlots: sides.honest.memorySlots });
    game.reset(0);
    runEpisodes(game, sides.honest, sides.adversary, new HonestActions(episodes, scenario.n, scenario), new AdversaryActions(episodes, scenario.n, scenario));
    const outcomes = new Outcomes(episodes);
    judgeBatch(game, outcomes);
    const mean = outcomes.honestReward.reduce((a, b) => a + b, 0) / episodes;
    expect(result.meanHonestReward).toBeCloseTo(mean, 9);
    expect(result.meanHonestReward).not.toBe(0);
  });
});
