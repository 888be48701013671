// `evalMetric`: what the greedy evaluation's threshold and stopAt read. On slush-3v2 a young policy
// agrees (wins) long before it agrees on the majority input, so a stop that read the win rate
// would end these runs early.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../src/policy/tf.js';
import { RECIPES } from '../../src/train/recipes.js';
import { readMetrics } from '../../src/train/runFolder.js';
import { train } from '../../src/train/train.js';

beforeAll(async () => {
  await ready();
});

const SHORT = { epochs: 12, batch: 128, evalEvery: 1, evalEpisodes: 300, finalEpisodes: 300, seed: 1 } as const;

describe('train: evalMetric', () => {
  it('records both greedy rates, and stopAt / threshold read the majority-correct rate when asked', async () => {
    const base = RECIPES['slush-3v2']!.config;
    const byWins = await train({ ...base, ...SHORT, out: join(mkdtempSync(join(tmpdir(), 'cgym-evalmetric-')), 'run'), stopAt: 0.9 });
    const byMajority = await train({ ...base, ...SHORT, out: join(mkdtempSync(join(tmpdir(), 'cgym-evalmetric-')), 'run'), stopAt: 0.9, evalMetric: 'majorityCorrectRate' });
    const lines = readMetrics(byMajority.run);
    // The win-rate stop fires first; the majority-correct stop only where that rate reached 0.9.
    expect(byWins.epochs).toBeLessThan(byMajority.epochs);
    for (const line of lines) {
      expect(line.evalMajorityCorrectRate).not.toBeNull();
      expect(line.evalWinRate).not.toBeNull();
    }
    for (const line of lines.slice(0, -1)) expect(line.evalMajorityCorrectRate!).toBeLessThan(0.9);
    const last = lines[lines.length - 1]!;
    if (last.evalMajorityCorrectRate! >= 0.9) expect(byMajority.epochsToThreshold).toBe(last.epoch);
    else expect(byMajority.epochsToThreshold).toBeNull();
    expect(byMajority.evalMetric).toBe('majorityCorrectRate');
  });
});
