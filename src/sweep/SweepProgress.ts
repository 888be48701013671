/**
 * What `cgym sweep` shows while its jobs go, on stderr: a line per finished (or failed) job
 * always; on a terminal also a panel redrawn in place below them (jobs done, running, queued, the
 * elapsed time, and per running job its epochs), drawn with progress.ts's TerminalPanel, which
 * `cgym paper` uses too.
 */
import { clock, TerminalPanel, type EpochMessage } from '../cli/progress.js';
import type { JobObserver } from './runPool.js';
import type { JobResult, SweepJob } from './SweepJob.js';

const REDRAW_MS = 250;
const BAR_WIDTH = 12;

interface Running {
  startedAt: number;
  epoch: number;
  epochs: number | null;
}

/** `finalWinRate 99.2%` for a rate in 0..1, else the number. */
function metricText(metric: string, value: unknown): string {
  if (typeof value !== 'number') return `${metric} —`;
  return /(Rate|Loss)$/.test(metric) && value >= 0 && value <= 1 ? `${metric} ${(100 * value).toFixed(1)}%` : `${metric} ${+value.toPrecision(4)}`;
}

/** The line a finished job leaves: `sweep: lr0.01 n4 seed0: finalWinRate 99.2%, majorityCorrectRate 99.2% (4.1 s)`. */
export function finishedJobLine(source: string, job: SweepJob, result: JobResult, metrics: readonly string[], seconds: number | null): string {
  const shown = metrics.filter((m) => m in result).map((m) => metricText(m, result[m]));
  return `${source}: ${job.label}: ${shown.length > 0 ? shown.join(', ') : 'done'}${seconds === null ? '' : ` (${seconds.toFixed(1)} s)`}`;
}

export class SweepProgress implements JobObserver<SweepJob> {
  private readonly startedAt = performance.now();
  private readonly running = new Map<string, Running>();
  private finished = 0;
  private failed = 0;
  private stopped = false;
  private readonly panel: TerminalPanel | null;
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly total: number,
    private readonly metrics: readonly string[],
    private readonly stream: NodeJS.WriteStream,
    private readonly source = 'sweep',
  ) {
    this.panel = stream.isTTY ? new TerminalPanel(stream) : null;
    this.timer = this.panel ? setInterval(() => this.draw(), REDRAW_MS) : null;
    this.timer?.unref();
  }

  start(job: SweepJob): void {
    this.running.set(job.name, { startedAt: performance.now(), epoch: 0, epochs: null });
    this.draw();
  }

  epoch(job: SweepJob, message: EpochMessage): void {
    const run = this.running.get(job.name);
    if (run) this.running.set(job.name, { ...run, epoch: message.metrics.epoch, epochs: message.epochs });
  }

  finish(job: SweepJob, result: JobResult): void {
    const run = this.running.get(job.name);
    this.running.delete(job.name);
    this.finished++;
    this.log(finishedJobLine(this.source, job, result, this.metrics, run ? (performance.now() - run.startedAt) / 1000 : null));
  }

  fail(job: SweepJob, error: Error): void {
    this.running.delete(job.name);
    this.failed++;
    // The runner's message names the job and the child's own line its program: both said here already.
    const reason = error.message.startsWith(`${this.source}: ${job.label} failed: `) ? error.message.slice(`${this.source}: ${job.label} failed: `.length).replace(/^cgym: /, '') : error.message;
    this.log(`${this.source}: ${job.label}: FAILED: ${reason}`);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.panel?.stop();
  }

  private log(line: string): void {
    if (this.panel && !this.stopped) {
      this.panel.log(line);
      this.draw();
    } else this.stream.write(`${line}\n`);
  }

  /** The panel: a header, then a line per running job. */
  lines(width: number): string[] {
    const now = performance.now();
    const queued = this.total - this.finished - this.failed - this.running.size;
    const header = `${this.source}: ${this.finished}/${this.total} done${this.failed > 0 ? `, ${this.failed} failed` : ''}, ${this.running.size} running, ${queued} queued · ${clock((now - this.startedAt) / 1000)} elapsed`;
    const rows = [...this.running].map(([name, run]) => {
      if (run.epochs === null) return `  ${name} starting (${clock((now - run.startedAt) / 1000)})`;
      const full = Math.round(Math.min(1, run.epoch / run.epochs) * BAR_WIDTH);
      return `  ${name} [${'█'.repeat(full)}${'░'.repeat(BAR_WIDTH - full)}] ${run.epoch}/${run.epochs}`;
    });
    return [header, ...rows].map((line) => ([...line].length <= width ? line : `${[...line].slice(0, width - 1).join('')}…`));
  }

  private draw(): void {
    if (!this.stopped) this.panel?.draw(this.lines(this.stream.columns || 80));
  }
}
