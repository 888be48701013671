/**
 * The own-input value frame: an honest network may read and choose values relative to the agent's
 * own input, value v appearing as (v − input) mod V. "Send my input" and "the sender agrees with
 * me" then have the same numbers for every agent, whatever its input; the absolute input stays in
 * the `ownInput` slice, so a convention about a particular value (a tie going to 0) remains
 * learnable.
 *
 * Why: a policy's biases are the directions a gradient moves fastest. In the absolute frame they
 * say "commit 0" and "send 0", and the team game rewards the first at once (87.5% wins with no
 * message read): the constant commit locks in before any message means anything. In this frame the
 * biases say "commit my own input" (which loses whenever inputs differ, so it cannot lock in) and
 * "send my own input" (the first step of every protocol of GAME.md's relay family).
 *
 * It is a change of coordinates, not of the policy class: every absolute policy has an own-input
 * twin, because the input is observed. The frame is applied by NeuralProtocol to the rows it hands
 * the network (and records for the trainer): observations, legal masks and chosen options.
 *
 * The `symmetric` frame also hides the absolute input (it reads as 0, like every value in this
 * frame): the policy treats every value alike, a smaller class that holds no convention about a
 * particular value — so no constant commit, which a hidden layer still finds through the absolute
 * input (`slush-3v2`, PPO, 16-8 network: 50% majority-correct in the own-input frame). Problems
 * that need such a convention (a tie broken towards 0, as in pki's learned protocols) cannot use it.
 */
import type { ActionSpace } from '../game/actionSpace.js';
import type { Observer } from '../game/observation.js';

export type ValueFrame = 'absolute' | 'own-input' | 'symmetric';
export const VALUE_FRAMES: readonly ValueFrame[] = ['absolute', 'own-input', 'symmetric'];

/** Each run of V values at base + runs[r] rotated: position c takes the value at (c + input) mod V. */
function rotateRuns(array: Float32Array | Uint8Array, base: number, runs: Int32Array, V: number, input: number, scratch: Float32Array): void {
  for (let r = 0; r < runs.length; r++) {
    const at = base + runs[r]!;
    for (let c = 0; c < V; c++) scratch[c] = array[at + ((c + input) % V)]!;
    for (let c = 0; c < V; c++) array[at + c] = scratch[c]!;
  }
}

export class OwnInputFrame {
  private readonly V: number;
  /** Every run of V value columns in an observation row (all frames of the history window). */
  private readonly obsRuns: Int32Array;
  /** Every run of V value options in a mask / logit row. */
  private readonly optionRuns: Int32Array;
  /** Per head: the option index of value 0, or −1 if the head chooses no value. */
  private readonly headValueStart: Int32Array;
  private readonly scratch: Float32Array;

  /**
   * `hideInput` (the `symmetric` frame): the own input is rotated too, so it always reads as 0 and
   * the network cannot tell one value from another.
   */
  constructor(observer: Observer, readonly actionSpace: ActionSpace, hideInput = false) {
    this.V = actionSpace.scenario.values;
    const runs: number[] = [];
    for (let t = 0; t < observer.history; t++)
      for (const slice of observer.slices) {
        // The slices say where their values are; the own input stays absolute on purpose, unless hidden.
        const first = slice.anchorsValueFrame && !hideInput ? undefined : slice.valueColumn;
        if (first === undefined) continue;
        for (let g = 0; g < slice.groups; g++) runs.push(t * observer.frameSize + slice.offset + g * slice.width + first);
      }
    this.obsRuns = Int32Array.from(runs);
    this.headValueStart = Int32Array.from(actionSpace.heads, (head) => head.valueStart);
    this.optionRuns = Int32Array.from(
      actionSpace.heads.map((head, h) => head.offset + this.headValueStart[h]!).filter((_, h) => this.headValueStart[h]! >= 0),
    );
    this.scratch = new Float32Array(this.V);
  }

  /** Rewrites observation row `row` (of `size` numbers) into the frame of `input`. */
  observation(rows: Float32Array, row: number, size: number, input: number): void {
    if (input !== 0) rotateRuns(rows, row * size, this.obsRuns, this.V, input, this.scratch);
  }

  /** Rewrites legal-mask row `row` into the frame of `input` (canonical option c ← absolute (c + input) mod V). */
  mask(mask: Uint8Array, row: number, width: number, input: number): void {
    if (input !== 0) rotateRuns(mask, row * width, this.optionRuns, this.V, input, this.scratch);
  }

  /** Copies row `row`'s chosen options from `frame` choices to absolute ones in `out`. */
  choicesToAbsolute(frame: Int32Array, out: Int32Array, row: number, input: number): void {
    const H = this.headValueStart.length;
    for (let h = 0; h < H; h++) out[row * H + h] = this.absoluteOption(h, frame[row * H + h]!, input);
  }

  /** Head h's option `option` in the frame of `input`, as an absolute option of that head (an option naming no value stays). */
  absoluteOption(h: number, option: number, input: number): number {
    const start = this.headValueStart[h]!;
    return start < 0 || option < start || input === 0 ? option : start + ((option - start + input) % this.V);
  }
}
