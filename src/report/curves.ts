/**
 * Training curves — the seed paper's figures: honest win rate and both sides' rewards per epoch,
 * several runs overlaid, one panel per metric stacked vertically, as a Vega-Lite spec (plain data,
 * so tests and the dashboard can read it) and rendered headless to SVG.
 *
 * Two ways to overlay runs:
 * - `run`: one line per run, coloured by run name;
 * - `seeds`: runs whose configs differ only in seed (and name) form one series, coloured by
 *   scenario and algorithm: a line through the mean over seeds and a band of mean ± sd.
 */
import type { TopLevelSpec } from 'vega-lite';
import { ReportError } from './ReportError.js';
import type { EpochRow, EpochMetric, RunFolder } from './runFolder.js';

export type CurveGrouping = 'run' | 'seeds';

export interface CurvesOptions {
  /** Metrics to plot, one panel each; default `DEFAULT_CURVE_METRICS` (those with data). */
  metrics?: readonly EpochMetric[];
  /** Also plot the three violation rates (consistency, validity, termination). */
  violations?: boolean;
  /** `run` (default): a line per run; `seeds`: mean ± sd over runs that differ only in seed. */
  groupBy?: CurveGrouping;
  /** Chart title (default "training curves"). */
  title?: string;
  /**
   * Win rate the run aims at, drawn as a dashed rule on the win-rate panels; default: the runs'
   * `config.threshold` when they all agree; null: none.
   */
  threshold?: number | null;
  /** Size of one panel in pixels (default 520 × 170). */
  width?: number;
  height?: number;
}

/** One plotted point: the value of a metric at an epoch for a series (a run, or a group of seeds). */
export interface CurvePoint {
  series: string;
  metric: EpochMetric;
  epoch: number;
  /** The run's value, or the mean over the group's seeds. */
  value: number;
  /** mean − sd and mean + sd (grouping by seeds only). */
  lower?: number;
  upper?: number;
  /** How many runs have a value here (1 for a single run). */
  runs: number;
}

export interface Curves {
  /** The Vega-Lite spec: pure data, rendered by `renderCurves`. */
  spec: TopLevelSpec;
  /** The points it plots (also inlined in `spec`). */
  points: CurvePoint[];
  /** Series in legend order: run names, or group labels. */
  series: string[];
  /** Metrics plotted, one panel each, top to bottom. */
  metrics: EpochMetric[];
}

export const DEFAULT_CURVE_METRICS: readonly EpochMetric[] = ['winRate', 'evalWinRate', 'honestReward', 'adversaryReward'];
export const VIOLATION_METRICS: readonly EpochMetric[] = ['consistencyViolationRate', 'validityViolationRate', 'terminationViolationRate'];

/** Axis titles. */
export const METRIC_LABELS: Record<EpochMetric, string> = {
  winRate: 'honest win rate',
  evalWinRate: 'honest win rate (greedy eval)',
  evalMajorityCorrectRate: 'majority-correct rate (greedy eval)',
  verifiedWorstCaseLoss: 'verified worst-case loss',
  consistencyViolationRate: 'consistency violations',
  validityViolationRate: 'validity violations',
  terminationViolationRate: 'termination violations',
  majorityCorrectRate: 'majority-correct rate',
  honestReward: 'honest mean reward',
  adversaryReward: 'adversary mean reward',
  honestEntropy: 'honest policy entropy',
  adversaryEntropy: 'adversary policy entropy',
  honestLoss: 'honest loss',
  adversaryLoss: 'adversary loss',
  valueLoss: 'value loss',
  episodesPerSecond: 'episodes / s',
  agentDecisionsPerSecond: 'agent decisions / s',
  wallSeconds: 'wall seconds',
};

const RATES: ReadonlySet<EpochMetric> = new Set(['winRate', 'evalWinRate', 'evalMajorityCorrectRate', 'verifiedWorstCaseLoss', 'consistencyViolationRate', 'validityViolationRate', 'terminationViolationRate', 'majorityCorrectRate']);

/** Config keys that do not make two runs different experiments (besides the seed). */
const INCIDENTAL_CONFIG_KEYS = new Set(['name', 'seed', 'out', 'outDir', 'dir', 'resume', 'createdAt', 'startedAt', 'time', 'versions', 'packages']);

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  if (values.length === 0) throw new RangeError('meanAndSd: no values');
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  if (values.length === 1) return { mean, sd: 0 };
  const squares = values.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(squares / (values.length - 1)) };
}

