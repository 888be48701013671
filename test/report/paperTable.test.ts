// The paper table: the paper's result beside ours per experiment, with the verifier's worst case
// where an experiment verifies its learned policy.
import { describe, expect, it } from 'vitest';
import { PAPER_EXPERIMENTS, paperTable, type PaperExperiment, type PaperRun } from '../../src/report/paper.js';
import { defaultRecipe, RECIPES } from '../../src/train/recipes.js';

const run = (experiment: string, seed: number, value: number, verifiedWorstCaseLoss: number | null): PaperRun => ({
  experiment, seed, value, epochsToThreshold: null, secondsToThreshold: null, verifiedWorstCaseLoss, wallSeconds: 10, run: `runs/${experiment}__seed${seed}`,
});

describe('paperTable', () => {
  it('lists each verified seed\'s worst-case loss, and a dash where nothing was verified', () => {
    const table = paperTable(PAPER_EXPERIMENTS, [
      run('pki', 1, 0.88, 0.125), run('pki', 0, 1, 0.625),
      run('slush-3v2', 0, 0.9, null),
    ]);
    const rows = table.trim().split('\n');
    expect(rows[0]).toContain('| verified worst-case loss |');
    const pki = rows.find((r) => r.startsWith('| `pki`'))!;
    expect(pki).toContain('finalWinRate 94.0% ± 8.5% (100.0%, 88.0%) | 1/2 seeds | — | — | 62.5%, 12.5% | 10.0 |');
    expect(rows.find((r) => r.startsWith('| `slush-3v2`'))).toMatch(/\| — \| 10\.0 \|$/);
    expect(rows).toHaveLength(4);
  });

  it('the two experiments that need longer runs say so in their recipes (cgym paper --epochs overrides them)', () => {
    const epochsOf = (e: PaperExperiment) => e.epochs ?? (e.command === 'train' ? RECIPES[e.recipe]!.config.epochs : undefined) ?? null;
    expect(Object.fromEntries(PAPER_EXPERIMENTS.map((e) => [e.id, epochsOf(e)]))).toEqual({
      'honest-consensus': null, 'byzantine-breaking': null, 'slush-4v1': null, 'slush-3v2': 600, pki: 300,
    });
  });

  it('each training experiment is the recipe its preset trains with by default', () => {
    for (const e of PAPER_EXPERIMENTS) if (e.command === 'train') expect(defaultRecipe(e.id)).toBe(e.recipe);
  });
});
