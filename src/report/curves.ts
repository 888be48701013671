/**
 * Training curves — the seed paper's figures: honest win rate and both sides' rewards per epoch,
 * several runs overlaid, one panel per metric stacked vertically, as a Vega-Lite spec (plain data,
 * so tests and the dashboard can read it) and rendered headless to SVG.
 *
 * A panel may carry a target (a dashed rule labelled "target ≥ 95%") and, where the runs have
 * finished, the final greedy evaluation of `summary.json` as a diamond at the epoch of the policy it
 * judged (the kept best one, `bestEpoch`, else the last): the number a run is judged by, which a per-epoch curve of the sampled policy can sit well below.
 *
 * Two ways to overlay runs:
 * - `run`: one line per run, coloured by run name;
 * - `seeds`: runs whose configs differ only in seed (and name) form one series, coloured by
 *   scenario and algorithm: a line through the mean over seeds and a band of mean ± sd.
 */
import type { TopLevelSpec } from 'vega-lite';
import { ReportError } from './ReportError.js';
import { EPOCH_METRICS, type EpochRow, type EpochMetric, type RunFolder } from './runFolder.js';

export type CurveGrouping = 'run' | 'seeds';

/**
 * Per-epoch values computed from the trainer's: an attack's break rate is the adversary's win rate,
 * 1 − the honest win rate (GAME.md §9: the adversary wins every episode the honest side does not).
 */
export const DERIVED_METRICS = {
  breakRate: (row: EpochRow) => (row.winRate === null ? null : 1 - row.winRate),
  evalBreakRate: (row: EpochRow) => (row.evalWinRate === null ? null : 1 - row.evalWinRate),
} as const satisfies Record<string, (row: EpochRow) => number | null>;
export type DerivedMetric = keyof typeof DERIVED_METRICS;

/** What a panel can plot: a metric of `metrics.jsonl`, or one derived from them. */
export type CurveMetric = EpochMetric | DerivedMetric;
export const CURVE_METRICS: readonly CurveMetric[] = [...EPOCH_METRICS, ...(Object.keys(DERIVED_METRICS) as DerivedMetric[])];

export function isCurveMetric(key: string): key is CurveMetric {
  return (CURVE_METRICS as readonly string[]).includes(key);
}

/** The value of `metric` in one epoch's row (null: not measured that epoch). */
export function metricValue(row: EpochRow, metric: CurveMetric): number | null {
  return isDerived(metric) ? DERIVED_METRICS[metric](row) : row[metric];
}

/** A value a panel's metric should reach: at least it (a win rate) or at most it (a loss). */
export interface CurveTarget {
  value: number;
  direction: 'atLeast' | 'atMost';
}

export interface CurvesOptions {
  /** Metrics to plot, one panel each; default `DEFAULT_CURVE_METRICS` (those with data). */
  metrics?: readonly CurveMetric[];
  /** Also plot the three violation rates (consistency, validity, termination). */
  violations?: boolean;
  /** `run` (default): a line per run; `seeds`: mean ± sd over runs that differ only in seed. */
  groupBy?: CurveGrouping;
  /** Chart title (default "training curves"). */
  title?: string;
  /**
   * Smaller title lines under the title (default none). Keep each under ~60 characters: headless
   * Vega estimates text widths generously and widens the figure to fit.
   */
  subtitle?: string | readonly string[];
  /**
   * Win rate the run aims at, drawn as a dashed rule on the win-rate panels; default: the runs'
   * `config.threshold` when they all agree; null: none.
   */
  threshold?: number | null;
  /**
   * Targets per metric, each drawn as a labelled dashed rule and named in its panel's title
   * (a win-rate target here replaces `threshold` on that panel).
   */
  targets?: Partial<Record<CurveMetric, CurveTarget>>;
  /**
   * Also mark each series' final greedy evaluation (`summary.json`) at the judged policy's epoch, on the
   * panels whose metric it reports (win, break, majority-correct and violation rates); runs without
   * a summary are left out of it. Default false.
   */
  finals?: boolean;
  /** Size of one panel in pixels (default 520 × 170). */
  width?: number;
  height?: number;
}

/** One plotted point: the value of a metric at an epoch for a series (a run, or a group of seeds). */
export interface CurvePoint {
  series: string;
  metric: CurveMetric;
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
  metrics: CurveMetric[];
  /**
   * The final greedy evaluations marked (empty unless `finals`), at the epoch of the policy judged
   * (a run's kept best, else its last); a group's seeds judged at different epochs get one each.
   */
  finals: CurvePoint[];
}

