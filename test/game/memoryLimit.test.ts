// A batch is held to half the machine's memory before it is allocated, with its estimate in the
// message. The machine is mocked to 64 MiB here, so that the batch accepted just under the limit
// is a few tens of megabytes, and a bug that let the refused one through would allocate little.
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:os', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:os')>()), totalmem: () => 64 * 2 ** 20 }));

const { GameBatch } = await import('../../src/game/GameBatch.js');
const { loadScenario } = await import('../../src/game/loadScenario.js');
const { formatBytes, memoryLimitBytes, refuseOverMemoryLimit } = await import('../../src/game/memoryLimit.js');
const { PRESETS } = await import('../../src/game/presets.js');
const { SideStorage } = await import('../../src/train/rollout.js');

const LIMIT = 32 * 2 ** 20;

/** Bytes of every typed array a value holds as its own property. */
function typedArrayBytes(value: object): number {
  return Object.values(value).reduce((sum: number, v: unknown) => sum + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0);
}

describe('the memory limit', () => {
  it('is half the machine\'s memory', () => {
    expect(memoryLimitBytes()).toBe(LIMIT);
  });

  it('accepts an estimate at the limit and refuses one byte over it, naming what, the estimate and the limit', () => {
    expect(() => refuseOverMemoryLimit('a batch of 7 episodes', LIMIT, 'use a smaller batch')).not.toThrow();
    expect(() => refuseOverMemoryLimit('a batch of 7 episodes', LIMIT + 1, 'use a smaller batch')).toThrow(
      "a batch of 7 episodes needs ~32.0 MiB, more than the memory limit of 32.0 MiB (half of this machine's 64.0 MiB); use a smaller batch",
    );
  });

  it.each([[512 * 1024, '512 KiB'], [3 * 2 ** 20, '3.0 MiB'], [1.5 * 2 ** 30, '1.5 GiB']])('formats %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('GameBatch refuses a batch past the limit before allocating it', () => {
  it.each([...Object.keys(PRESETS).map((name) => [name, 0]), ['ba-n4-f1', 3]] as Array<[string, number]>)('its estimate is what it allocates per episode: %s, %d memory slots', (name, memorySlots) => {
    const scenario = loadScenario(name);
    const perEpisode = typedArrayBytes(new GameBatch(scenario, { size: 3, memorySlots })) - typedArrayBytes(new GameBatch(scenario, { size: 2, memorySlots }));
    expect(GameBatch.bytesPerEpisode(scenario, memorySlots)).toBe(perEpisode);
    expect(GameBatch.estimateBytes(scenario, 5, memorySlots)).toBe(5 * perEpisode);
  });

  it('accepts the largest batch under the limit and refuses one more episode, naming the batch and the estimate', () => {
    const scenario = loadScenario('pki');
    const fits = Math.floor(LIMIT / GameBatch.bytesPerEpisode(scenario));
    expect(new GameBatch(scenario, { size: fits }).size).toBe(fits);
    expect(() => new GameBatch(scenario, { size: fits + 1 })).toThrow(RangeError);
    expect(() => new GameBatch(scenario, { size: fits + 1 })).toThrow(new RegExp(`^a batch of ${fits + 1} episodes needs ~32\\.0 MiB, more than the memory limit of 32\\.0 MiB .*pki \\(n=4, maxRounds=3\\) takes \\d+ KiB per episode; use a smaller batch$`));
  });
});

describe('SideStorage refuses a batch whose rollout storage, held three times by an update, is past the limit', () => {
  const [R, n, obsSize, maskWidth] = [4, 3, 40, 6];
  const heads = [{ size: 6, offset: 0 }];

  it('its estimate is what it allocates', () => {
    const storage = new SideStorage(R, 10 * n, n, obsSize, heads, maskWidth);
    expect(SideStorage.estimateBytes(R, 10 * n, obsSize, maskWidth)).toBe(typedArrayBytes(storage));
  });

  it('accepts the largest batch whose three copies fit and refuses one more episode', () => {
    const fits = Math.floor(LIMIT / (3 * SideStorage.estimateBytes(R, n, obsSize, maskWidth)));
    expect(new SideStorage(R, fits * n, n, obsSize, heads, maskWidth).valid.length).toBe(R * fits * n);
    expect(() => new SideStorage(R, (fits + 1) * n, n, obsSize, heads, maskWidth)).toThrow(
      new RegExp(`^a batch of ${fits + 1} episodes needs ~32\\.0 MiB, more than the memory limit of 32\\.0 MiB .*\\(3 rows × 4 rounds of 40-number observations\\), held 3 times over by an update; use a smaller --batch$`),
    );
  });
});
