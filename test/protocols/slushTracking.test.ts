// slush-tracking: slush-early-commit plus an unsure agent that reads who answered what. At n = 5,
// k = 3 the first sample leaves one input unheard; a round-2 answer that repeats a heard input, or
// the unheard agent moving after round 2, reveals the majority.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { play, runEpisodes } from '../../src/play/play.js';
import { getAdversary, getProtocol } from '../../src/protocols/registry.js';
import { majorityInput } from '../game/helpers.js';
import { slushTrackingProtocol } from '../../src/protocols/slushTracking.js';

const split32 = loadScenario('slush-3v2');


describe('slush-tracking', () => {
  it('is registered under its name', () => {
    expect(getProtocol('slush-tracking', split32)).toBe(slushTrackingProtocol);
  });

  it('every commit before the horizon is the majority input, whatever the draws', () => {
    const size = 8192;
    const game = new GameBatch(split32, { size, seed: 7 });
    const honest = new HonestActions(size, split32.n, split32);
    const adversary = new AdversaryActions(size, split32.n, split32);
    game.reset(0);
    runEpisodes(game, slushTrackingProtocol, getAdversary('silent', split32), honest, adversary);
    let early = 0;
    let tracked = 0;
    for (let b = 0; b < size; b++) {
      const majority = majorityInput(game, b);
      for (let i = 0; i < split32.n; i++) {
        const a = b * split32.n + i;
        const round = game.decisionRound[a]!;
        expect(round).toBeGreaterThan(1);
        if (round === split32.maxRounds) continue;
        early++;
        if (round > 2) tracked++;
        expect(game.decision[a]).toBe(majority);
      }
    }
    // Measured: 79.5% of the decisions come before the horizon, 39.8% in round 3 or later.
    expect(early / (size * split32.n)).toBeGreaterThan(0.75);
    expect(tracked / (size * split32.n)).toBeGreaterThan(0.3);
  });

  it('reaches 95% majority-correct on slush-3v2, where slush-early-commit stops at 93%', () => {
    const mine = play({ scenario: split32, honest: 'slush-tracking', adversary: 'silent', episodes: 20_000, seed: 1 });
    const early = play({ scenario: split32, honest: 'slush-early-commit', adversary: 'silent', episodes: 20_000, seed: 1 });
    // Measured: 96.8% against 93.3%.
    expect(mine.majorityCorrectRate).toBeGreaterThan(0.95);
    expect(mine.majorityCorrectRate).toBeGreaterThan(early.majorityCorrectRate + 0.02);
    expect(mine.validityViolationRate).toBe(0);
    expect(mine.terminationViolationRate).toBe(0);
  });

  it('refuses settings where the first sample does not leave exactly one input unheard', () => {
    expect(slushTrackingProtocol.refuse(split32)).toBeUndefined();
    expect(slushTrackingProtocol.refuse({ ...split32, sampleSize: 2 })).toMatch(/needs sampleSize = n − 2 = 3/);
    expect(slushTrackingProtocol.refuse({ ...split32, n: 6, sampleSize: 4 })).toMatch(/needs an odd n/);
    expect(slushTrackingProtocol.refuse({ ...split32, f: 1 })).toMatch(/needs f=0/);
    expect(slushTrackingProtocol.refuse({ ...split32, values: 3 })).toMatch(/needs values=2/);
    expect(slushTrackingProtocol.refuse(loadScenario('slush-n5'))).toMatch(/needs honestActions=slush/);
  });
});