export const DEFAULT_CURVE_METRICS: readonly CurveMetric[] = ['winRate', 'evalWinRate', 'honestReward', 'adversaryReward'];
export const VIOLATION_METRICS: readonly CurveMetric[] = ['consistencyViolationRate', 'validityViolationRate', 'terminationViolationRate'];

/** Axis titles. */
export const METRIC_LABELS: Record<CurveMetric, string> = {
  winRate: 'honest win rate (training)',
  evalWinRate: 'honest win rate (greedy eval)',
  evalMajorityCorrectRate: 'majority-correct rate (greedy eval)',
  breakRate: 'break rate (training)',
  evalBreakRate: 'break rate (greedy eval)',
  verifiedWorstCaseLoss: 'verified worst-case loss',
  consistencyViolationRate: 'consistency violations',
  validityViolationRate: 'validity violations',
  terminationViolationRate: 'termination violations',
  majorityCorrectRate: 'majority-correct rate (training)',
  honestReward: 'honest mean reward',
  adversaryReward: 'adversary mean reward',
  honestEntropy: 'honest policy entropy',
  adversaryEntropy: 'adversary policy entropy',
  honestLoss: 'honest loss',
  adversaryLoss: 'adversary loss',
  valueLoss: 'value loss',
  majorityLoss: 'majority head loss (auxiliary)',
  episodesPerSecond: 'episodes / s',
  agentDecisionsPerSecond: 'agent decisions / s',
  wallSeconds: 'wall seconds',
};

