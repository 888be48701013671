// Shared draws (NeuralProtocol.sharedDraws, a training option): the honest agents of an episode
// read one uniform per head through their own distributions (`quantile`), or take the option with
// the largest logit + a Gumbel noise shared per absolute option (`gumbel`), so agents whose
// distributions agree choose alike — while each agent's choices keep its own distribution. Only
// `gumbel` couples agents whose value frames name the same value by different options.
import { beforeAll, describe, expect, it } from 'vitest';
import { HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { chooseHeadsCoupled } from '../../src/policy/chooseHeads.js';
import { NeuralProtocol, type SharedDraws } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { ready } from '../../src/policy/tf.js';
import { pickWeighted } from '../../src/game/rng.js';

beforeAll(async () => {
  await ready();
});

// Round 1 of honest-consensus in the symmetric frame: every agent sees the same row, so every
// agent has the same distribution over each head.
const scenario = loadScenario('honest-consensus');
const SIZE = 2000;

function roundOneChoices(sharedDraws: SharedDraws) {
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
  return { choice, protocol, probabilities, inputOf: (b: number, i: number) => game.input[b * scenario.n + i]! };
}

describe('shared draws', () => {
  it('the agents of an episode with the same distribution choose the same option; each option keeps its probability', () => {
    for (const shared of ['off', 'quantile', 'gumbel'] as const) {
      const { choice, probabilities, inputOf } = roundOneChoices(shared);
      const counts = probabilities.map(() => 0);
      let unanimous = 0;
      for (let b = 0; b < SIZE; b++) {
        const picks = [0, 1, 2].map((i) => choice(b, i));
        // gumbel couples absolute options: agents in the same (symmetric-frame) state choose alike where their inputs agree too.
        const alike = shared === 'gumbel' ? [0, 1, 2].every((i) => [0, 1, 2].every((j) => inputOf(b, i) !== inputOf(b, j) || picks[i] === picks[j])) : picks.every((p) => p === picks[0]);
        if (alike) unanimous++;
        for (const p of picks) counts[p]!++;
      }
      // Independent draws: three agents agree with probability Σ p³ (below 1 here); shared: always.
      const independentAgreement = probabilities.reduce((a, p) => a + p ** 3, 0);
      expect(independentAgreement).toBeLessThan(0.8);
      if (shared !== 'off') expect(unanimous).toBe(SIZE);
      else expect(Math.abs(unanimous / SIZE - independentAgreement)).toBeLessThan(0.05);
      probabilities.forEach((p, c) => expect(Math.abs(counts[c]! / (3 * SIZE) - p)).toBeLessThan(0.03));
    }
  });

  it('the same seed gives the same shared choices, and greedy play ignores the option', () => {
    for (const sharedDraws of ['quantile', 'gumbel'] as const) {
      const first = roundOneChoices(sharedDraws);
      const again = roundOneChoices(sharedDraws);
      expect(Array.from(again.protocol.choices)).toEqual(Array.from(first.protocol.choices));
      const greedy = new NeuralProtocol(first.protocol.network, scenario, 'greedy');
      const shared = new NeuralProtocol(first.protocol.network, scenario, 'greedy');
      shared.sharedDraws = sharedDraws;
      const game = () => {
        const g = new GameBatch(scenario, { size: 64, seed: 1 });
        g.reset(0);
        return g;
      };
      greedy.act(game(), new HonestActions(64, scenario.n, scenario));
      shared.act(game(), new HonestActions(64, scenario.n, scenario));
      expect(Array.from(shared.choices)).toEqual(Array.from(greedy.choices));
    }
  });

  it('gumbel couples agents whose frames name a value by different options; quantile can never couple their rare commits', () => {
    // One head {sample, commit own input, commit the other value} (the own-input frame). Agent A's
    // input is 1, B's is 0; both sample 68%, commit 0 30% and commit 1 2%: in absolute values their
    // distributions are equal. Through one uniform in their own option orders, A commits 1 for
    // u in [0.68, 0.70) and B for u in [0.98, 1): never in the same draw.
    const heads = [{ size: 3, offset: 0 }];
    const logits = Float32Array.from([0.68, 0.02, 0.3, /* B: */ 0.68, 0.3, 0.02].map(Math.log));
    const mask = new Uint8Array(6).fill(1);
    const inputs = [1, 0];
    const absolute = (row: number) => (_h: number, c: number) => (c === 0 ? 0 : 1 + ((c - 1 + inputs[row]!) % 2));
    const choices = new Int32Array(2);
    const noise = new Float64Array(3);
    let state = 12345;
    const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) + 0.5) / 4294967296;
    let together = 0, aCommits1 = 0, quantileTogether = 0, quantileA = 0;
    const draws = 20_000;
    for (let d = 0; d < draws; d++) {
      for (let x = 0; x < 3; x++) noise[x] = -Math.log(-Math.log(next()));
      for (let row = 0; row < 2; row++) chooseHeadsCoupled(logits, mask, 3, heads, row, choices, noise, absolute(row));
      const a = absolute(0)(0, choices[0]!), b = absolute(1)(0, choices[1]!);
      if (a === 2) aCommits1++;
      if (a === 2 && b === 2) together++;
      const u = next();
      const qa = absolute(0)(0, pickWeighted(u, [0.68, 0.02, 0.3], 0, 3)), qb = absolute(1)(0, pickWeighted(u, [0.68, 0.3, 0.02], 0, 3));
      if (qa === 2) quantileA++;
      if (qa === 2 && qb === 2) quantileTogether++;
    }
    // Each agent alone commits 1 in 2% of the draws (its own distribution), under both schemes;
    // under gumbel the two always do it together, under quantile never.
    expect(Math.abs(aCommits1 / draws - 0.02)).toBeLessThan(0.004);
    expect(Math.abs(quantileA / draws - 0.02)).toBeLessThan(0.004);
    expect(together).toBe(aCommits1);
    expect(quantileTogether).toBe(0);
  });
});
