// A run whose honest network reads the sample record, in the symmetric value frame, with the others
// in canonical order: the saved network keeps all three, so eval and a resume read what training read.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateRun } from '../../src/train/evaluateRun.js';
import { readCheckpoint, readMetrics } from '../../src/train/runFolder.js';
import { train, type TrainOptions } from '../../src/train/train.js';

const fresh = (name: string) => join(mkdtempSync(join(tmpdir(), 'cgym-record-')), name);
const RUN: Omit<TrainOptions, 'out'> = {
  scenario: 'slush-3v2', algo: 'ppo', epochs: 4, batch: 32, seed: 3, honestHidden: [8],
  observation: { valueFrame: 'symmetric', sampleView: 'record', symmetricOthers: true }, evalEvery: 2, evalEpisodes: 100, finalEpisodes: 200,
};

describe('training on the sample record', () => {
  it('keeps the view, the frame and the order in the saved network; eval replays it; a resume continues it', async () => {
    const whole = await train({ ...RUN, out: fresh('whole') });
    const spec = readCheckpoint(whole.run)!.honest!.spec;
    expect(spec).toMatchObject({ sampleView: 'record', valueFrame: 'symmetric', symmetricOthers: true });
    expect(JSON.parse(readFileSync(join(whole.run, 'config.json'), 'utf8'))).toMatchObject({ observation: { sampleView: 'record', valueFrame: 'symmetric' } });
    const evaluated = await evaluateRun({ run: whole.run, episodes: 200, seed: 1 });
    expect(evaluated.episodes).toBe(200);

    const out = fresh('resumed');
    await train({ ...RUN, epochs: 2, out });
    await train({ ...RUN, out, resume: true });
    const untimed = (dir: string) => readMetrics(dir).map(({ episodesPerSecond, agentDecisionsPerSecond, wallSeconds, ...rest }) => rest);
    expect(untimed(out)).toEqual(untimed(whole.run));
  });
});