const RATES: ReadonlySet<CurveMetric> = new Set(['winRate', 'evalWinRate', 'evalMajorityCorrectRate', 'breakRate', 'evalBreakRate', 'verifiedWorstCaseLoss', 'consistencyViolationRate', 'validityViolationRate', 'terminationViolationRate', 'majorityCorrectRate']);

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
export function seedBand(runs: readonly RunFolder[], metric: CurveMetric, series: string): CurvePoint[] {
  const byEpoch = new Map<number, number[]>();
  for (const run of runs)
    for (const row of run.metrics) {
      const value = metricValue(row, metric);
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
  const hasData = (metric: CurveMetric) => runs.some((run) => run.metrics.some((row) => metricValue(row, metric) !== null));

  let metrics: CurveMetric[];
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
  const finals: CurvePoint[] = [];
  const finalsWanted = options.finals ? metrics.filter((m) => FINAL_VALUES[m] !== undefined) : [];
  let series: string[];
  if (groupBy === 'seeds') {
    const groups = groupBySeeds(runs);
    series = groups.map((g) => g.label);
    for (const group of groups) {
      for (const metric of metrics) points.push(...seedBand(group.runs, metric, group.label));
      for (const metric of finalsWanted) finals.push(...finalPoint(group.runs, metric, group.label));
    }
  } else {
    const names = runNames(runs);
    series = names;
    runs.forEach((run, r) => {
      for (const metric of metrics) points.push(...runPoints(run.metrics, metric, names[r]!));
      for (const metric of finalsWanted) finals.push(...finalPoint([run], metric, names[r]!));
    });
  }

  const threshold = options.threshold === undefined ? sharedThreshold(runs) : options.threshold;
  if (threshold !== null && !(threshold >= 0 && threshold <= 1)) throw new ReportError(`curves: threshold=${threshold} is not a rate in 0..1`);
  const targets = panelTargets(metrics, threshold, options.targets ?? {});
  const finalEpisodes = new Set(runs.map((run) => run.summary?.['finalEpisodes']).filter((n) => typeof n === 'number'));
  const subtitle = [options.subtitle ?? []].flat();
  // The diamond has no legend of its own (a second legend doubles the figure's width): a subtitle line says what it is.
  if (finals.length > 0) subtitle.push(`◆ final greedy evaluation${finalEpisodes.size === 1 ? `, ${[...finalEpisodes][0]!.toLocaleString('en-US')} fresh episodes` : ''}`);
  const spec = buildSpec(points, finals, series, metrics, groupBy, { ...options, subtitle }, Math.max(...runs.map((r) => r.metrics.length)), targets);
  return { spec, points, series, metrics, finals };
}

/** "target ≥ 95%", "target ≤ 5%", "target 0%" (at most nothing: exactly nothing). */
export function targetLabel(target: CurveTarget): string {
  const percent = `${+(target.value * 100).toFixed(2)}%`;
  if (target.direction === 'atMost' && target.value === 0) return `target ${percent}`;
  return `target ${target.direction === 'atLeast' ? '≥' : '≤'} ${percent}`;
}

/** Builds the spec and renders it to SVG text. */
export async function renderCurves(runs: readonly RunFolder[], options: CurvesOptions = {}): Promise<string> {
  const spec = curvesSpec(runs, options).spec;
  // Vega is imported on first use: it takes ~0.3 s to load, which importers of this module need not pay.
  const { vegaLiteToSvg } = await import('./vegaLiteToSvg.js');
  return vegaLiteToSvg(spec);
}

// ---------------------------------------------------------------- internals

function isDerived(metric: CurveMetric): metric is DerivedMetric {
  return Object.hasOwn(DERIVED_METRICS, metric);
}

/**
 * The final greedy evaluation's value of a metric in a run's `summary.json` (undefined: the summary
 * does not report that metric; the per-epoch verified loss, for one, is already its own last point).
 */
const FINAL_VALUES: Partial<Record<CurveMetric, (summary: Record<string, unknown>) => unknown>> = {
  winRate: (s) => s['finalWinRate'],
  evalWinRate: (s) => s['finalWinRate'],
  breakRate: (s) => (typeof s['finalWinRate'] === 'number' ? 1 - s['finalWinRate'] : null),
  evalBreakRate: (s) => (typeof s['finalWinRate'] === 'number' ? 1 - s['finalWinRate'] : null),
  majorityCorrectRate: (s) => s['majorityCorrectRate'],
  evalMajorityCorrectRate: (s) => s['majorityCorrectRate'],
  consistencyViolationRate: (s) => s['consistencyViolationRate'],
  validityViolationRate: (s) => s['validityViolationRate'],
  terminationViolationRate: (s) => s['terminationViolationRate'],
};

/** Mean ± sd of the runs' final evaluations of `metric`, at the latest last epoch among them (none if no run has one). */
function finalPoint(runs: readonly RunFolder[], metric: CurveMetric, series: string): CurvePoint[] {
  const read = FINAL_VALUES[metric]!;
  const finished = runs.flatMap((run) => {
    const value = run.summary === null ? null : read(run.summary);
    return typeof value === 'number' && Number.isFinite(value) ? [{ value, epoch: judgedEpoch(run) }] : [];
  });
  if (finished.length === 0) return [];
  // Runs that kept their best policy are judged at different epochs: a diamond each, where it was judged.
  if (new Set(finished.map((f) => f.epoch)).size > 1) return finished.map(({ value, epoch }) => ({ series, metric, epoch, value, lower: value, upper: value, runs: 1 }));
  const { mean, sd } = meanAndSd(finished.map((f) => f.value));
  return [{ series, metric, epoch: finished[0]!.epoch, value: mean, lower: mean - sd, upper: mean + sd, runs: finished.length }];
}

/** The epoch of the policy the final evaluation judged: the kept best one (`bestEpoch`), else the last. */
function judgedEpoch(run: RunFolder): number {
  const best = run.summary?.['bestEpoch'];
  return typeof best === 'number' ? best : run.metrics.at(-1)!.epoch;
}

/** Each panel's target: the explicit one, else the win-rate threshold on the win-rate panels. */
function panelTargets(metrics: readonly CurveMetric[], threshold: number | null, explicit: Partial<Record<CurveMetric, CurveTarget>>): Map<CurveMetric, CurveTarget> {
  const targets = new Map<CurveMetric, CurveTarget>();
  for (const [metric, target] of Object.entries(explicit) as Array<[CurveMetric, CurveTarget]>) {
    if (!metrics.includes(metric)) throw new ReportError(`curves: a target for ${metric}, which is not plotted (plotted: ${metrics.join(', ')})`);
    if (RATES.has(metric) && !(target.value >= 0 && target.value <= 1)) throw new ReportError(`curves: target ${metric}=${target.value} is not a rate in 0..1`);
    targets.set(metric, target);
  }
  if (threshold !== null)
    for (const metric of ['winRate', 'evalWinRate'] as const) if (metrics.includes(metric) && !targets.has(metric)) targets.set(metric, { value: threshold, direction: 'atLeast' });
  return targets;
}

function runPoints(rows: readonly EpochRow[], metric: CurveMetric, series: string): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (const row of rows) {
    const value = metricValue(row, metric);
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

/**
 * The y range of a rate panel with a target: from 0 to 100% a 95% target and a 93.6% plateau are
 * one line. So the range is cut to what the curves, their bands, the final marks and the target
 * span, on 5% steps, never narrower than 10%.
 */
export function rateDomain(metric: CurveMetric, target: CurveTarget, points: readonly CurvePoint[], finals: readonly CurvePoint[]): [number, number] {
  let low = target.value;
  let high = target.value;
  for (const p of [...points, ...finals]) {
    if (p.metric !== metric) continue;
    low = Math.min(low, p.value, p.lower ?? p.value);
    high = Math.max(high, p.value, p.upper ?? p.value);
  }
  let from = Math.max(0, Math.floor(low * 20 - 1e-9) / 20);
  let to = Math.min(1, Math.ceil(high * 20 + 1e-9) / 20);
  if (to - from < 0.1) {
    if (to >= 1) from = Math.max(0, to - 0.1);
    else to = Math.min(1, from + 0.1);
  }
  return [from, to];
}

function buildSpec(
  points: CurvePoint[],
  finals: CurvePoint[],
  series: string[],
  metrics: CurveMetric[],
  groupBy: CurveGrouping,
  options: CurvesOptions,
  longestRun: number,
  targets: ReadonlyMap<CurveMetric, CurveTarget>,
): TopLevelSpec {
  const width = options.width ?? 520;
  const height = options.height ?? 170;
  const legend = { orient: 'bottom' as const, direction: 'vertical' as const, labelLimit: 480, titleLimit: 480 };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: groupBy === 'seeds' ? 'scenario · algorithm (mean ± sd over seeds)' : 'run',
    scale: { domain: series },
    legend: { ...legend, symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2 },
  };
  // From 0, so that a curve only measured every few epochs (a greedy evaluation) starts where training did.
  const x = { field: 'epoch', type: 'quantitative' as const, title: 'epoch', axis: { tickMinStep: 1 }, scale: { zero: true } };
  // Dots on the line only when there are few epochs: a handful of points is easier to read as dots.
  const line = { type: 'line' as const, point: longestRun <= 25, strokeWidth: 1.8 };

  const panels = metrics.map((metric) => {
    const rate = RATES.has(metric);
    const target = targets.get(metric);
    const y = {
      field: 'value',
      type: 'quantitative' as const,
      title: METRIC_LABELS[metric],
      ...(rate && { axis: { format: '%' }, scale: { domain: target ? rateDomain(metric, target, points, finals) : [0, 1] } }),
    };
    // The line comes first so that the shared legend draws its symbol (a stroke, not a pale swatch).
    const layers: object[] = [{ mark: line, encoding: { x, y, color } }];
    if (groupBy === 'seeds')
      layers.push({
        mark: { type: 'area', opacity: 0.18, clip: true },
        encoding: { x, y: { ...y, field: 'lower' }, y2: { field: 'upper' }, color },
      });
    const own = (values: object[]) => ({ data: { values } }); // marks of their own data, not one per curve point
    if (target) {
      const at = { y: { datum: target.value, type: 'quantitative' as const } };
      // The label sits inside the plot at the left, where a curve heading for its target has not got
      // to yet: under a rule near the top, over one near the bottom.
      const below = target.value >= 0.5;
      layers.push({ ...own([{}]), mark: { type: 'rule', strokeDash: [6, 4], color: '#555', strokeWidth: 1.2 }, encoding: at });
      layers.push({
        ...own([{}]),
        mark: { type: 'text', align: 'left', baseline: below ? 'top' : 'bottom', dx: 4, dy: below ? 3 : -3, color: '#444', fontSize: 10, fontWeight: 'bold', x: 0 },
        encoding: { ...at, text: { value: targetLabel(target) } },
      });
    }
    const marked = finals.filter((p) => p.metric === metric);
    if (marked.length > 0) {
      if (groupBy === 'seeds') layers.push({ ...own(marked), mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'lower' }, y2: { field: 'upper' }, color } });
      layers.push({ ...own(marked), mark: { type: 'point', shape: 'diamond', filled: true, size: 90, opacity: 1, stroke: 'white', strokeWidth: 1 }, encoding: { x, y, color } });
    }
    const title = target ? { title: { text: `${METRIC_LABELS[metric]} · ${targetLabel(target)}`, anchor: 'start' as const, fontSize: 12, offset: 6 } } : {};
    return { ...title, width, height, transform: [{ filter: { field: 'metric', equal: metric } }], layer: layers };
  });

  // Built as plain objects; vega-lite's TopLevelSpec union is too deep for TypeScript to check literals against it cheaply.
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: options.title ?? 'training curves', anchor: 'start', ...(options.subtitle !== undefined && options.subtitle.length > 0 && { subtitle: options.subtitle, subtitleColor: '#444', subtitleFontSize: 11, subtitleLineHeight: 15, subtitlePadding: 4 }) },
    data: { values: points },
    vconcat: panels,
    spacing: 24,
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
