/**
 * Counting helper shared by the vote-based protocols (majority, phase king, EIG).
 */

/**
 * The most frequent value among `counts[0..V-1]`; ties (and an empty count) go to the smallest
 * value, the default 0 of the seed paper's majority protocol. Deterministic tie-breaking matters:
 * honest agents that see the same multiset must pick the same value.
 */
export function plurality(counts: Int32Array, V: number): number {
  let best = 0;
  for (let v = 1; v < V; v++) if (counts[v]! > counts[best]!) best = v;
  return best;
}

/**
 * Zeroes `counts[0..V-1]`. A plain loop: `TypedArray.fill` on a 4-cell array costs ~3× as much and
 * showed as 7% of a benchmark run when called per agent per round (BENCHMARKS.md).
 */
export function clearCounts(counts: Int32Array, V: number): void {
  for (let v = 0; v < V; v++) counts[v] = 0;
}
