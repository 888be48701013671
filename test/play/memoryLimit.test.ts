// `play` on several workers holds all their batches together to the memory limit, before any
// thread starts: each worker's batch may fit alone while the sum does not. The machine is mocked
// to 64 MiB (a limit of 32 MiB), so that nothing large is allocated even if the check were gone.
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:os', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:os')>()), totalmem: () => 64 * 2 ** 20 }));

const { GameBatch } = await import('../../src/game/GameBatch.js');
const { loadScenario } = await import('../../src/game/loadScenario.js');
const { playOnAllCores } = await import('../../src/play/parallel.js');
const { play } = await import('../../src/play/play.js');

const LIMIT = 32 * 2 ** 20;
const scenario = loadScenario('ba-n4-f1');
/** The largest batch under the limit: one worker may hold it, two may not. */
const fits = Math.floor(LIMIT / GameBatch.bytesPerEpisode(scenario));

describe('play refuses batches that would not fit in memory', () => {
  it('two workers whose batches fit alone but not together are refused before a thread starts', async () => {
    await expect(playOnAllCores({ scenario, honest: 'eig', adversary: 'silent', episodes: 2 * fits, batchSize: fits, workers: 2 })).rejects.toThrow(
      new RegExp(`^2 workers, each with a batch of ${fits} episodes, needs ~\\d+\\.\\d MiB, more than the memory limit of 32\\.0 MiB .*; use a smaller --batch or fewer --workers$`),
    );
  });

  it('one thread refuses one episode more than fits, naming the batch', () => {
    expect(() => play({ scenario, honest: 'eig', adversary: 'silent', episodes: fits + 1, batchSize: fits + 1 })).toThrow(new RegExp(`^a batch of ${fits + 1} episodes needs`));
  });
});
