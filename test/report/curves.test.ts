// Training curves: the spec (one line per run, the right fields), the mean ± sd band over seeds on a
// hand-made case, and the headless SVG rendering.
import { describe, expect, it } from 'vitest';
import { curvesSpec, groupBySeeds, meanAndSd, renderCurves, seedBand } from '../../src/report/curves.js';
import { ReportError } from '../../src/report/ReportError.js';
import { readRunFolder, type RunFolder } from '../../src/report/runFolder.js';
import { risingEpochs, tempDir, writeFakeRun, type FakeRun } from './fakeRuns.js';
import { expectWellFormedSvg, svgTexts } from './svg.js';

function runs(...fakes: FakeRun[]): RunFolder[] {
  const root = tempDir();
  return fakes.map((fake) => readRunFolder(writeFakeRun(root, fake)));
}

/** The layers of each vconcat panel of a curves spec (plain JSON). */
type Panel = { transform: Array<{ filter: { field: string; equal: string } }>; layer: Array<{ mark: { type: string }; encoding: Record<string, { field: string; title?: string }> }> };
const panelsOf = (spec: unknown): Panel[] => (spec as { vconcat: Panel[] }).vconcat;

describe('curvesSpec', () => {
  const three = runs(
    { name: 'alpha', seed: 0, epochs: risingEpochs(5, 0.2, 0.9) },
    { name: 'beta', seed: 1, epochs: risingEpochs(4, 0.4, 0.8) },
    { name: 'gamma', scenario: 'byzantine-breaking', seed: 0, epochs: risingEpochs(6, 0.9, 0.5) },
  );

  it('has one line per run in every panel, with epoch on x, the value on y and the run as colour', () => {
    const curves = curvesSpec(three);

    expect(curves.series).toEqual(['alpha', 'beta', 'gamma']);
    // evalWinRate has no values in these runs: left out of the default panels.
    expect(curves.metrics).toEqual(['winRate', 'honestReward', 'adversaryReward']);
    for (const metric of curves.metrics) {
      const points = curves.points.filter((p) => p.metric === metric);
      expect(new Set(points.map((p) => p.series))).toEqual(new Set(['alpha', 'beta', 'gamma']));
      expect(points.filter((p) => p.series === 'beta').map((p) => p.epoch)).toEqual([1, 2, 3, 4]);
    }
    const alphaWin = curves.points.filter((p) => p.series === 'alpha' && p.metric === 'winRate').map((p) => p.value);
    expect(alphaWin).toEqual(three[0]!.metrics.map((m) => m.winRate));

    const panels = panelsOf(curves.spec);
    expect(panels.map((p) => p.transform[0]!.filter.equal)).toEqual(curves.metrics);
    for (const panel of panels) {
      expect(panel.layer).toHaveLength(1);
      const { mark, encoding } = panel.layer[0]!;
      expect(mark.type).toBe('line');
      expect([encoding['x']!.field, encoding['y']!.field, encoding['color']!.field]).toEqual(['epoch', 'value', 'series']);
      expect(encoding['x']!.title).toBe('epoch');
    }
    expect(panels[0]!.layer[0]!.encoding['y']!.title).toBe('honest win rate (training)');
    expect((curves.spec as { data: { values: unknown[] } }).data.values).toBe(curves.points);
  });

  it('adds the violation rates on request, and rejects a requested metric no run has', () => {
    const withViolations = runs({ name: 'v', epochs: risingEpochs(3, 0.5, 0.9, (e) => ({ consistencyViolationRate: e / 10, validityViolationRate: 0, terminationViolationRate: 0.1 })) });
    expect(curvesSpec(withViolations, { metrics: ['winRate'], violations: true }).metrics).toEqual([
      'winRate',
      'consistencyViolationRate',
      'validityViolationRate',
      'terminationViolationRate',
    ]);
    expect(() => curvesSpec(three, { metrics: ['winRate', 'valueLoss'] })).toThrow(ReportError);
    expect(() => curvesSpec(three, { metrics: ['valueLoss'] })).toThrow(/no run has a value for valueLoss \(runs: alpha, beta, gamma\)/);
  });

  it("draws the runs' shared threshold on the win-rate panels only, unless told otherwise", () => {
    const agreeing = runs(
      { name: 't0', config: { threshold: 0.99 }, epochs: risingEpochs(3, 0.5, 0.9) },
      { name: 't1', seed: 1, config: { threshold: 0.99 }, epochs: risingEpochs(3, 0.5, 0.9) },
    );
    const rules = (spec: unknown) =>
      panelsOf(spec).map((panel) => panel.layer.filter((l) => l.mark.type === 'rule').map((l) => (l.encoding['y'] as unknown as { datum: number }).datum));

    expect(rules(curvesSpec(agreeing).spec)).toEqual([[0.99], [], []]);
    expect(rules(curvesSpec(agreeing, { threshold: 0.9 }).spec)).toEqual([[0.9], [], []]);
    expect(rules(curvesSpec(agreeing, { threshold: null }).spec)).toEqual([[], [], []]);
    const disagreeing = runs({ name: 'u0', config: { threshold: 0.99 }, epochs: risingEpochs(3, 0, 1) }, { name: 'u1', config: { threshold: 0.95 }, epochs: risingEpochs(3, 0, 1) });
    expect(rules(curvesSpec(disagreeing).spec)).toEqual([[], [], []]);
    expect(() => curvesSpec(agreeing, { threshold: 1.5 })).toThrow(/threshold=1.5 is not a rate/);
  });

  it('skips null values instead of plotting them as zero', () => {
    const gappy = runs({ name: 'gappy', epochs: [{ winRate: 0.1 }, { winRate: null }, { winRate: 0.3 }] });
    const points = curvesSpec(gappy, { metrics: ['winRate'] }).points;
    expect(points.map((p) => [p.epoch, p.value])).toEqual([
      [1, 0.1],
      [3, 0.3],
    ]);
  });
});