/** A group of runs that differ only in seed, with its legend label. */
export interface SeedGroup {
  label: string;
  runs: RunFolder[];
}

/** Groups runs whose configs are equal once the seed, the name and incidental keys are left out. */
export function groupBySeeds(runs: readonly RunFolder[]): SeedGroup[] {
  const byKey = new Map<string, RunFolder[]>();
  for (const run of runs) {
    const key = canonicalJson(Object.fromEntries(Object.entries(run.config).filter(([k]) => !INCIDENTAL_CONFIG_KEYS.has(k))));
    const list = byKey.get(key) ?? [];
    list.push(run);
    byKey.set(key, list);
  }
  const groups = [...byKey.values()].map((list) => ({ base: `${list[0]!.scenario} · ${list[0]!.algo}`, runs: list }));
  // Two different experiments on the same scenario and algorithm (other hyper-parameters) get numbered labels.
  const seen = new Map<string, number>();
  return groups.map(({ base, runs: list }) => {
    const clashes = groups.filter((g) => g.base === base).length > 1;
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    const seeds = `${list.length} seed${list.length === 1 ? '' : 's'}`;
    return { label: clashes ? `${base} #${k} (${seeds})` : `${base} (${seeds})`, runs: list };
  });
}

/** Mean ± sd over the group's runs of one metric at each epoch where at least one run has a value. */
export function seedBand(runs: readonly RunFolder[], metric: EpochMetric, series: string): CurvePoint[] {
  const byEpoch = new Map<number, number[]>();
  for (const run of runs)
    for (const row of run.metrics) {
      const value = row[metric];
      if (value === null) continue;
      const list = byEpoch.get(row.epoch) ?? [];
      list.push(value);
      byEpoch.set(row.epoch, list);
    }
  return [...byEpoch.entries()]
    .sort(([a], [b]) => a - b)
    .map(([epoch, values]) => {
      const { mean, sd } = meanAndSd(values);
      return { series, metric, epoch, value: mean, lower: mean - sd, upper: mean + sd, runs: values.length };
    });
}

/** Builds the spec of the training curves of `runs` (each with at least one epoch). */
export function curvesSpec(runs: readonly RunFolder[], options: CurvesOptions = {}): Curves {
  if (runs.length === 0) throw new ReportError('curves: no runs to plot');
  for (const run of runs) if (run.metrics.length === 0) throw new ReportError(`curves: run ${run.name} (${run.dir}) has no epochs yet`);
  const groupBy = options.groupBy ?? 'run';
  const hasData = (metric: EpochMetric) => runs.some((run) => run.metrics.some((row) => row[metric] !== null));

  let metrics: EpochMetric[];
  if (options.metrics && options.metrics.length > 0) {
    metrics = unique([...options.metrics, ...(options.violations ? VIOLATION_METRICS : [])]);
    const empty = metrics.filter((m) => !hasData(m));
    if (empty.length > 0) throw new ReportError(`curves: no run has a value for ${empty.join(', ')} (runs: ${runs.map((r) => r.name).join(', ')})`);
  } else {
    const wanted = unique([...DEFAULT_CURVE_METRICS, ...(options.violations ? VIOLATION_METRICS : [])]);
    metrics = wanted.filter(hasData);
    if (metrics.length === 0) throw new ReportError(`curves: no run has a value for any of ${wanted.join(', ')} (runs: ${runs.map((r) => r.name).join(', ')})`);
  }

  const points: CurvePoint[] = [];
  let series: string[];
  if (groupBy === 'seeds') {
    const groups = groupBySeeds(runs);
    series = groups.map((g) => g.label);
    for (const group of groups) for (const metric of metrics) points.push(...seedBand(group.runs, metric, group.label));
  } else {
    const names = runNames(runs);
    series = names;
    runs.forEach((run, r) => {
      for (const metric of metrics) points.push(...runPoints(run.metrics, metric, names[r]!));
    });
  }

  const threshold = options.threshold === undefined ? sharedThreshold(runs) : options.threshold;
  if (threshold !== null && !(threshold >= 0 && threshold <= 1)) throw new ReportError(`curves: threshold=${threshold} is not a rate in 0..1`);
  const spec = buildSpec(points, series, metrics, groupBy, options, Math.max(...runs.map((r) => r.metrics.length)), threshold);
  return { spec, points, series, metrics };
}

