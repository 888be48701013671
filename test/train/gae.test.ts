// GAE (Schulman et al., 2016, eq. 16) checked against arithmetic done by hand. γ and λ are
// different powers of two, so every intermediate is exact in float32 and a dropped λ, an ignored γ
// or γ and λ swapped each changes an exact number.
import { describe, expect, it } from 'vitest';
import { gaeAdvantages } from '../../src/train/gae.js';

describe('gaeAdvantages', () => {
  it('a three-decision trajectory with a reward before the end, γ = 0.5, λ = 0.25: the advantages and targets worked by hand', () => {
    // r = [1, 0, 2], V = [0.5, 1, 0.25], γλ = 0.125; the trajectory ends after t = 2 (no bootstrap).
    //   δ2 = r2 − V2             = 2 − 0.25             = 1.75
    //   δ1 = r1 + γ·V2 − V1      = 0 + 0.5·0.25 − 1      = −0.875
    //   δ0 = r0 + γ·V1 − V0      = 1 + 0.5·1 − 0.5       = 1
    //   A2 = δ2                                          = 1.75
    //   A1 = δ1 + γλ·A2          = −0.875 + 0.125·1.75   = −0.65625
    //   A0 = δ0 + γλ·A1          = 1 + 0.125·(−0.65625)  = 0.91796875
    //   targets = A + V          = [1.41796875, 0.34375, 2]
    // With λ dropped (λ = 1, γλ = 0.5): A1 = −0.875 + 0.875 = 0 and A0 = 1. With γ ignored (γ = 1):
    // δ1 = −0.75, δ0 = 1.5. With γ and λ swapped, δ1 = 0.25·0.25 − 1 = −0.9375.
    const { advantages, targets } = gaeAdvantages([1, 0, 2], [0.5, 1, 0.25], 0.5, 0.25);
    expect([...advantages]).toEqual([0.91796875, -0.65625, 1.75]);
    expect([...targets]).toEqual([1.41796875, 0.34375, 2]);
  });

  it('a terminal reward reaches earlier decisions discounted by (γλ)^k when the values are zero (how PPO feeds it)', () => {
    // r = [0, 0, 0, 8], V = 0: every δ is 0 but the last, so A_t = (γλ)^(3−t)·8 with γλ = 0.5·0.25:
    //   A = [8/512, 8/64, 8/8, 8] = [0.015625, 0.125, 1, 8]
    const { advantages } = gaeAdvantages([0, 0, 0, 8], [0, 0, 0, 0], 0.5, 0.25);
    expect([...advantages]).toEqual([0.015625, 0.125, 1, 8]);
  });

  it('λ = 0 is the one-step TD error; γ = λ = 1 is the Monte Carlo return minus the value', () => {
    const rewards = [1, 0, 2];
    const values = [0.5, 1, 0.25];
    // λ = 0: A_t = δ_t = [1 + 0.5·1 − 0.5, 0 + 0.5·0.25 − 1, 2 − 0.25].
    expect([...gaeAdvantages(rewards, values, 0.5, 0).advantages]).toEqual([1, -0.875, 1.75]);
    // γ = λ = 1: A_t = (r_t + … + r_2) − V_t = [3 − 0.5, 2 − 1, 2 − 0.25]; the target is the return.
    const monteCarlo = gaeAdvantages(rewards, values, 1, 1);
    expect([...monteCarlo.advantages]).toEqual([2.5, 1, 1.75]);
    expect([...monteCarlo.targets]).toEqual([3, 2, 2]);
  });

  it('refuses rewards and values of different lengths', () => {
    expect(() => gaeAdvantages([1, 2], [0], 1, 1)).toThrow(/^gae: 2 rewards but 1 values$/);
  });
});
