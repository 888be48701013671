// Training end to end on small budgets: learning happens (the paper's Byzantine breaking), runs
// are deterministic, a killed run resumes without losing or duplicating metric lines, frozen
// weights stay frozen, a NaN stops the run and keeps the last good checkpoint.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { adversaryNetwork } from '../../src/policy/networkFor.js';
import { ready } from '../../src/policy/tf.js';
import { attack } from '../../src/train/attack.js';
import { METRIC_KEYS, readCheckpoint, readMetrics, type EpochMetrics } from '../../src/train/runFolder.js';
import { train, TrainingDivergedError } from '../../src/train/train.js';
import { killMidRun } from './killMidRun.js';
import { SMALL_RUN } from './smallRun.js';

const fresh = (name: string) => join(mkdtempSync(join(tmpdir(), 'cgym-train-')), name);
/** The metric keys that do not depend on the machine's speed. */
const TIMING = new Set(['episodesPerSecond', 'agentDecisionsPerSecond', 'wallSeconds']);
const untimed = (lines: EpochMetrics[]) => lines.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !TIMING.has(k))));

describe('train: run folders', () => {
  it('writes config, one metrics line per epoch with exactly the documented keys, a checkpoint and a summary', async () => {
    const out = fresh('run');
    const summary = await train({ ...SMALL_RUN, epochs: 3, out });
    const lines = readMetrics(out);
    expect(lines.map((m) => m.epoch)).toEqual([1, 2, 3]);
    for (const line of lines) expect(Object.keys(line)).toEqual([...METRIC_KEYS]);
    expect(readCheckpoint(out)!.epoch).toBe(3);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.scenario.name).toBe('byzantine-breaking');
    expect(config.versions.tfjs).toBe('4.22.0');
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(summary);
    expect(summary.epochs).toBe(3);
  });

  it('the same seed gives identical metric lines', async () => {
    const a = await train({ ...SMALL_RUN, epochs: 4, out: fresh('a') });
    const b = await train({ ...SMALL_RUN, epochs: 4, out: fresh('b') });
    expect(untimed(readMetrics(b.run))).toEqual(untimed(readMetrics(a.run)));
    expect(b.finalWinRate).toBe(a.finalWinRate);
  });

  it('a run killed mid-way resumes from its last checkpoint: the same lines as an uninterrupted run, none lost or doubled', async () => {
    const whole = await train({ ...SMALL_RUN, out: fresh('whole') });
    const out = fresh('killed');
    const before = await killMidRun(out, 'small', 4);
    expect(before).toBeGreaterThanOrEqual(4);
    expect(before).toBeLessThan(SMALL_RUN.epochs!);
    await train({ ...SMALL_RUN, out, resume: true });
    expect(untimed(readMetrics(out))).toEqual(untimed(readMetrics(whole.run)));
  });

  it('alternating: the side whose turn it is not keeps its weights exactly', async () => {
    await ready();
    const out = fresh('alternating');
    await train({ ...SMALL_RUN, schedule: 'alternating', alternateEvery: 2, epochs: 2, out });
    const checkpoint = readCheckpoint(out)!;
    const initial = adversaryNetwork(loadScenario('byzantine-breaking'), { seed: SMALL_RUN.seed! + 1 });
    expect(checkpoint.adversary!.weights).toEqual(initial.toJSON().weights);
    expect(checkpoint.adversary!.adam!.step).toBe(0);
    expect(checkpoint.honest!.adam!.step).toBe(2);
    initial.dispose();
  });

  it('a NaN stops the run with one line and keeps the last good checkpoint', async () => {
    // A value-loss weight past float32's range makes the first update's loss non-finite (NaN options are refused up front).
    const out = fresh('nan');
    await expect(train({ ...SMALL_RUN, schedule: 'honest', epochs: 3, out, reinforce: { baseline: 'value', valueCoef: 1e300 } })).rejects.toThrow(TrainingDivergedError);
    await expect(train({ ...SMALL_RUN, schedule: 'honest', epochs: 3, out: fresh('nan2'), reinforce: { baseline: 'value', valueCoef: 1e300 } })).rejects.toThrow(
      /^train: the honest loss became NaN at epoch 1; stopped, the last good checkpoint \(epoch 0\)/,
    );
    expect(existsSync(join(out, 'checkpoints', 'latest.json'))).toBe(false);
    expect(readMetrics(out)).toEqual([]);
  });
});

describe('train: algorithms', () => {
  it('ppo and REINFORCE with a value baseline run both sides (value head, GAE, minibatches) without leaking tensors', async () => {
    await ready();
    const { tf } = await import('../../src/policy/tf.js');
    await train({ ...SMALL_RUN, algo: 'ppo', epochs: 1, out: fresh('ppo-warm') });
    const before = tf.memory().numTensors;
    const summary = await train({ ...SMALL_RUN, algo: 'ppo', epochs: 3, out: fresh('ppo') });
    expect(tf.memory().numTensors).toBe(before);
    const lines = readMetrics(summary.run);
    expect(lines.every((m) => m.valueLoss !== null && Number.isFinite(m.valueLoss) && m.honestLoss !== null && m.adversaryLoss !== null)).toBe(true);
    const valueBaseline = await train({ ...SMALL_RUN, epochs: 2, reinforce: { baseline: 'value' }, out: fresh('value') });
    expect(readMetrics(valueBaseline.run)).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('rollout: group baselines', () => {
  it('shareChance gives every slot of a group its first episode\'s faulty set and inputs; training with groups runs', async () => {
    const { GameBatch } = await import('../../src/game/GameBatch.js');
    const { shareChance } = await import('../../src/train/rollout.js');
    const game = new GameBatch(loadScenario('pki'), { size: 8, seed: 1 });
    game.reset(0);
    shareChance(game, 4);
    const chance = (b: number) => [...game.faulty.subarray(b * 4, b * 4 + 4), ...game.input.subarray(b * 4, b * 4 + 4)].join();
    expect(new Set([0, 1, 2, 3].map(chance)).size).toBe(1);
    expect(new Set([4, 5, 6, 7].map(chance)).size).toBe(1);
    const summary = await train({ ...SMALL_RUN, schedule: 'honest', epochs: 2, reinforce: { groupSize: 8 }, out: fresh('group') });
    expect(summary.epochs).toBe(2);
  });
});

describe('train: learning', () => {
  it('attack: a fresh adversary breaks the majority protocol on byzantine-breaking (≥ 45%; the optimum is 50%) by equivocating', async () => {
    const report = await attack({ scenario: 'byzantine-breaking', honest: 'majority', epochs: 30, batch: 256, seed: 3, out: fresh('attack'), evalEvery: 10, evalEpisodes: 500 });
    expect(report.breakRate).toBeGreaterThanOrEqual(0.45);
    expect(report.consistencyViolationRate).toBe(report.breakRate);
    // Equivocation: the two honest agents are told different things in round 1.
    const round1 = report.attack!.split(';')[0]!.replace('r1: ', '').split(' ');
    expect(new Set(round1).size === 2 || round1.every((x) => x === 'own') || round1.every((x) => x === 'other')).toBe(true);
    expect(report.trace).toMatch(/verdict: adversary wins — consistency violated/);
  });
});
