// The per-episode random streams: bounded draws are in range and uniform for small and large
// bounds, and seeding one stream equals seeding an episode's streams together.
import { describe, expect, it } from 'vitest';
import { nextInt, RNG_WORDS, seedEpisodeStreams, seedStream, STREAM_COUNT } from '../../src/game/rng.js';

function draws(bound: number, count: number): number[] {
  const state = new Uint32Array(RNG_WORDS);
  seedStream(state, 0, 42, 7, 0);
  return Array.from({ length: count }, () => nextInt(state, 0, bound));
}

describe('rng', () => {
  it.each([2, 3, 5, 65535, 65536, 100_000, 2 ** 24, 2 ** 31 + 7, 2 ** 32])('nextInt(%d) stays in range with mean ≈ (bound−1)/2', (bound) => {
    const values = draws(bound, 100_000);
    expect(values.every((v) => Number.isInteger(v) && v >= 0 && v < bound)).toBe(true);
    const mean = values.reduce((a, b) => a + b, 0) / values.length / (bound - 1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });

  it('nextInt(3) is uniform (chi-square, 2 degrees of freedom, p > 0.001)', () => {
    const counts = [0, 0, 0];
    for (const v of draws(3, 90_000)) counts[v]! += 1;
    const chi2 = counts.reduce((sum, c) => sum + (c - 30_000) ** 2 / 30_000, 0);
    expect(chi2).toBeLessThan(13.8);
  });

  it('rejects a bound above 2^32', () => {
    expect(() => draws(2 ** 32 + 1, 1)).toThrow(RangeError);
  });

  it('seeding an episode at once gives each stream the words seedStream gives it', () => {
    const together = new Uint32Array(STREAM_COUNT * RNG_WORDS);
    seedEpisodeStreams(together, 0, 9, 123);
    for (let stream = 0; stream < STREAM_COUNT; stream++) {
      const alone = new Uint32Array(RNG_WORDS);
      seedStream(alone, 0, 9, 123, stream);
      expect([...together.subarray(stream * RNG_WORDS, (stream + 1) * RNG_WORDS)]).toEqual([...alone]);
    }
  });
});
