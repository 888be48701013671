// Each paper experiment's figure plots the number it is judged by, with its target as a rule, and
// the final greedy evaluation (summary.json) as a diamond; pki adds the verified worst-case loss.
import { describe, expect, it } from 'vitest';
import { curvesSpec, renderCurves, targetLabel, type CurveMetric } from '../../src/report/curves.js';
import { experimentCurvesOptions } from '../../src/report/experimentCurves.js';
import { PAPER_EXPERIMENTS } from '../../src/report/paper.js';
import { readRunFolder, type EpochRow, type RunFolder } from '../../src/report/runFolder.js';
import { tempDir, writeFakeRun } from './fakeRuns.js';
import { expectWellFormedSvg, svgTexts } from './svg.js';

const experiment = (id: string) => PAPER_EXPERIMENTS.find((e) => e.id === id)!;

/**
 * Seeds of a run as the trainer writes it: a sampled win rate every epoch, a greedy evaluation every
 * fifth, a verification every fifth where `verified`, and a summary with the final evaluation.
 */
function seeds(scenario: string, count: number, options: { verified?: boolean; finalWinRate?: number; majority?: number } = {}): RunFolder[] {
  const root = tempDir();
  return Array.from({ length: count }, (_, seed) => {
    const epochs: Array<Partial<EpochRow>> = Array.from({ length: 20 }, (_, i) => {
      const epoch = i + 1;
      const winRate = 0.2 + (0.6 * epoch) / 20 + seed / 100;
      return {
        epoch,
        winRate,
        majorityCorrectRate: winRate - 0.1,
        evalWinRate: epoch % 5 === 0 ? Math.min(1, winRate + 0.15) : null,
        verifiedWorstCaseLoss: options.verified && epoch % 5 === 0 ? 0.75 - epoch / 40 : null,
      };
    });
    const summary = { finalWinRate: options.finalWinRate ?? 0.9 + seed / 100, majorityCorrectRate: options.majority ?? 0.97, finalEpisodes: 10000, epochs: 20 };
    return readRunFolder(writeFakeRun(root, { name: `${scenario}__seed${seed}`, scenario, seed, epochs, summary }));
  });
}

/** Panels as plain JSON: their metric, title, rules and diamonds. */
type Layer = { mark: { type: string; shape?: string }; data?: { values: Array<{ value: number; epoch: number }> }; encoding: Record<string, { datum?: number; value?: string }> };
type Panel = { title?: { text: string }; transform: Array<{ filter: { equal: string } }>; layer: Layer[] };
const panelsOf = (spec: unknown): Panel[] => (spec as { vconcat: Panel[] }).vconcat;
const rules = (panel: Panel) => panel.layer.filter((l) => l.mark.type === 'rule' && l.encoding['y']?.datum !== undefined).map((l) => l.encoding['y']!.datum);
const diamonds = (panel: Panel) => panel.layer.filter((l) => l.mark.type === 'point' && l.mark.shape === 'diamond').flatMap((l) => l.data!.values);

