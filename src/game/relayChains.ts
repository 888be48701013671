/**
 * Signature chains carried by relays (GAME.md §5–§6; docs/GAME.md reading 2).
 *
 * A relay in round r forwards what the relayer received at the start of r: direct values and the
 * chains other relayers forwarded to it. A chain origin → h1 → … → hk → relayer is stored in the
 * relayer's envelope under its *path* (origin, h1, …, hk): 1..depth−1 distinct agents, none of
 * them the relayer, so that with the relayer's own signature a chain carries at most `depth`
 * signatures. Every path has a slot index in 0..count−1, the same in every envelope:
 *
 * | paths | slots |
 * |---|---|
 * | (origin) | 0..n−1, slot = origin (the one-hop layout of f ≤ 1, unchanged) |
 * | (origin, h1) | n .. n + n(n−1) − 1, lexicographic |
 * | … up to depth−1 agents | Σ_{k<depth} n!/(n−k)! slots in all |
 *
 * An envelope of relayer i leaves the slots of paths that contain i SILENT. The tables are built
 * once per (n, depth) and shared by every batch (the verifier makes many).
 */

/** Chains longer than this many slots per envelope are refused (the tables alone would not fit). */
export const MAX_CHAIN_SLOTS = 1 << 16;

/** Number of paths of 1..depth−1 distinct agents out of n: the slots of one relay envelope. */
export function chainSlotCount(n: number, depth: number): number {
  let total = 0;
  let paths = 1;
  for (let k = 1; k < depth && k <= n; k++) {
    paths *= n - k + 1;
    total += paths;
  }
  return total;
}

export class RelayChains {
  /** Slots per envelope (paths of 1..depth−1 agents). */
  readonly count: number;
  /** `[count]` agents in the path (1..depth−1). */
  readonly length: Uint8Array;
  /** `[count]` the path's last agent: the relayer the chain came from (its origin for length 1). */
  readonly last: Int8Array;
  /** `[count]` the path without its last agent, or −1 for a one-agent path. */
  readonly parent: Int32Array;
  /** `[count]` the path's origin (its first agent). */
  readonly first: Int8Array;
  /** `[count]` bitmask of the agents in the path. */
  readonly members: Uint32Array;
  /** `[count, n]` the path extended by an agent not in it, or −1. */
  private readonly childIndex: Int32Array;

  private constructor(readonly n: number, readonly depth: number) {
    const count = chainSlotCount(n, depth);
    if (count > MAX_CHAIN_SLOTS)
      throw new RangeError(`relay chains of depth ${depth} at n=${n} need ${count} slots per envelope (at most ${MAX_CHAIN_SLOTS}); use a smaller relayDepth`);
    this.count = count;
    this.length = new Uint8Array(count);
    this.last = new Int8Array(count);
    this.parent = new Int32Array(count);
    this.first = new Int8Array(count);
    this.members = new Uint32Array(count);
    this.childIndex = new Int32Array(count * n).fill(-1);
    let next = 0;
    for (let o = 0; o < n && depth >= 2; o++) this.add(next++, -1, o);
    // Breadth-first: every path of length k comes before those of length k+1, each level lexicographic.
    for (let from = 0, to = next, k = 2; k < depth; k++) {
      for (let p = from; p < to; p++)
        for (let a = 0; a < n; a++) if (((this.members[p]! >>> a) & 1) === 0) this.add(next++, p, a);
      from = to;
      to = next;
    }
  }

  private add(slot: number, parent: number, agent: number): void {
    this.parent[slot] = parent;
    this.last[slot] = agent;
    this.length[slot] = parent < 0 ? 1 : this.length[parent]! + 1;
    this.first[slot] = parent < 0 ? agent : this.first[parent]!;
    this.members[slot] = (parent < 0 ? 0 : this.members[parent]!) | (1 << agent);
    if (parent >= 0) this.childIndex[parent * this.n + agent] = slot;
  }

  private static readonly cache = new Map<string, RelayChains>();

  /** The shared tables for n agents and chains of at most `depth` signatures. */
  static of(n: number, depth: number): RelayChains {
    const key = `${n}/${depth}`;
    let chains = RelayChains.cache.get(key);
    if (!chains) RelayChains.cache.set(key, (chains = new RelayChains(n, depth)));
    return chains;
  }

  /** Slot of `path` extended by `agent`, or −1 (agent already in it, or too long); path −1 = the empty path. */
  child(path: number, agent: number): number {
    return path < 0 ? (agent >= 0 && agent < this.n ? agent : -1) : this.childIndex[path * this.n + agent]!;
  }

  /** Whether agent a is in the path. */
  contains(path: number, a: number): boolean {
    return ((this.members[path]! >>> a) & 1) === 1;
  }

  /** Slot of a path given as agents (origin first), or −1 if it is not a path here. */
  index(agents: readonly number[]): number {
    let p = -1;
    for (const a of agents) {
      if (!(Number.isInteger(a) && a >= 0 && a < this.n)) return -1;
      p = this.child(p, a);
      if (p < 0) return -1;
    }
    return p;
  }

  /** The path's agents, origin first. */
  agents(path: number): number[] {
    const out: number[] = [];
    for (let p = path; p >= 0; p = this.parent[p]!) out.push(this.last[p]!);
    return out.reverse();
  }
}
