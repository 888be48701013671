/**
 * Picking one option per head from a row of logits, in JS: masked softmax sampling with a
 * categorical draw supplied by the caller (from the episode's own random stream, so a choice does not
 * depend on the batch it was made in — or from the verifier, which enumerates it), or the greedy
 * (most likely legal) option.
 */
import type { HeadShape } from './PolicyNetwork.js';

/** Scratch for one head's option weights, grown to the widest head seen. */
let weights = new Float64Array(8);

/**
 * Writes one choice per head for row `row` into `choices[row · heads.length + h]`.
 * `logits` and `mask` are `[rows, maskWidth]`; `pick` draws an index in [0, count) with probability
 * weights[k] / Σ weights (illegal options weigh 0) and is called once per head (sampling), or is
 * undefined (greedy: ties → the lowest option).
 */
export function chooseHeads(
  logits: Float32Array,
  mask: Uint8Array,
  maskWidth: number,
  heads: readonly HeadShape[],
  row: number,
  choices: Int32Array,
  pick: ((weights: Float64Array, count: number) => number) | undefined,
): void {
  const base = row * maskWidth;
  const H = heads.length;
  for (let h = 0; h < H; h++) {
    const { offset, size } = heads[h]!;
    let best = -1;
    let max = -Infinity;
    for (let c = 0; c < size; c++) {
      const at = base + offset + c;
      if (mask[at] && logits[at]! > max) {
        max = logits[at]!;
        best = c;
      }
    }
    if (best < 0) throw new RangeError(`chooseHeads: row ${row}, head ${h} has no legal option`);
    if (pick) {
      // Each legal option's weight once (Math.exp is most of the sampling's cost), then the draw.
      if (weights.length < size) weights = new Float64Array(size);
      for (let c = 0; c < size; c++) weights[c] = mask[base + offset + c] ? Math.exp(logits[base + offset + c]! - max) : 0;
      best = pick(weights, size);
    }
    choices[row * H + h] = best;
  }
}

/**
 * `chooseHeads` by the Gumbel-max trick with noise shared between rows: each head picks its legal
 * option c with the largest logit + noise[offset + absolute(h, c)], `noise` `[maskWidth]` holding one
 * standard Gumbel per absolute option. Each row alone draws from its masked softmax (the Gumbel-max
 * trick: independent noise per option, whichever row reads it), and rows that share `noise` are coupled per
 * option: where several rows give an option similar logits, they take it in the same draws, and a
 * rare option is taken by all of them at once when its noise is large. `absolute` maps a row's
 * option to the option it means for every row (a value frame's rotation; identity without one).
 */
export function chooseHeadsCoupled(
  logits: Float32Array,
  mask: Uint8Array,
  maskWidth: number,
  heads: readonly HeadShape[],
  row: number,
  choices: Int32Array,
  noise: Float64Array,
  absolute: (h: number, option: number) => number,
): void {
  const base = row * maskWidth;
  const H = heads.length;
  for (let h = 0; h < H; h++) {
    const { offset, size } = heads[h]!;
    let best = -1;
    let max = -Infinity;
    for (let c = 0; c < size; c++) {
      if (!mask[base + offset + c]) continue;
      const score = logits[base + offset + c]! + noise[offset + absolute(h, c)]!;
      if (best < 0 || score > max) {
        max = score;
        best = c;
      }
    }
    if (best < 0) throw new RangeError(`chooseHeadsCoupled: row ${row}, head ${h} has no legal option`);
    choices[row * H + h] = best;
  }
}
