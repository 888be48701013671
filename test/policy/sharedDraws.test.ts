// Shared draws (NeuralProtocol.sharedDraws, a training option): the honest agents of an episode
// read one uniform per head through their own distributions, so agents whose distributions agree
// choose alike — while each agent's choices keep its own distribution.
import { beforeAll, describe, expect, it } from 'vitest';
import { HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { ready } from '../../src/policy/tf.js';

beforeAll(async () => {
  await ready();
});

// Round 1 of honest-consensus in the symmetric frame: every agent sees the same row, so every
// agent has the same distribution over each head.
const scenario = loadScenario('honest-consensus');
const SIZE = 2000;

function roundOneChoices(sharedDraws: boolean) {
  const protocol = new NeuralProtocol(honestNetwork(scenario, { seed: 3, observation: { valueFrame: 'symmetric' } }), scenario, 'sample');
  protocol.sharedDraws = sharedDraws;
  const game = new GameBatch(scenario, { size: SIZE, seed: 7 });
  game.reset(0);
  protocol.act(game, new HonestActions(SIZE, scenario.n, scenario));
  const heads = protocol.actionSpace.headCount;
  const message = 0; // paper actions: one head (wait, commit 0, commit 1)
  const choice = (b: number, i: number) => protocol.choices[(b * scenario.n + i) * heads + message]!;
  // The head's distribution (every row's: row 0's), from the logits it chose with.
  const { offset, size } = protocol.actionSpace.heads[message]!;
  const width = protocol.network.maskWidth;
  const weights = Array.from({ length: size }, (_, c) => (protocol.mask[offset + c] ? Math.exp(protocol.logits[offset + c]!) : 0));
  const total = weights.reduce((a, w) => a + w, 0);
  const probabilities = weights.map((w) => w / total);
  expect(width).toBeGreaterThan(0);
  return { choice, protocol, probabilities };
}

describe('shared draws', () => {
  it('the agents of an episode with the same distribution choose the same option; each option keeps its probability', () => {
    for (const shared of [false, true]) {
      const { choice, probabilities } = roundOneChoices(shared);
      const counts = probabilities.map(() => 0);
      let unanimous = 0;
      for (let b = 0; b < SIZE; b++) {
        const picks = [0, 1, 2].map((i) => choice(b, i));
        if (picks.every((p) => p === picks[0])) unanimous++;
        for (const p of picks) counts[p]!++;
      }
      // Independent draws: three agents agree with probability Σ p³ (below 1 here); shared: always.
      const independentAgreement = probabilities.reduce((a, p) => a + p ** 3, 0);
      expect(independentAgreement).toBeLessThan(0.8);
      if (shared) expect(unanimous).toBe(SIZE);
      else expect(Math.abs(unanimous / SIZE - independentAgreement)).toBeLessThan(0.05);
      probabilities.forEach((p, c) => expect(Math.abs(counts[c]! / (3 * SIZE) - p)).toBeLessThan(0.03));
    }
  });

  it('the same seed gives the same shared choices, and greedy play ignores the option', () => {
    const first = roundOneChoices(true);
    const again = roundOneChoices(true);
    expect(Array.from(again.protocol.choices)).toEqual(Array.from(first.protocol.choices));
    const greedy = new NeuralProtocol(first.protocol.network, scenario, 'greedy');
    const shared = new NeuralProtocol(first.protocol.network, scenario, 'greedy');
    shared.sharedDraws = true;
    const game = () => {
      const g = new GameBatch(scenario, { size: 64, seed: 1 });
      g.reset(0);
      return g;
    };
    greedy.act(game(), new HonestActions(64, scenario.n, scenario));
    shared.act(game(), new HonestActions(64, scenario.n, scenario));
    expect(Array.from(shared.choices)).toEqual(Array.from(greedy.choices));
  });
});