describe('experiment figures', () => {
  // experiment, its runs' scenario, the panels expected top to bottom, the first one's target label
  const CASES: Array<[string, { verified?: boolean }, CurveMetric[], string]> = [
    ['honest-consensus', {}, ['evalWinRate'], 'target ≥ 99%'],
    ['byzantine-breaking', {}, ['evalBreakRate'], 'target ≥ 49%'],
    ['slush-4v1', {}, ['majorityCorrectRate'], 'target ≥ 95%'],
    ['slush-3v2', {}, ['majorityCorrectRate'], 'target ≥ 95%'],
    ['pki', { verified: true }, ['evalWinRate', 'verifiedWorstCaseLoss'], 'target ≥ 99%'],
  ];

  it('covers every paper experiment', () => {
    expect(CASES.map(([id]) => id).sort()).toEqual(PAPER_EXPERIMENTS.map((e) => e.id).sort());
  });

  it.each(CASES)('%s: plots its judged metric with the target as a rule and in the panel title', (id, runOptions, expectedMetrics, label) => {
    const runs = seeds(id, 3, runOptions);

    const curves = curvesSpec(runs, experimentCurvesOptions(experiment(id), runs));

    expect(curves.metrics).toEqual(expectedMetrics);
    const [judged] = panelsOf(curves.spec);
    expect(rules(judged!)).toEqual([experiment(id).threshold]);
    expect(judged!.title!.text).toContain(label);
    expect(judged!.title!.text).toContain(' · target ');
    expect((curves.spec as { title: { text: string } }).title.text).toBe(`${id}: ${experiment(id).target}`);
  });

  it('plots the break rate of an attack as 1 − the greedy honest win rate, its final evaluation as a diamond', () => {
    const runs = seeds('byzantine-breaking', 2, { finalWinRate: 0.5 });

    const curves = curvesSpec(runs, experimentCurvesOptions(experiment('byzantine-breaking'), runs));

    // Epochs 5, 10, 15, 20 (the greedy evaluations), each the mean over the seeds of 1 − evalWinRate.
    const points = curves.points.filter((p) => p.metric === 'evalBreakRate');
    expect(points.map((p) => p.epoch)).toEqual([5, 10, 15, 20]);
    points.forEach((p) => {
      const expected = runs.map((r) => 1 - r.metrics.find((m) => m.epoch === p.epoch)!.evalWinRate!);
      expect(p.value).toBeCloseTo((expected[0]! + expected[1]!) / 2, 12);
    });
    expect(diamonds(panelsOf(curves.spec)[0]!)).toEqual([expect.objectContaining({ epoch: 20, value: 0.5, runs: 2 })]);
  });

  it('marks the greedy majority-correct rate of the summaries, which the sampled curve sits below', () => {
    const runs = seeds('slush-4v1', 3, { majority: 0.98 });

    const curves = curvesSpec(runs, experimentCurvesOptions(experiment('slush-4v1'), runs));

    const [diamond] = diamonds(panelsOf(curves.spec)[0]!);
    expect(diamond).toMatchObject({ epoch: 20, value: 0.98 });
    expect(Math.max(...curves.points.map((p) => p.value))).toBeLessThan(0.95);
  });

  it("adds pki's verified worst-case loss with a target of 0", () => {
    const runs = seeds('pki', 2, { verified: true });

    const curves = curvesSpec(runs, experimentCurvesOptions(experiment('pki'), runs));

    const loss = panelsOf(curves.spec)[1]!;
    expect(loss.transform[0]!.filter.equal).toBe('verifiedWorstCaseLoss');
    expect(rules(loss)).toEqual([0]);
    expect(loss.title!.text).toBe('verified worst-case loss · target 0%');
    expect(diamonds(loss)).toEqual([]); // the last verification is already the curve's last point
    expect(curves.points.filter((p) => p.metric === 'verifiedWorstCaseLoss').map((p) => p.epoch)).toEqual([5, 10, 15, 20]);
  });

  it('falls back to the sampled curve when a run has no greedy evaluation', () => {
    const root = tempDir();
    const runs = [readRunFolder(writeFakeRun(root, { name: 'no-eval', scenario: 'byzantine-breaking', epochs: [{ winRate: 0.9 }, { winRate: 0.6 }] }))];
    expect(curvesSpec(runs, experimentCurvesOptions(experiment('byzantine-breaking'), runs)).metrics).toEqual(['breakRate']);
  });

  it('renders titles, axes and target labels that say what is shown', async () => {
    const runs = seeds('pki', 2, { verified: true });

    const svg = await renderCurves(runs, experimentCurvesOptions(experiment('pki'), runs));

    expectWellFormedSvg(svg);
    const texts = svgTexts(svg);
    for (const expected of [
      'pki: honest win ≥ 99% against a co-trained adversary',
      'honest win rate (greedy eval) · target ≥ 99%',
      'honest win rate (greedy eval)',
      'target ≥ 99%',
      'verified worst-case loss · target 0%',
      'target 0%',
    ])
      expect(texts).toContain(expected);
    // The subtitle's two lines are tspans of one text element.
    expect(svg).toContain('>per epoch: mean ± sd over 2 seeds; the results table judges ◆</tspan>');
    expect(svg).toContain('>◆ final greedy evaluation, 10,000 fresh episodes</tspan>');
  });
});

describe('targetLabel', () => {
  it('says at least, at most, or exactly nothing', () => {
    expect(targetLabel({ value: 0.95, direction: 'atLeast' })).toBe('target ≥ 95%');
    expect(targetLabel({ value: 0.05, direction: 'atMost' })).toBe('target ≤ 5%');
    expect(targetLabel({ value: 0, direction: 'atMost' })).toBe('target 0%');
    expect(targetLabel({ value: 0.495, direction: 'atLeast' })).toBe('target ≥ 49.5%');
  });
});
