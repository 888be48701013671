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

// The recipe's network and view without its shared draws: these tests are about the evaluation, and
// their thresholds were read off this learner's first epochs (shared draws climb more slowly at first),
// with the stop checked every epoch.
const SHORT = { epochs: 12, batch: 128, evalEvery: 1, evalEpisodes: 300, finalEpisodes: 300, seed: 1, threshold: null, sharedDraws: false, stopCheckEvery: 1 } as const;

describe('train: evalMetric', () => {
  it('records both greedy rates, and stopAt / threshold read the majority-correct rate when asked', async () => {
    const base = RECIPES['slush-3v2']!.config;
    const byWins = await train({ ...base, ...SHORT, out: join(mkdtempSync(join(tmpdir(), 'cgym-evalmetric-')), 'run'), stopAt: 0.9, evalMetric: 'winRate' });
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

  it('stopAt is checked every epoch, exactly: it stops where a full evaluation every epoch would, on either metric', async () => {
    // honest-consensus jumps past 99% wins in one epoch; slush-3v2's majority-correct rate creeps up
    // to 0.8 (0.63, 0.81 at epochs 5, 6 of this seed), so a check that is off by a few episodes stops elsewhere.
    const cases = [
      { scenario: 'honest-consensus', epochs: 60, seed: 2, stopAt: 0.99, evalEpisodes: 1000, finalEpisodes: 500, evalMetric: 'winRate' },
      { ...RECIPES['slush-3v2']!.config, ...SHORT, stopAt: 0.8, evalMetric: 'majorityCorrectRate' },
    ] as const;
    for (const common of cases) {
      const metric = common.evalMetric === 'winRate' ? 'evalWinRate' : 'evalMajorityCorrectRate';
      const everyEpoch = await train({ ...common, evalEvery: 1, out: join(mkdtempSync(join(tmpdir(), 'cgym-stopcheck-')), 'run') });
      const checked = await train({ ...common, evalEvery: 5, out: join(mkdtempSync(join(tmpdir(), 'cgym-stopcheck-')), 'run') });
      expect(everyEpoch.epochs).toBeLessThan(common.epochs);
      expect(checked.epochs).toBe(everyEpoch.epochs);
      expect(checked.epochsToThreshold).toBe(everyEpoch.epochsToThreshold);
      expect(checked.finalWinRate).toBe(everyEpoch.finalWinRate);
      const full = readMetrics(everyEpoch.run);
      const lines = readMetrics(checked.run);
      // The stop epoch's evaluation is the whole one; epochs off the evalEvery beat that were ruled out record none.
      expect(lines[lines.length - 1]![metric]).toBe(full[full.length - 1]![metric]);
      expect(full[full.length - 2]![metric]!).toBeLessThan(common.stopAt);
      expect(lines.filter((line) => line[metric] === null).length).toBeGreaterThan(0);
    }
  });

  it('stopCheckEvery: the stop is checked only every k epochs, and lands on the first checked epoch at or after the every-epoch stop that reaches the bar', async () => {
    const common = { scenario: 'honest-consensus', epochs: 60, seed: 2, stopAt: 0.99, evalEpisodes: 1000, finalEpisodes: 500, evalEvery: 1000 } as const;
    const everyEpoch = await train({ ...common, out: join(mkdtempSync(join(tmpdir(), 'cgym-stopevery-')), 'run') });
    const everyFifth = await train({ ...common, stopCheckEvery: 5, out: join(mkdtempSync(join(tmpdir(), 'cgym-stopevery-')), 'run') });
    expect(everyEpoch.epochs % 5).not.toBe(0); // else this case would not tell the two apart
    expect(everyFifth.epochs % 5).toBe(0);
    expect(everyFifth.epochs).toBeGreaterThan(everyEpoch.epochs);
    expect(everyFifth.epochs).toBeLessThan(everyEpoch.epochs + 10);
    // Checked epochs record their (reaching) evaluation; the epochs between them none.
    const lines = readMetrics(everyFifth.run);
    expect(lines.filter((line) => line.epoch % 5 !== 0).every((line) => line.evalWinRate === null)).toBe(true);
    expect(lines.at(-1)!.evalWinRate!).toBeGreaterThanOrEqual(0.99);
  });
});
