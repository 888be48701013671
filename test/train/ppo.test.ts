// PPO's clipped objective pushes the right way: its gradient raises the chosen action's
// log-probability where the advantage is positive, lowers it where negative, and stops pushing
// once the ratio π_new/π_old has left [1−ε, 1+ε] in that direction (Schulman et al., 2017, eq. 7).
// Then the same through ppoUpdate on a tiny network.
import { beforeAll, describe, expect, it } from 'vitest';
import { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready, tf } from '../../src/policy/tf.js';
import { clippedPolicyLoss, ppoUpdate } from '../../src/train/ppo.js';
import { SideStorage } from '../../src/train/rollout.js';

beforeAll(async () => {
  await ready();
});

const CLIP = 0.2;

/** d loss / d logProb for one decision whose ratio is `ratio` (log π_old = 0, so log π_new = ln ratio). */
function gradient(ratio: number, advantage: number): number {
  return tf.tidy(() => {
    const lossOf = (logProb: tf.Tensor) => clippedPolicyLoss(logProb as tf.Tensor1D, tf.tensor1d([0]), tf.tensor1d([advantage]), CLIP);
    return tf.grad(lossOf)(tf.tensor1d([Math.log(ratio)])).dataSync()[0]!;
  });
}

describe('ppo: the clipped surrogate', () => {
  it('at ratio 1 the loss is −A and its gradient is −A: descent raises log π(a|s) for A > 0 and lowers it for A < 0', () => {
    // loss = −ρ·A with ρ = exp(logProb − oldLogProb): d loss / d logProb = −ρ·A = −A at ρ = 1.
    // With the ratio inverted (exp(old − new)) the gradient is +A: the sign test fails.
    expect(gradient(1, 1)).toBeCloseTo(-1, 6);
    expect(gradient(1, -1)).toBeCloseTo(1, 6);
    expect(tf.tidy(() => clippedPolicyLoss(tf.tensor1d([0, 0]), tf.tensor1d([0, 0]), tf.tensor1d([2, -1]), CLIP).dataSync()[0])).toBeCloseTo(-0.5, 6);
  });

  it('inside the clip range the gradient is −ρ·A (ρ = 1.1 and 0.9)', () => {
    expect(gradient(1.1, 1)).toBeCloseTo(-1.1, 5);
    expect(gradient(0.9, -1)).toBeCloseTo(0.9, 5);
  });

  it('the clip stops the push beyond 1 + ε for A > 0 and below 1 − ε for A < 0: zero gradient', () => {
    expect(gradient(1.5, 1)).toBeCloseTo(0, 10);
    expect(gradient(0.5, -1)).toBeCloseTo(0, 10);
  });

  it('the clip is pessimistic: a ratio already past the range the wrong way is still pulled back (min picks the unclipped term)', () => {
    // A < 0 but ρ = 1.5 > 1 + ε: min(1.5·A, 1.2·A) = 1.5·A, gradient −ρ·A = 1.5 (descent lowers log π).
    expect(gradient(1.5, -1)).toBeCloseTo(1.5, 5);
    expect(gradient(0.5, 1)).toBeCloseTo(-0.5, 5);
  });
});

describe('ppo: ppoUpdate on a tiny network', () => {
  it('raises the probability of an option followed by a high return and lowers that of one followed by a low return', () => {
    // One state, two options, one decision per episode (a row is an episode): option 0 earned +10
    // on half the rows, option 1 earned −10 on the other half. Both push π(0) up: after one update
    // it is higher. (Adam's first step moves every weight by the learning rate along the sign of
    // its gradient, so states that share a bias would cancel out; one state keeps the test sharp.)
    // The value head starts within ±1.5, so the advantages keep the returns' signs.
    const network = new PolicyNetwork({ obsSize: 1, heads: [{ size: 2, offset: 0 }], hidden: [], value: true, seed: 5 });
    const rows = 8;
    const storage = new SideStorage(1, rows, 1, 1, network.spec.heads, network.maskWidth);
    storage.recordRound(1, new Float32Array(rows).fill(1), new Uint8Array(rows * 2).fill(1));
    const choices = Int32Array.from({ length: rows }, (_, row) => row % 2);
    for (let row = 0; row < rows; row++) storage.recordChoices(1, row, choices, () => true);
    storage.finish();
    const returns = Float64Array.from(choices, (choice) => (choice === 0 ? 10 : -10));
    const probabilityOfOption0 = () => {
      const [l0, l1] = network.logits(Float32Array.from([1]), 1);
      return 1 / (1 + Math.exp(l1! - l0!));
    };

    const before = probabilityOfOption0();
    ppoUpdate(network, storage, returns, 1, { updateEpochs: 1, minibatches: 1, entropyCoef: 0 });
    const after = probabilityOfOption0();

    // Two weights (w0, b0) up by the learning rate, two (w1, b1) down: the logit gap grows by 4·0.005.
    expect(after - before).toBeGreaterThan(0.004);
    network.dispose();
  });
});
