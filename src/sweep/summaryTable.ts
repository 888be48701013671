/**
 * The table at the end of a sweep: per cell (a job's name without its seed), each metric's mean ±
 * sd over the cell's seeds (sample sd, n − 1; 0 for one seed). A rate (a field named …Rate or
 * …Loss, every value in 0..1) shows as a percentage.
 */
import type { JobResult, SweepJob } from './SweepJob.js';

export interface CellSummary {
  cell: string;
  kind: string;
  /** Finished jobs in the cell, of all. */
  finished: number;
  jobs: number;
  /** Per metric: mean and sd over the finished jobs that report it, with how many did (n). */
  metrics: Record<string, { mean: number; sd: number; n: number } | null>;
}

export function summarise(jobs: readonly SweepJob[], results: ReadonlyMap<string, JobResult>, metrics: readonly string[]): CellSummary[] {
  const cells = new Map<string, SweepJob[]>();
  for (const job of jobs) cells.set(job.cell, [...(cells.get(job.cell) ?? []), job]);
  return [...cells].map(([cell, members]) => {
    const done = members.map((job) => results.get(job.name)).filter((r): r is JobResult => r !== undefined);
    const stats = Object.fromEntries(
      metrics.map((metric) => {
        const values = done.map((r) => r[metric]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
        return [metric, values.length === 0 ? null : meanSd(values)];
      }),
    );
    return { cell, kind: [...new Set(members.map((j) => j.kind))].join('/'), finished: done.length, jobs: members.length, metrics: stats };
  });
}

function meanSd(values: readonly number[]): { mean: number; sd: number; n: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

const isRate = (metric: string, cells: readonly CellSummary[]): boolean =>
  /(Rate|Loss)$/.test(metric) && cells.every((c) => c.metrics[metric] === null || (c.metrics[metric]!.mean >= 0 && c.metrics[metric]!.mean <= 1));

function shown(value: number, rate: boolean): string {
  if (rate) return `${(100 * value).toFixed(1)}%`;
  return Math.abs(value) >= 100 ? value.toFixed(1) : String(+value.toPrecision(4));
}

/** The table in Markdown: | cell | kind | seeds | metric … |. */
export function summaryTable(cells: readonly CellSummary[], metrics: readonly string[]): string {
  const rates = metrics.map((m) => isRate(m, cells));
  const lines = [`| cell | kind | jobs done | ${metrics.map((m) => `${m} (mean ± sd)`).join(' | ')} |`, `|---|---|---:|${metrics.map(() => '---:|').join('')}`];
  for (const c of cells) {
    const values = metrics.map((m, k) => {
      const s = c.metrics[m];
      return s === null || s === undefined ? '—' : `${shown(s.mean, rates[k]!)} ± ${shown(s.sd, rates[k]!)}${s.n < c.finished ? ` (${s.n} of ${c.finished})` : ''}`;
    });
    lines.push(`| ${c.cell} | ${c.kind} | ${c.finished}/${c.jobs} | ${values.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
