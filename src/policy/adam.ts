/**
 * Adam (Kingma & Ba, 2015) with global-norm gradient clipping, in plain JS on Float32Arrays.
 *
 * Why not TensorFlow.js ops: the update is ~12 element-wise ops per weight array on tiny arrays,
 * and on the wasm backend each op costs tens of microseconds of bookkeeping — more than the
 * network's whole forward and backward pass on a small minibatch (PPO takes 16 steps an epoch).
 *
 * Exactly the float32 arithmetic of the tensor version it replaced (bit for bit): every
 * operation is one IEEE float32 operation, computed in double and rounded with `Math.fround`
 * (exact for +, −, ×, ÷ and √ of float32 operands: double has more than 2·24 + 2 bits), in the
 * same order, with the constants rounded to float32 as tfjs does with scalar operands. The
 * clipping norm sums squares sequentially per array, then the arrays in order (as the wasm
 * backend's Sum and AddN do).
 */

const F = Math.fround;

export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Clip the global gradient norm to this (0 = no clipping). */
  maxGradNorm: number;
}

/**
 * Scales `grads` in place so that their global L2 norm is at most `maxNorm`
 * (factor min(1, maxNorm / (norm + 1e-6))).
 */
export function clipGlobalNorm(grads: readonly Float32Array[], maxNorm: number): void {
  let total = 0;
  for (const g of grads) {
    let sum = 0;
    for (let x = 0; x < g.length; x++) sum = F(sum + F(g[x]! * g[x]!));
    total = F(total + sum);
  }
  const norm = F(Math.sqrt(total));
  const factor = Math.min(1, F(F(maxNorm) / F(norm + F(1e-6))));
  for (const g of grads) for (let x = 0; x < g.length; x++) g[x] = F(g[x]! * factor);
}

/**
 * Step number `t` (1-based) of Adam: updates the moments `m`, `v` and the `weights` in place from
 * `grads` (already clipped).
 */
export function adamUpdate(weights: Float32Array, grads: Float32Array, m: Float32Array, v: Float32Array, t: number, s: AdamSettings): void {
  const beta1 = F(s.beta1);
  const beta2 = F(s.beta2);
  const keep1 = F(1 - s.beta1);
  const keep2 = F(1 - s.beta2);
  const correction1 = F(1 - s.beta1 ** t);
  const correction2 = F(1 - s.beta2 ** t);
  const rate = F(s.learningRate);
  const epsilon = F(s.epsilon);
  for (let x = 0; x < weights.length; x++) {
    const g = grads[x]!;
    const mx = F(F(m[x]! * beta1) + F(g * keep1));
    const vx = F(F(v[x]! * beta2) + F(F(g * g) * keep2));
    m[x] = mx;
    v[x] = vx;
    const update = F(F(F(mx / correction1) * rate) / F(F(Math.sqrt(F(vx / correction2))) + epsilon));
    weights[x] = F(weights[x]! - update);
  }
}
