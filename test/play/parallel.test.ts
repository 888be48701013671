// `playOnAllCores` must give exactly what one thread gives: the run is cut at batch boundaries and
// each episode draws from its own streams, so the worker count cannot change a result.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { playOnAllCores } from '../../src/play/parallel.js';
import { play, type PlayResult } from '../../src/play/play.js';

const withoutTiming = ({ seconds: _s, episodesPerSecond: _e, ...rest }: PlayResult) => rest;

describe('playOnAllCores', () => {
  it.each([
    ['byzantine-breaking', 'majority', 'equivocate'],
    ['async-crash', 'ben-or', 'random'],
    ['ba-n4-f1', 'eig', 'random'],
  ])('%s: %s vs %s gives the same result, bit for bit, on 1, 2 and 3 workers', async (preset, honest, adversary) => {
    const scenario = loadScenario(preset);
    const options = { scenario, honest, adversary, episodes: 10_000, seed: 5, batchSize: 1000 };
    const single = withoutTiming(play(options));
    for (const workers of [2, 3]) expect(withoutTiming(await playOnAllCores({ ...options, workers }))).toEqual(single);
    expect(single.episodes).toBe(10_000);
  });

  it('reports progress up to the total', async () => {
    const seen: number[] = [];
    await playOnAllCores({ scenario: loadScenario('honest-consensus'), honest: 'majority', adversary: 'silent', episodes: 4000, batchSize: 500, workers: 2, onProgress: (done) => seen.push(done) });
    expect(Math.max(...seen)).toBe(4000);
  });

  it('refuses in one line before starting a thread', async () => {
    await expect(playOnAllCores({ scenario: loadScenario('pki'), honest: 'phase-king', adversary: 'silent', episodes: 10_000, workers: 2 })).rejects.toThrow(/^phase-king: needs maxRounds/);
  });
});
