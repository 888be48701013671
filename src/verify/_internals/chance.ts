/**
 * Enumerating the random draws inside an episode (honest coins, which peers a sample queries) on
 * the engine itself: `ChanceTapes` is a `GameBatch.chanceSource` that gives each slot a prescribed
 * prefix of draw outcomes, takes the first possible outcome of every draw past it, and records
 * every draw's alternatives and the path's probability.
 *
 * Why prefixes: a draw's range may depend on earlier outcomes (a coin flipped only when no value
 * has a majority), so the tree of outcomes is discovered, not known in advance. One run from a
 * prefix reaches exactly one leaf; each draw past the prefix adds its other outcomes as new
 * prefixes (`siblings`). Running every prefix so found, starting from the empty one, reaches every
 * leaf exactly once — the same enumeration stateless model checkers use for scheduler choices.
 * Runs from different prefixes are independent, so a whole wave of them shares one batched `step`.
 */
import type { ChanceSource } from '../../game/GameBatch.js';

/** One slot's tape: what it must draw, what it drew. */
interface Tape {
  prefix: readonly number[];
  /** Past the prefix: which outcome to take, given how many there are (default: the first). */
  choose: ((outcomes: number) => number) | undefined;
  /** Outcomes drawn so far (the prefix, then first possible outcomes). */
  drawn: number[];
  /** Per draw: its possible outcomes (in drawing order). */
  options: Array<readonly number[]>;
  probability: number;
}

const RANGES: number[][] = [];
/** [0, 1, …, bound − 1], shared (ranges are small: values, peers). */
function range(bound: number): readonly number[] {
  let r = RANGES[bound];
  if (!r) RANGES[bound] = r = Array.from({ length: bound }, (_, k) => k);
  return r;
}

export class ChanceTapes implements ChanceSource {
  private tapes: Array<Tape | undefined> = [];

  /**
   * Slot b draws `prefix` first, then the first possible outcome of each further draw — or the one
   * `choose` picks (a random path, for estimating the tree's size).
   */
  begin(b: number, prefix: readonly number[] = [], choose?: (outcomes: number) => number): void {
    this.tapes[b] = { prefix, choose, drawn: [], options: [], probability: 1 };
  }

  /** How many leaves the tree below slot b's prefix would have if every draw were like the ones on its path (Knuth). */
  branching(b: number): number {
    const { prefix, options } = this.tape(b);
    let product = 1;
    for (let p = prefix.length; p < options.length; p++) product *= options[p]!.length;
    return product;
  }

  /** Draws slot b has made since `begin`. */
  draws(b: number): number {
    return this.tapes[b]?.drawn.length ?? 0;
  }

  /** The outcomes slot b drew (a leaf's identity; replay it with `ReplayChance`). */
  drawn(b: number): readonly number[] {
    return this.tape(b).drawn;
  }

  /** The probability of the outcomes slot b drew. */
  probability(b: number): number {
    return this.tape(b).probability;
  }

  /** The prefixes of slot b's unexplored siblings: every other outcome of every draw past its prefix. */
  siblings(b: number): number[][] {
    const { prefix, drawn, options } = this.tape(b);
    const out: number[][] = [];
    for (let p = prefix.length; p < drawn.length; p++)
      for (const c of options[p]!) if (c !== drawn[p]) out.push([...drawn.slice(0, p), c]);
    return out;
  }

  int(b: number, bound: number): number {
    if (!(Number.isInteger(bound) && bound >= 1)) throw new RangeError(`chance: a draw over ${bound} outcomes`);
    const tape = this.tape(b);
    const options = range(bound);
    const c = this.next(tape, options);
    tape.probability /= bound;
    return c;
  }

  pick(b: number, weights: ArrayLike<number>, from: number, count: number): number {
    const tape = this.tape(b);
    let total = 0;
    const options: number[] = [];
    for (let k = 0; k < count; k++) {
      const w = weights[from + k]!;
      if (w > 0) {
        total += w;
        options.push(k);
      }
    }
    if (options.length === 0) throw new RangeError(`chance: every weight of ${count} is 0`);
    const c = this.next(tape, options);
    tape.probability *= weights[from + c]! / total;
    return c;
  }

  private tape(b: number): Tape {
    const tape = this.tapes[b];
    if (!tape) throw new Error(`chance: slot ${b} draws without a tape (begin it first)`);
    return tape;
  }

  private next(tape: Tape, options: readonly number[]): number {
    const p = tape.drawn.length;
    const c = p < tape.prefix.length ? tape.prefix[p]! : options[tape.choose ? tape.choose(options.length) : 0]!;
    if (!options.includes(c)) throw new Error(`chance: draw ${p} cannot have outcome ${c} (possible: ${options.join(', ')}); the draws do not replay`);
    tape.drawn.push(c);
    tape.options.push(options);
    return c;
  }
}

/**
 * Replays recorded draw outcomes (a counterexample's coins and samples). Past the record it takes
 * the first possible outcome, as the search does once an episode's outcome is fixed (every honest
 * agent decided, but agents that continue after committing still draw).
 */
export class ReplayChance implements ChanceSource {
  private at = 0;
  constructor(private readonly outcomes: readonly number[]) {}

  int(_b: number, bound: number): number {
    return this.finished ? 0 : this.next(bound);
  }

  pick(_b: number, weights: ArrayLike<number>, from: number, count: number): number {
    if (this.finished) {
      for (let k = 0; k < count; k++) if (weights[from + k]! > 0) return k;
      throw new RangeError(`chance replay: every weight of ${count} is 0`);
    }
    const c = this.next(count);
    if (!(weights[from + c]! > 0)) throw new Error(`chance replay: draw ${this.at - 1} picks outcome ${c} of zero weight`);
    return c;
  }

  /** True once every recorded outcome was drawn. */
  get finished(): boolean {
    return this.at === this.outcomes.length;
  }

  private next(bound: number): number {
    const c = this.outcomes[this.at++]!;
    if (c >= bound) throw new Error(`chance replay: draw ${this.at - 1} has outcome ${c} but only ${bound} are possible`);
    return c;
  }
}