describe('mean ± sd over seeds', () => {
  it('computes the mean and the sample standard deviation', () => {
    expect(meanAndSd([4])).toEqual({ mean: 4, sd: 0 });
    const { mean, sd } = meanAndSd([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    expect(sd).toBeCloseTo(Math.sqrt(5 / 3), 12); // squares 2.25+0.25+0.25+2.25 = 5, over n−1 = 3
  });

  it('bands a hand-made case epoch by epoch, over the runs that have a value there', () => {
    // Arrange: three seeds; at epoch 2 seed 2 has no value; only seed 0 reaches epoch 3.
    const seeds = runs(
      { name: 's0', seed: 0, epochs: [{ winRate: 0.2 }, { winRate: 0.5 }, { winRate: 0.9 }] },
      { name: 's1', seed: 1, epochs: [{ winRate: 0.4 }, { winRate: 0.7 }] },
      { name: 's2', seed: 2, epochs: [{ winRate: 0.6 }, { winRate: null }] },
    );

    // Act
    const band = seedBand(seeds, 'winRate', 'hc');

    // Assert: epoch 1: 0.2, 0.4, 0.6 → 0.4 ± 0.2; epoch 2: 0.5, 0.7 → 0.6 ± √0.02; epoch 3: 0.9 ± 0.
    expect(band.map((p) => p.epoch)).toEqual([1, 2, 3]);
    expect(band.map((p) => p.runs)).toEqual([3, 2, 1]);
    const expected = [
      [0.4, 0.2],
      [0.6, Math.sqrt(0.02)],
      [0.9, 0],
    ];
    band.forEach((p, k) => {
      const [mean, sd] = expected[k]!;
      expect(p.value).toBeCloseTo(mean!, 12);
      expect(p.lower!).toBeCloseTo(mean! - sd!, 12);
      expect(p.upper!).toBeCloseTo(mean! + sd!, 12);
    });
  });

  it('groups runs that differ only in seed and name; other hyper-parameters make another group', () => {
    const mixed = runs(
      { name: 'a0', seed: 0, config: { lr: 0.01 }, epochs: risingEpochs(2, 0, 1) },
      { name: 'a1', seed: 1, config: { lr: 0.01 }, epochs: risingEpochs(2, 0, 1) },
      { name: 'b0', seed: 0, config: { lr: 0.1 }, epochs: risingEpochs(2, 0, 1) },
      { name: 'c0', scenario: 'slush-3v2', algo: 'ppo', seed: 5, epochs: risingEpochs(2, 0, 1) },
    );

    const groups = groupBySeeds(mixed);

    expect(groups.map((g) => [g.label, g.runs.map((r) => r.name)])).toEqual([
      ['honest-consensus · reinforce #1 (2 seeds)', ['a0', 'a1']],
      ['honest-consensus · reinforce #2 (1 seed)', ['b0']],
      ['slush-3v2 · ppo (1 seed)', ['c0']],
    ]);
    const curves = curvesSpec(mixed, { groupBy: 'seeds', metrics: ['winRate'] });
    expect(curves.series).toEqual(groups.map((g) => g.label));
    // A band (area from lower to upper) under each line.
    const [line, band] = panelsOf(curves.spec)[0]!.layer;
    expect([line!.mark.type, band!.mark.type]).toEqual(['line', 'area']);
    expect([band!.encoding['y']!.field, band!.encoding['y2']!.field]).toEqual(['lower', 'upper']);
  });
});

describe('the final evaluation diamond', () => {
  it("sits at the judged policy's epoch: the kept best one where a run kept it, else the last", () => {
    const kept = runs(
      { name: 'k0', seed: 0, epochs: risingEpochs(6, 0.5, 0.9), summary: { finalWinRate: 0.9, bestEpoch: 4 } },
      { name: 'k1', seed: 1, epochs: risingEpochs(6, 0.5, 0.9), summary: { finalWinRate: 0.8, bestEpoch: 6 } },
    );
    const byRun = curvesSpec(kept, { metrics: ['winRate'], finals: true }).finals;
    expect(byRun.map((p) => [p.series, p.epoch, p.value])).toEqual([['k0', 4, 0.9], ['k1', 6, 0.8]]);
    // Seeds judged at different epochs: a diamond each, not a mean at an epoch no policy was judged at.
    const grouped = curvesSpec(kept, { groupBy: 'seeds', metrics: ['winRate'], finals: true }).finals;
    expect(grouped.map((p) => [p.epoch, p.value, p.runs])).toEqual([[4, 0.9, 1], [6, 0.8, 1]]);
    // Without a kept best, the group's mean ± sd at the last epoch.
    const last = runs(
      { name: 'l0', seed: 0, epochs: risingEpochs(5, 0.5, 0.9), summary: { finalWinRate: 0.9 } },
      { name: 'l1', seed: 1, epochs: risingEpochs(5, 0.5, 0.9), summary: { finalWinRate: 0.7 } },
    );
    const [mean] = curvesSpec(last, { groupBy: 'seeds', metrics: ['winRate'], finals: true }).finals;
    expect([mean!.epoch, mean!.value, mean!.runs]).toEqual([5, 0.8, 2]);
  });
});

describe('renderCurves', () => {
  it('renders well-formed SVG with the run names, the axis titles and the title', async () => {
    const root = tempDir();
    const rendered = await renderCurves(
      [
        readRunFolder(writeFakeRun(root, { name: 'run-one', epochs: risingEpochs(8, 0.3, 0.95) })),
        readRunFolder(writeFakeRun(root, { name: 'run-two', seed: 1, epochs: risingEpochs(8, 0.5, 0.9) })),
      ],
      { title: 'paper figure 1' },
    );

    expectWellFormedSvg(rendered);
    const texts = svgTexts(rendered);
    for (const expected of ['run-one', 'run-two', 'epoch', 'honest win rate (training)', 'honest mean reward', 'adversary mean reward', 'paper figure 1']) expect(texts).toContain(expected);
  });

  it('renders the band over seeds', async () => {
    const root = tempDir();
    const seeds = [0, 1, 2].map((seed) => readRunFolder(writeFakeRun(root, { name: `s${seed}`, seed, epochs: risingEpochs(6, 0.2 + seed / 10, 0.9) })));
    const rendered = await renderCurves(seeds, { groupBy: 'seeds', metrics: ['winRate'] });
    expectWellFormedSvg(rendered);
    expect(svgTexts(rendered)).toContain('honest-consensus · reinforce (3 seeds)');
  });
});
