// The run stands for its best evaluated policy (config keepBest): kept in the checkpoint (so a
// resume continues from the same best), judged by the final evaluation, and loaded wherever the
// run folder is used as a protocol or an adversary.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { play } from '../../src/play/play.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { getAdversary } from '../../src/protocols/registry.js';
import { resolveTrainOptions } from '../../src/train/train.js';
import { readCheckpoint, readMetrics, type Checkpoint } from '../../src/train/runFolder.js';
import { loadRunPolicy } from '../../src/train/runPolicy.js';
import { train, type TrainOptions } from '../../src/train/train.js';
import { SMALL_RUN } from './smallRun.js';

const root = mkdtempSync(join(tmpdir(), 'cgym-keepbest-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** honest-consensus at a learning rate high enough to wobble, evaluated every epoch: at this seed 51%, 64.5%, 100%, 100%, then 64.5%. */
const HONEST_RUN: Omit<TrainOptions, 'out'> = {
  scenario: 'honest-consensus',
  reinforce: { learningRate: 0.3 },
  epochs: 5,
  batch: 64,
  seed: 3,
  evalEvery: 1,
  evalEpisodes: 200,
  finalEpisodes: 300,
};

describe('keepBest: the run stands for its best greedy evaluation', () => {
  it('keeps the last epoch of the highest evaluation, judges it in the final evaluation, and loads it from the run folder', async () => {
    const out = join(root, 'honest');
    const summary = await train({ ...HONEST_RUN, out });
    const rates = readMetrics(out).map((m) => m.evalWinRate!);
    const top = Math.max(...rates);
    const bestEpoch = rates.lastIndexOf(top) + 1;
    expect(bestEpoch).toBeLessThan(rates.length); // this seed's last policy is not its best: the case the option is for

    const checkpoint = readCheckpoint(out)!;
    expect(checkpoint.best).toMatchObject({ side: 'honest', epoch: bestEpoch, rate: top });
    expect(checkpoint.best!.policy.adam).toBeUndefined();
    expect(checkpoint.best!.policy.weights).not.toEqual(checkpoint.honest!.weights);
    expect(summary.bestEpoch).toBe(bestEpoch);

    const { network, scenario } = loadRunPolicy(out, 'honest');
    expect(network.toJSON().weights).toEqual(checkpoint.best!.policy.weights);
    const replay = play({ scenario, honest: new NeuralProtocol(network, scenario, 'greedy'), adversary: getAdversary('silent', scenario), episodes: HONEST_RUN.finalEpisodes!, seed: summary.seed + 2_000_003 });
    network.dispose();
    const last = PolicyNetwork.fromJSON(checkpoint.honest!);
    const lastReplay = play({ scenario, honest: new NeuralProtocol(last, scenario, 'greedy'), adversary: getAdversary('silent', scenario), episodes: HONEST_RUN.finalEpisodes!, seed: summary.seed + 2_000_003 });
    last.dispose();
    expect(summary.finalWinRate).toBe(replay.winRate);
    expect(summary.finalWinRate).not.toBe(lastReplay.winRate);
  });

  it('--no-keep-best: the run stands for its last policy', async () => {
    const out = join(root, 'last');
    const summary = await train({ ...HONEST_RUN, out, keepBest: false });
    expect(readCheckpoint(out)!.best).toBeUndefined();
    expect(summary.bestEpoch).toBeNull();
  });

  it('a resumed run continues from the same best: its checkpoint equals an uninterrupted run\'s', async () => {
    const whole = join(root, 'whole');
    const cut = join(root, 'cut');
    await train({ ...HONEST_RUN, out: whole });
    await train({ ...HONEST_RUN, epochs: 3, out: cut });
    await train({ ...HONEST_RUN, out: cut, resume: true, epochs: 5 });
    // Wall times differ, and so do the digests (the cut run's config.json records its extension).
    const timeless = ({ wallSeconds: _w, thresholdSeconds: _t, configDigest: _d, ...rest }: Checkpoint) => rest;
    const cutCheckpoint = timeless(readCheckpoint(cut)!);
    expect(cutCheckpoint.best?.epoch).toBe(4);
    expect(cutCheckpoint).toEqual(timeless(readCheckpoint(whole)!));
  });

  it('the adversary side keeps its lowest evaluation (the honest side\'s rate it drives down), and the final evaluation judges it', async () => {
    const out = join(root, 'adversary');
    // At this seed the learned attack breaks 48.5% of the episodes from epoch 2 to 9, then is unlearned (0% at epoch 12).
    const summary = await train({ ...SMALL_RUN, schedule: 'adversary', honest: 'majority', seed: 3, evalEvery: 1, out });
    const rates = readMetrics(out).map((m) => m.evalWinRate!);
    const low = Math.min(...rates);
    const bestEpoch = rates.lastIndexOf(low) + 1;
    expect(bestEpoch).toBeLessThan(rates.length);
    expect(readCheckpoint(out)!.best).toMatchObject({ side: 'adversary', epoch: bestEpoch, rate: low });
    expect(summary.bestEpoch).toBe(bestEpoch);
    expect(summary.finalWinRate).toBeLessThan(rates[rates.length - 1]!);
  });

  it('is off where both sides learn, and refused there when asked for, in one line naming the rule', () => {
    expect(resolveTrainOptions({ ...SMALL_RUN, out: join(root, 'x') }).keepBest).toBe(false);
    expect(() => resolveTrainOptions({ ...SMALL_RUN, out: join(root, 'y'), keepBest: true })).toThrow(/^train: keepBest needs one side learning against a fixed opponent .*got schedule simultaneous/);
  });
});
