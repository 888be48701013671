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
