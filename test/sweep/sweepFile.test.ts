// A sweep file's grid (src/sweep/sweepFile.ts): the product of its axes, first outermost, with
// deterministic job names, each job's config (axis values laid over the base, recipes expanded as
// `cgym train` expands them), the command line per kind, and one-line refusals naming key, value
// and rule. The summary table: mean ± sd per cell over seeds.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSweepFile, planSweep } from '../../src/sweep/sweepFile.js';
import { summarise, summaryTable } from '../../src/sweep/summaryTable.js';
import { RECIPES } from '../../src/train/recipes.js';

const plan = (input: unknown) => planSweep(parseSweepFile(input), 'grid.json');

describe('planSweep', () => {
  it('expands the axes into their product, the first outermost, named by their values, each cell the name without its seed', () => {
    const { jobs, out } = plan({ base: { scenario: 'honest-consensus', epochs: 5 }, axes: { 'reinforce.learningRate': [0.01, 0.03], 'set.n': [3, 4], seed: [0, 1] } });
    expect(out).toBe(resolve('sweeps/grid'));
    expect(jobs.map((j) => j.name)).toEqual([
      'learningRate0.01__n3__seed0', 'learningRate0.01__n3__seed1', 'learningRate0.01__n4__seed0', 'learningRate0.01__n4__seed1',
      'learningRate0.03__n3__seed0', 'learningRate0.03__n3__seed1', 'learningRate0.03__n4__seed0', 'learningRate0.03__n4__seed1',
    ]);
    const job = jobs[5]!;
    expect(job.cell).toBe('learningRate0.03__n3');
    expect(job.seed).toBe(1);
    expect(job.run).toBe(resolve('sweeps/grid/runs/learningRate0.03__n3__seed1'));
    // honest-consensus has a recipe of its own, which `cgym train --scenario honest-consensus` starts from.
    expect(job.config).toEqual({ ...RECIPES['honest-consensus']!.config, recipe: 'honest-consensus', scenario: 'honest-consensus', epochs: 5, reinforce: { learningRate: 0.03 }, set: ['n=3'], seed: 1 });
    expect(job.args).toEqual(['train', '--config', job.configFile, '--out', job.run, '--json']);
    expect(job.resumeArgs).toEqual(['train', '--resume', '--out', job.run, '--json']);
  });

  it('a variant axis lays named partial configs over the base, each with its own kind; a text value is named key-value', () => {
    const { jobs, metrics } = plan({
      out: 'mine',
      base: { epochs: 3 },
      axes: {
        experiment: { pki: { recipe: 'pki' }, breaking: { kind: 'attack', scenario: 'byzantine-breaking', honest: 'majority' } },
        algo: ['reinforce', 'ppo'],
      },
    });
    expect(jobs.map((j) => `${j.name}:${j.kind}`)).toEqual(['pki__algo-reinforce:train', 'pki__algo-ppo:train', 'breaking__algo-reinforce:attack', 'breaking__algo-ppo:attack']);
    expect(jobs[2]!.config).toEqual({ epochs: 3, scenario: 'byzantine-breaking', honest: 'majority', algo: 'reinforce' });
    expect(jobs[2]!.args).toEqual(['attack', '--config', jobs[2]!.configFile, '--out', jobs[2]!.run, '--json']);
    expect(jobs[2]!.resumeArgs).toContain('--resume');
    expect(jobs[0]!.config['recipe']).toBe('pki');
    expect(metrics).toEqual(['finalWinRate', 'majorityCorrectRate', 'breakRate']);
  });

  it('a verify job has no run to resume: it runs again from the start', () => {
    const [job] = plan({ kind: 'verify', base: { honest: 'majority' }, axes: { scenario: ['pki'] } }).jobs;
    expect(job!.args).toEqual(['verify', '--config', job!.configFile, '--json']);
    expect(job!.resumeArgs).toBeNull();
  });

  it('refuses, in one line naming key, value and rule: an unknown key, a bad kind, an empty axis, a bad seed, two jobs of one name, an unknown recipe', () => {
    expect(() => parseSweepFile({ axis: {} })).toThrow(/^sweep: unknown key axis \(known: version, kind, out, base, axes, metrics, jobs\)/);
    expect(() => parseSweepFile({ kind: 'hunt' })).toThrow('sweep: kind="hunt": must be one of train, verify, attack');
    expect(() => parseSweepFile({ axes: { seed: [] } })).toThrow(/^sweep: axes\.seed=\[\]: must list at least one value/);
    expect(() => plan({ axes: { seed: [0, 1.5] } })).toThrow('sweep: axes.seed=1.5: must be a list of integer seeds ≥ 0');
    expect(() => plan({ base: { scenario: 'honest-consensus' }, axes: { scenario: ['a/b', 'a_b'] } })).toThrow('sweep: jobs 1 and 2 of the grid are both named scenario-a_b');
    expect(() => plan({ base: { scenario: 'pki', recipe: 'nope' } })).toThrow(/^sweep: job job: recipe="nope": no such recipe \(known: /);
  });
});

describe('summaryTable', () => {
  it('shows each cell\'s mean ± sd over its seeds (sample sd), a rate as a percentage, and how many jobs are done', () => {
    const { jobs, metrics } = plan({ base: { scenario: 'honest-consensus' }, axes: { 'set.n': [3, 4], seed: [0, 1, 2] } });
    const results = new Map([
      ['n3__seed0', { finalWinRate: 0.9, majorityCorrectRate: 0.5 }],
      ['n3__seed1', { finalWinRate: 1, majorityCorrectRate: 0.5 }],
      ['n3__seed2', { finalWinRate: 0.8, majorityCorrectRate: 0.5 }],
      ['n4__seed0', { finalWinRate: 0.25, majorityCorrectRate: 0.75 }],
    ]);
    const table = summaryTable(summarise(jobs, results, metrics), metrics).trim().split('\n');
    expect(table[0]).toBe('| cell | kind | jobs done | finalWinRate (mean ± sd) | majorityCorrectRate (mean ± sd) |');
    expect(table[2]).toBe('| n3 | train | 3/3 | 90.0% ± 10.0% | 50.0% ± 0.0% |');
    expect(table[3]).toBe('| n4 | train | 1/3 | 25.0% ± 0.0% | 75.0% ± 0.0% |');
  });
});
