/**
 * Generalized advantage estimation (Schulman et al., 2016, "High-Dimensional Continuous Control
 * Using Generalized Advantage Estimation", eq. 16) over one trajectory that ends after its last
 * decision (nothing to bootstrap from):
 *
 *   δ_t = r_t + γ·V(t+1) − V(t)        (V(T) = 0)
 *   A_t = δ_t + γ·λ·A_{t+1}            (A_T = 0)
 *   target_t = A_t + V(t)              (the value head's regression target, TD(λ))
 *
 * A pure function over plain arrays, so the arithmetic can be checked by hand.
 */
export interface GaeResult {
  /** [T] A_t, rounded to float32 as the update stores it. */
  advantages: Float32Array;
  /** [T] A_t + V(t): the value loss's target. */
  targets: Float32Array;
}

/**
 * @param rewards [T] the reward that follows each decision
 * @param values [T] the value head's estimate at each decision
 */
export function gaeAdvantages(rewards: ArrayLike<number>, values: ArrayLike<number>, gamma: number, lambda: number): GaeResult {
  const length = rewards.length;
  if (values.length !== length) throw new RangeError(`gae: ${length} rewards but ${values.length} values`);
  const advantages = new Float32Array(length);
  const targets = new Float32Array(length);
  for (let t = length - 1; t >= 0; t--) {
    const last = t === length - 1;
    // The next advantage is read back from the float32 array on purpose: the update has always
    // recursed on the stored (rounded) value, and its runs replay bit for bit.
    const delta = rewards[t]! + (last ? 0 : gamma * values[t + 1]!) - values[t]!;
    const advantage = delta + (last ? 0 : gamma * lambda * advantages[t + 1]!);
    advantages[t] = advantage;
    targets[t] = advantage + values[t]!;
  }
  return { advantages, targets };
}
