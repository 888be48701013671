/**
 * Seeded random streams, one per (run seed, episode, stream) so that any episode replays alone.
 *
 * Why hand-written rather than `pure-rand`: the generator state must live inside the engine's
 * struct-of-arrays (a `Uint32Array` of 4 words per episode per stream) so that the verifier can
 * copy or branch an episode with one `copyWithin`, and a batch of 16k episodes needs no objects.
 * xoshiro128** (Blackman & Vigna, 2018) is ~10 lines; splitmix32 seeds it.
 */

/** Which random stream of an episode a draw comes from. Separate streams keep the chance moves
 * (faulty set, inputs, samples) identical whichever protocol or adversary runs. */
export const Stream = { chance: 0, honest: 1, adversary: 2 } as const;
export type StreamId = (typeof Stream)[keyof typeof Stream];
export const STREAM_COUNT = 3;
/** Words of state per stream. */
export const RNG_WORDS = 4;

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Seeds the 4-word state at `offset` for (seed, episode, stream); never all-zero. */
export function seedStream(state: Uint32Array, offset: number, seed: number, episode: number, stream: number): void {
  const h = episodeHash(seed, episode);
  for (let w = 0; w < RNG_WORDS; w++) state[offset + w] = splitmix32(h + stream * RNG_WORDS + w);
  if ((state[offset]! | state[offset + 1]! | state[offset + 2]! | state[offset + 3]!) === 0) state[offset] = 1;
}

/**
 * Seeds all STREAM_COUNT consecutive streams of one episode at `offset` (the same words as
 * `seedStream` per stream, hashing (seed, episode) once: seeding dominated episode resets).
 */
export function seedEpisodeStreams(state: Uint32Array, offset: number, seed: number, episode: number): void {
  const h = episodeHash(seed, episode);
  for (let w = 0; w < STREAM_COUNT * RNG_WORDS; w++) state[offset + w] = splitmix32(h + w);
  for (let stream = 0; stream < STREAM_COUNT; stream++) {
    const o = offset + stream * RNG_WORDS;
    if ((state[o]! | state[o + 1]! | state[o + 2]! | state[o + 3]!) === 0) state[o] = 1;
  }
}

function episodeHash(seed: number, episode: number): number {
  let h = splitmix32(seed >>> 0);
  h = splitmix32(h ^ (episode >>> 0));
  return splitmix32(h ^ Math.floor(episode / 4294967296));
}

/** Next 32-bit unsigned integer of the xoshiro128** state at `offset`. */
export function nextUint32(s: Uint32Array, o: number): number {
  const s0 = s[o]!, s1 = s[o + 1]!, s2 = s[o + 2]!, s3 = s[o + 3]!;
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
  const t = (s1 << 9) >>> 0;
  let n2 = s2 ^ s0;
  let n3 = s3 ^ s1;
  const n1 = s1 ^ n2;
  const n0 = s0 ^ n3;
  n2 ^= t;
  n3 = (n3 << 11) | (n3 >>> 21);
  s[o] = n0; s[o + 1] = n1; s[o + 2] = n2; s[o + 3] = n3;
  return result;
}

/** Uniform float in [0, 1). */
export function nextFloat(s: Uint32Array, o: number): number {
  return nextUint32(s, o) / 4294967296;
}

/**
 * Uniform integer in [0, bound), unbiased, for 1 ≤ bound ≤ 2^32 (Lemire's multiply-and-reject).
 * Bounds below 2^16 — every draw of the engine — split the 48-bit product into 16-bit halves so
 * that everything stays in int32 arithmetic: the float version was 4× slower and dominated resets.
 */
export function nextInt(s: Uint32Array, o: number, bound: number): number {
  if (bound <= 1) return 0;
  if (bound < 65536) {
    for (;;) {
      const x = nextUint32(s, o);
      const lo = (x & 0xffff) * bound;
      const hi = (x >>> 16) * bound + (lo >>> 16);
      const low32 = (((hi & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
      if (low32 >= bound || low32 >= (4294967296 - bound) % bound) return hi >>> 16;
    }
  }
  if (!(bound <= 4294967296 && Number.isInteger(bound))) throw new RangeError(`nextInt: bound ${bound} must be an integer in 1..2^32`);
  // The same split in doubles: each partial product is < 2^49, so every step is exact.
  const threshold = (4294967296 - bound) % bound;
  for (;;) {
    const x = nextUint32(s, o);
    const lo = (x % 65536) * bound;
    const hi = Math.floor(x / 65536) * bound + Math.floor(lo / 65536);
    const low32 = (hi % 65536) * 65536 + (lo % 65536);
    if (low32 >= threshold) return Math.floor(hi / 65536);
  }
}

/**
 * The index k in [0, count) that a uniform u in [0, 1) selects when k has probability
 * weights[from + k] / Σ weights (inverse CDF; zero-weight indices are never selected). Every
 * categorical draw goes through here, so sampling a policy and enumerating it agree.
 */
export function pickWeighted(u: number, weights: ArrayLike<number>, from: number, count: number): number {
  let total = 0;
  for (let k = 0; k < count; k++) total += weights[from + k]!;
  let rest = u * total;
  let picked = -1;
  for (let k = 0; k < count; k++) {
    const w = weights[from + k]!;
    if (!(w > 0)) continue;
    picked = k;
    rest -= w;
    if (rest < 0) break;
  }
  if (picked < 0) throw new RangeError(`pickWeighted: every weight of ${count} is 0`);
  return picked;
}
