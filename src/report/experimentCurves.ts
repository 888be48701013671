/**
 * The figure of one of the paper's experiments (report/paper.ts): the metric the experiment is
 * judged by, per epoch, mean ± sd over its seeds, with its target as a rule and the final greedy
 * evaluation (the number in the results table) as a diamond at the judged policy's epoch; and, where the runs
 * were verified (`train --verify-every`), the verified worst-case loss with its target of 0.
 *
 * | judged by (`experiment.metric`) | per-epoch curve | why that one |
 * |---|---|---|
 * | `finalWinRate` | `evalWinRate` (else `winRate`) | the greedy evaluation, as the final one |
 * | `breakRate` | `evalBreakRate` (else `breakRate`) | an attack's break rate is 1 − the honest win rate |
 * | `majorityCorrectRate` | `evalMajorityCorrectRate` (else `majorityCorrectRate`: runs from before it was recorded) | the greedy evaluation, as the final one |
 */
import { metricValue, type CurveMetric, type CurvesOptions, type CurveTarget } from './curves.js';
import type { PaperExperiment } from './paper.js';
import type { RunFolder } from './runFolder.js';

/** The per-epoch curves that follow an experiment's metric, the greedy one first. */
const JUDGED_CURVES: Record<PaperExperiment['metric'], readonly CurveMetric[]> = {
  finalWinRate: ['evalWinRate', 'winRate'],
  breakRate: ['evalBreakRate', 'breakRate'],
  majorityCorrectRate: ['evalMajorityCorrectRate', 'majorityCorrectRate'],
};

/** What `renderCurves` draws for `experiment` over its seeds' `runs`. */
export function experimentCurvesOptions(experiment: PaperExperiment, runs: readonly RunFolder[]): CurvesOptions {
  const hasData = (metric: CurveMetric) => runs.some((run) => run.metrics.some((row) => metricValue(row, metric) !== null));
  const candidates = JUDGED_CURVES[experiment.metric];
  const judged = candidates.find(hasData) ?? candidates[0]!;
  const metrics: CurveMetric[] = [judged];
  const targets: Partial<Record<CurveMetric, CurveTarget>> = { [judged]: { value: experiment.threshold, direction: 'atLeast' } };
  if (hasData('verifiedWorstCaseLoss')) {
    metrics.push('verifiedWorstCaseLoss');
    targets.verifiedWorstCaseLoss = { value: 0, direction: 'atMost' };
  }
  const seeds = `${runs.length} seed${runs.length === 1 ? '' : 's'}`;
  return {
    groupBy: 'seeds',
    metrics,
    targets,
    threshold: null,
    finals: true,
    title: `${experiment.id}: ${experiment.target}`,
    subtitle: `per epoch: mean ± sd over ${seeds}; the results table judges ◆`,
  };
}