/** Builds the spec and renders it to SVG text. */
export async function renderCurves(runs: readonly RunFolder[], options: CurvesOptions = {}): Promise<string> {
  const spec = curvesSpec(runs, options).spec;
  // Vega is imported on first use: it takes ~0.3 s to load, which importers of this module need not pay.
  const { vegaLiteToSvg } = await import('./vegaLiteToSvg.js');
  return vegaLiteToSvg(spec);
}

// ---------------------------------------------------------------- internals

function runPoints(rows: readonly EpochRow[], metric: EpochMetric, series: string): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (const row of rows) {
    const value = row[metric];
    if (value !== null) out.push({ series, metric, epoch: row.epoch, value, runs: 1 });
  }
  return out;
}

/** Run names, made unique by the folder where two runs share a name. */
function runNames(runs: readonly RunFolder[]): string[] {
  return runs.map((run) => (runs.filter((other) => other.name === run.name).length > 1 ? `${run.name} (${run.dir})` : run.name));
}

/** The runs' `config.threshold`, if every run has the same one. */
function sharedThreshold(runs: readonly RunFolder[]): number | null {
  const values = new Set(runs.map((run) => run.config['threshold']));
  const [only] = values;
  return values.size === 1 && typeof only === 'number' ? only : null;
}

function buildSpec(
  points: CurvePoint[],
  series: string[],
  metrics: EpochMetric[],
  groupBy: CurveGrouping,
  options: CurvesOptions,
  longestRun: number,
  threshold: number | null,
): TopLevelSpec {
  const width = options.width ?? 520;
  const height = options.height ?? 170;
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: groupBy === 'seeds' ? 'scenario · algorithm (mean ± sd over seeds)' : 'run',
    scale: { domain: series },
    legend: { orient: 'bottom' as const, direction: 'vertical' as const, labelLimit: 480, titleLimit: 480, symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2 },
  };
  const x = { field: 'epoch', type: 'quantitative' as const, title: 'epoch', axis: { tickMinStep: 1 } };
  // Dots on the line only when there are few epochs: a handful of points is easier to read as dots.
  const line = { type: 'line' as const, point: longestRun <= 25, strokeWidth: 1.8 };

  const panels = metrics.map((metric) => {
    const rate = RATES.has(metric);
    const y = {
      field: 'value',
      type: 'quantitative' as const,
      title: METRIC_LABELS[metric],
      ...(rate && { axis: { format: '%' }, scale: { domain: [0, 1] } }),
    };
    // The line comes first so that the shared legend draws its symbol (a stroke, not a pale swatch).
    const layers: object[] = [{ mark: line, encoding: { x, y, color } }];
    if (groupBy === 'seeds')
      layers.push({
        mark: { type: 'area', opacity: 0.18, clip: true },
        encoding: { x, y: { ...y, field: 'lower' }, y2: { field: 'upper' }, color },
      });
    if (threshold !== null && (metric === 'winRate' || metric === 'evalWinRate')) {
      const at = { y: { datum: threshold, type: 'quantitative' as const } };
      const own = { data: { values: [{}] } }; // one mark, not one per data row
      layers.push({ ...own, mark: { type: 'rule', strokeDash: [5, 4], color: '#888', strokeWidth: 1 }, encoding: at });
      layers.push({
        ...own,
        mark: { type: 'text', align: 'right', baseline: 'top', dx: -4, dy: 3, color: '#666', fontSize: 10, x: 'width' },
        encoding: { ...at, text: { value: `threshold ${+(threshold * 100).toFixed(2)}%` } },
      });
    }
    return { width, height, transform: [{ filter: { field: 'metric', equal: metric } }], layer: layers };
  });

  // Built as plain objects; vega-lite's TopLevelSpec union is too deep for TypeScript to check literals against it cheaply.
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title ?? 'training curves', anchor: 'start' },
    data: { values: points },
    vconcat: panels,
    spacing: 18,
    // One epoch axis for every panel, so that a shorter run's curve ends where it ended.
    resolve: { scale: { x: 'shared' } },
    config: { font: 'sans-serif', view: { stroke: '#ddd' }, axis: { grid: true, gridColor: '#eee' } },
  } as TopLevelSpec;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** JSON with object keys sorted, so that equal configs give equal keys whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
