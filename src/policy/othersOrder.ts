/**
 * Symmetric in the others: an honest network may see the other agents in a canonical order instead
 * of the relative order +1, +2, … (GAME.md §3). Of the (n−1)! ways to number the others, it sees the
 * one whose observation row is lexicographically smallest, so two views that differ only in who is
 * who read the same, and the policy treats every other agent alike.
 *
 * Why: with relative order a network must learn each rule once per position ("a conflict about +1",
 * "about +2", …), and a faulty agent's odd relays land in slots whose weights were trained on other
 * situations. On `pki` (league with counterexample-guided training, the `cgym paper` recipe) seed 0
 * ends 300 epochs at a verified worst case of 37.5% with it, 62.5% without; seeds 0 and 1 end 900
 * epochs at 37.5% with it (seed 1 is still at 75% at epoch 300), where the five 300-epoch seeds
 * without it end at 50–75% or at the constant commit. It cost about 1.6× in verification time
 * when every order was compared (before the sort below).
 *
 * The others' slices are permuted as each slice describes itself (`ObservationSlice.others`):
 * `received` and `accepted` (a group per other), `sampleRecord` (a group per (other, round)),
 * `relayed` and `relayedVerified` (a group per (relayer, origin) pair, origin +0 being the agent
 * itself, which stays put), in every frame of the history window with the same permutation. Settings whose observation or actions name
 * an agent position otherwise (broadcast's sender index, a fixed faulty placement's own id,
 * interactive consistency's per-agent decision heads) are refused, as are n > 6 (720 orders a row).
 */
import type { Observer } from '../game/observation.js';
import type { Scenario } from '../game/scenario.js';

/** Why a scenario cannot use the symmetric order, or undefined. */
export function refuseSymmetricOthers(scenario: Scenario): string | undefined {
  if (scenario.problem === 'broadcast') return 'symmetricOthers: broadcast observations name the sender by position';
  if (scenario.problem === 'interactive-consistency') return 'symmetricOthers: interactive-consistency decides one value per agent position';
  if (scenario.faultyPlacement === 'fixed') return 'symmetricOthers: with faultyPlacement=fixed positions carry identity';
  if (scenario.n > 6) return `symmetricOthers: needs n ≤ 6 (got n=${scenario.n}: ${factorial(scenario.n - 1)} orders per row)`;
  return undefined;
}

function factorial(k: number): number {
  return k <= 1 ? 1 : k * factorial(k - 1);
}

/** Every ordering of 1..k. */
function orderings(k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (const rest of orderings(k - 1)) for (let at = 0; at <= rest.length; at++) out.push([...rest.slice(0, at), k, ...rest.slice(at)]);
  return out;
}

export class SymmetricOthers {
  /** Per ordering: for every number of a row, where it comes from (a gather map). */
  private readonly sources: Int32Array[];
  private readonly best: Float32Array;
  private readonly size: number;
  /**
   * Without pair slices (relays), each other agent's numbers are one block per per-other slice and
   * frame; then the smallest row is the others sorted by those blocks, in row order: a sort of n−1
   * keys instead of (n−1)! reorderings. `blockAt[s]` is where segment s's first block starts, of
   * `blockWidth[s]` numbers; undefined with pair slices.
   */
  private readonly blockAt: Int32Array | undefined;
  private readonly blockWidth: Int32Array | undefined;
  private readonly order: Int32Array;

