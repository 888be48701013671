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
 * without it end at 50–75% or at the constant commit. It costs about 1.6× in verification time.
 *
 * The others' slices are permuted: `received` and `accepted` (a group per other), `sampleRecord`
 * (a group per (other, round)), `relayed` and `relayedVerified` (a group per (relayer, origin) pair,
 * origin +0 being the agent itself, which stays put), in every frame of the history window with the
 * same permutation. Settings whose observation or actions name
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
  private readonly candidate: Float32Array;
  private readonly best: Float32Array;
  private readonly size: number;

  constructor(observer: Observer) {
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
          if (slice.name === 'received' || slice.name === 'accepted') for (let p = 1; p < n; p++) move(p - 1, position[p]! - 1);
          if (slice.name === 'sampleRecord') {
            const R = slice.groups / (n - 1); // a group per (other, round), other-major
            for (let p = 1; p < n; p++) for (let q = 0; q < R; q++) move((p - 1) * R + q, (position[p]! - 1) * R + q);
          }
          if (slice.name === 'relayed' || slice.name === 'relayedVerified')
            for (let p = 1; p < n; p++) for (let q = 0; q < n; q++) if (q !== p) move(pairIndex(p, q), pairIndex(position[p]!, position[q]!));
        }
      return from;
    });
    this.candidate = new Float32Array(this.size);
    this.best = new Float32Array(this.size);
  }

  /** Rewrites observation row `row` into its canonical order (the smallest of its reorderings). */
  canonicalise(rows: Float32Array, row: number): void {
    const { size, candidate, best } = this;
    const base = row * size;
    for (let k = 0; k < this.sources.length; k++) {
      const from = this.sources[k]!;
      for (let x = 0; x < size; x++) candidate[x] = rows[base + from[x]!]!;
      let smaller = k === 0;
      for (let x = 0; x < size && !smaller; x++) {
        if (candidate[x]! < best[x]!) smaller = true;
        else if (candidate[x]! > best[x]!) break;
      }
      if (smaller) best.set(candidate);
    }
    rows.set(best, base);
  }
}