  /** `orderings`: always compare the (n−1)! reorderings (the definition; tests check the sort against it). */
  constructor(observer: Observer, options: { orderings?: boolean } = {}) {
    const why = refuseSymmetricOthers(observer.scenario);
    if (why) throw new RangeError(why);
    const n = observer.scenario.n;
    this.size = observer.size;
    const pairIndex = (p: number, q: number) => (p - 1) * (n - 1) + (q < p ? q : q - 1);
    this.sources = orderings(n - 1).map((order) => {
      const position = [0, ...order]; // other +p is shown at position[p]; the agent itself stays at 0
      const from = Int32Array.from({ length: this.size }, (_, x) => x);
      for (let t = 0; t < observer.history; t++)
        for (const slice of observer.slices) {
          const at = t * observer.frameSize + slice.offset;
          const move = (fromGroup: number, toGroup: number) => {
            for (let c = 0; c < slice.width; c++) from[at + toGroup * slice.width + c] = at + fromGroup * slice.width + c;
          };
          if (slice.others === 'other') {
            const per = slice.groups / (n - 1); // consecutive groups per other (a sample record's rounds)
            for (let p = 1; p < n; p++) for (let q = 0; q < per; q++) move((p - 1) * per + q, (position[p]! - 1) * per + q);
          }
          if (slice.others === 'pair')
            for (let p = 1; p < n; p++) for (let q = 0; q < n; q++) if (q !== p) move(pairIndex(p, q), pairIndex(position[p]!, position[q]!));
        }
      return from;
    });
    this.best = new Float32Array(this.size);
    this.order = new Int32Array(n - 1);
    const pairs = observer.slices.some((slice) => slice.others === 'pair');
    if (!pairs && !options.orderings) {
      const at: number[] = [];
      const width: number[] = [];
      for (let t = 0; t < observer.history; t++)
        for (const slice of observer.slices) {
          if (slice.others !== 'other') continue;
          at.push(t * observer.frameSize + slice.offset);
          width.push(slice.length / (n - 1)); // an other's groups are contiguous
        }
      this.blockAt = Int32Array.from(at);
      this.blockWidth = Int32Array.from(width);
    }
  }

  /** Compares other +p's blocks with other +q's (1-based), in row order: negative if +p's come first. */
  private compareOthers(rows: Float32Array, base: number, p: number, q: number): number {
    const blockAt = this.blockAt!;
    const blockWidth = this.blockWidth!;
    for (let s = 0; s < blockAt.length; s++) {
      const w = blockWidth[s]!;
      const a = base + blockAt[s]! + (p - 1) * w;
      const b = base + blockAt[s]! + (q - 1) * w;
      for (let c = 0; c < w; c++) {
        const d = rows[a + c]! - rows[b + c]!;
        if (d !== 0) return d;
      }
    }
    return 0;
  }

  /** The sort path: the others in ascending order of their blocks, gathered into place. */
  private canonicaliseBySort(rows: Float32Array, base: number): void {
    const { order, best, size } = this;
    const blockAt = this.blockAt!;
    const blockWidth = this.blockWidth!;
    const others = order.length;
    for (let k = 0; k < others; k++) {
      // Insertion sort: stable, and n − 1 ≤ 5 keys.
      const p = k + 1;
      let j = k - 1;
      while (j >= 0 && this.compareOthers(rows, base, order[j]!, p) > 0) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = p;
    }
    // Already in order (often: in the early rounds the others' blocks are alike): nothing to move.
    let sorted = true;
    for (let k = 0; k < others && sorted; k++) sorted = order[k] === k + 1;
    if (sorted) return;
    for (let x = 0; x < size; x++) best[x] = rows[base + x]!;
    for (let s = 0; s < blockAt.length; s++) {
      const w = blockWidth[s]!;
      for (let k = 0; k < others; k++) {
        const from = base + blockAt[s]! + (order[k]! - 1) * w;
        const to = blockAt[s]! + k * w;
        for (let c = 0; c < w; c++) best[to + c] = rows[from + c]!;
      }
    }
    rows.set(best, base);
  }

  /** Rewrites observation row `row` into its canonical order (the smallest of its reorderings). */
  canonicalise(rows: Float32Array, row: number): void {
    const { size, best, sources } = this;
    const base = row * size;
    if (this.blockAt) {
      this.canonicaliseBySort(rows, base);
      return;
    }
    // Compare each reordering with the best so far through the gather maps, stopping at the first
    // difference, and gather only the winner: most reorderings differ early, so this reads a few
    // numbers each instead of copying the row (BENCHMARKS.md, "symmetric others").
    let bestK = 0;
    for (let k = 1; k < sources.length; k++) {
      const from = sources[k]!;
      const bestFrom = sources[bestK]!;
      for (let x = 0; x < size; x++) {
        const candidate = rows[base + from[x]!]!;
        const incumbent = rows[base + bestFrom[x]!]!;
        if (candidate < incumbent) {
          bestK = k;
          break;
        }
        if (candidate > incumbent) break;
      }
    }
    const from = sources[bestK]!;
    for (let x = 0; x < size; x++) best[x] = rows[base + from[x]!]!;
    rows.set(best, base);
  }
}
