/**
 * What `cgym paper` shows while its runs go: each child run (`cgym train` / `cgym attack`, spawned
 * with an IPC channel) sends its parent one message per epoch; the parent shows, on a terminal, a
 * panel redrawn in place (the runs going, their epoch, the experiment's metric so far, an ETA) and
 * otherwise one line per finished run.
 *
 * The panel is plain ANSI rather than cli-progress's MultiBar: it is one view of one state (a
 * header whose ETA list-schedules the queued runs onto the workers, then a line per running run),
 * which `panelLines` renders as a pure function and a test reads; MultiBar keeps a value, a total
 * and its own smoothed ETA per bar, runs its own redraw timer, and would have the runner create and
 * remove bars as runs start and finish, with the whole-job ETA outside it anyway.
 */
import { epochMeasure, type PaperExperiment, type PaperRun } from '../report/paper.js';
import { RECIPES } from '../train/recipes.js';
import type { EpochMetrics } from '../train/runFolder.js';

// ---------------------------------------------------------------- the child's side

/** One finished epoch of a child run, sent to the parent that spawned it with an IPC channel. */
export interface EpochMessage {
  kind: 'cgym:epoch';
  /** The run's last epoch. */
  epochs: number;
  metrics: EpochMetrics;
}

/** Sends the epoch to the parent process, if there is one listening on an IPC channel (`cgym paper`). */
export function sendEpochToParent(metrics: EpochMetrics, epochs: number): void {
  if (!process.send || !process.connected) return;
  const message: EpochMessage = { kind: 'cgym:epoch', epochs, metrics };
  // Progress is best effort: a send that fails means the parent is gone, and main.ts stops this run then.
  process.send(message, undefined, {}, () => undefined);
}

export function isEpochMessage(message: unknown): message is EpochMessage {
  if (message === null || typeof message !== 'object') return false;
  const m = message as Partial<EpochMessage>;
  return m.kind === 'cgym:epoch' && typeof m.epochs === 'number' && typeof m.metrics === 'object' && m.metrics !== null && typeof m.metrics.epoch === 'number';
}

// ---------------------------------------------------------------- the state the parent keeps

/** A run that has started: spawned, and maybe some epochs in. Times in milliseconds (performance.now()). */
export interface RunningRun {
  experiment: PaperExperiment;
  seed: number;
  startedAt: number;
  /** The last epoch reported (0: none yet) and the run's total (null: not known before its first report). */
  epoch: number;
  epochs: number | null;
  /** The experiment's metric at the last epoch that showed it (report/paper.ts: epochMeasure), or null. */
  measure: number | null;
  /** The first report (epoch, time): epochs per second are measured from it, past the start-up. */
  first: { epoch: number; at: number } | null;
  lastAt: number;
}

export interface PaperProgressState {
  now: number;
  startedAt: number;
  workers: number;
  /** The cores the runs share (more workers than cores: each run goes slower). */
  cores: number;
  /** Runs in all, and finished so far. */
  total: number;
  finished: number;
  /** Finished runs whose metric met the target. */
  met: number;
  running: readonly RunningRun[];
  /** The runs not started yet, in the order they will start. */
  queued: ReadonlyArray<{ experiment: PaperExperiment; seed: number }>;
  /** Wall seconds (start to exit, as the parent saw it) of each finished run, by experiment id. */
  finishedSeconds: ReadonlyMap<string, readonly number[]>;
}

export function startRun(experiment: PaperExperiment, seed: number, now: number): RunningRun {
  return { experiment, seed, startedAt: now, epoch: 0, epochs: null, measure: null, first: null, lastAt: now };
}

/** The run after one more epoch message. */
export function withEpoch(run: RunningRun, message: EpochMessage, now: number): RunningRun {
  const epoch = message.metrics.epoch;
  return {
    ...run,
    epoch,
    epochs: message.epochs,
    measure: epochMeasure(run.experiment, message.metrics) ?? run.measure,
    first: run.first ?? { epoch, at: now },
    lastAt: now,
  };
}

// ---------------------------------------------------------------- estimates

/**
 * Seconds until the run's last epoch, from its epochs per second since its first report (null
 * until two reports are apart). The final evaluation after the last epoch is not in it.
 */
export function runSecondsLeft(run: RunningRun, now: number): number | null {
  if (run.first === null || run.epochs === null || run.epoch <= run.first.epoch || run.lastAt <= run.first.at) return null;
  const epochsPerMs = (run.epoch - run.first.epoch) / (run.lastAt - run.first.at);
  return Math.max(0, (run.epochs - run.epoch) / epochsPerMs - (now - run.lastAt)) / 1000;
}

/**
 * Expected wall seconds of one run of the experiment: the mean of its finished runs, else what its
 * running runs foresee for themselves, else the experiment's `expectedSeconds` (a run alone on a
 * core) stretched by the sharing of the cores among more workers. Finished and running runs were
 * timed under that sharing already.
 */
function expectedRunSeconds(state: PaperProgressState, experiment: PaperExperiment): number {
  const done = state.finishedSeconds.get(experiment.id) ?? [];
  if (done.length > 0) return done.reduce((a, b) => a + b, 0) / done.length;
  const foreseen = state.running
    .filter((r) => r.experiment === experiment)
    .map((r) => {
      const left = runSecondsLeft(r, state.now);
      return left === null ? null : (state.now - r.startedAt) / 1000 + left;
    })
    .filter((s): s is number => s !== null);
  if (foreseen.length > 0) return foreseen.reduce((a, b) => a + b, 0) / foreseen.length;
  return experiment.expectedSeconds * Math.max(1, state.workers / state.cores);
}

/**
 * Seconds until every run has finished: the running runs' own estimates, then the queued runs
 * list-scheduled in their order onto whichever worker frees first, as the runner will start them.
 */
export function secondsLeft(state: PaperProgressState): number {
  const free = state.running.map((r) => runSecondsLeft(r, state.now) ?? Math.max(0, expectedRunSeconds(state, r.experiment) - (state.now - r.startedAt) / 1000));
  while (free.length < state.workers) free.push(0);
  for (const { experiment } of state.queued) {
    const soonest = free.indexOf(Math.min(...free));
    free[soonest]! += expectedRunSeconds(state, experiment);
  }
  return Math.max(0, ...free);
}

// ---------------------------------------------------------------- text

/** `42 s`, `4 min 07 s`, `1 h 02 min`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The line a finished run leaves: `paper: pki seed 2: finalWinRate 100.0% (target ≥ 99.0%): met, 24.7 s`. */
export function finishedLine(experiment: PaperExperiment, run: PaperRun): string {
  const met = run.value >= experiment.threshold ? 'met' : 'not met';
  return `paper: ${experiment.id} seed ${run.seed}: ${experiment.metric} ${pct(run.value)} (target ≥ ${pct(experiment.threshold)}): ${met}, ${run.wallSeconds.toFixed(1)} s`;
}

const BAR_WIDTH = 12;

function bar(done: number): string {
  const full = Math.round(Math.min(1, Math.max(0, done)) * BAR_WIDTH);
  return `[${'█'.repeat(full)}${'░'.repeat(BAR_WIDTH - full)}]`;
}

/** `0:42`, `4:07`, `1:02:03`: a clock, narrow enough for the panel. */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  const mmss = `${Math.floor(s / 60) % 60}:${String(s % 60).padStart(2, '0')}`;
  return s < 3600 ? mmss : `${Math.floor(s / 3600)}:${mmss.padStart(5, '0')}`;
}

/** The metric's name on the panel, short. */
const MEASURE_NAMES: Record<PaperExperiment['metric'], string> = { finalWinRate: 'win', breakRate: 'break', majorityCorrectRate: 'majority-correct' };

/**
 * The panel on a terminal: a header (runs done and met, running, queued, elapsed, left), then a
 * line per running run: its epochs, ETA and the experiment's metric so far beside the target.
 * Every line is cut to `width` columns, so none wraps and a redraw moves up exactly as many lines
 * as it drew.
 */
export function panelLines(state: PaperProgressState, width: number): string[] {
  const elapsed = (state.now - state.startedAt) / 1000;
  const header =
    `paper: ${state.finished}/${state.total} done (${state.met} met), ${state.running.length} running, ${state.queued.length} queued · ` +
    `${clock(elapsed)} elapsed, about ${clock(secondsLeft(state))} left`;
  const idWidth = Math.max(...state.running.map((r) => r.experiment.id.length), 0);
  const rows = state.running.map((run) => {
    const name = `  ${run.experiment.id.padEnd(idWidth)} seed ${run.seed}`;
    if (run.epochs === null) return `${name} starting (${clock((state.now - run.startedAt) / 1000)})`;
    const left = runSecondsLeft(run, state.now);
    // A recipe that stops at its bar (slush-3v2) usually ends long before its epoch cap: the ETA to the cap is an upper bound.
    const eta = run.epoch >= run.epochs ? 'final evaluation' : `ETA ${left === null ? '…' : `${stopsEarly(run.experiment) ? '≤ ' : ''}${clock(left)}`}`;
    const epochs = `${String(run.epoch).padStart(String(run.epochs).length)}/${run.epochs}`;
    const { metric, threshold } = run.experiment;
    const measure = run.measure === null ? '' : `  ${MEASURE_NAMES[metric]} ${pct(run.measure)} (target ${+(100 * threshold).toFixed(1)}%)`;
    return `${name} ${bar(run.epoch / run.epochs)} ${epochs} ${eta}${measure}`;
  });
  return [header, ...rows].map((line) => cut(line, width));
}

/** Whether the experiment's runs stop once their evaluation reaches a bar (a recipe with stopAt). */
function stopsEarly(experiment: PaperExperiment): boolean {
  return experiment.command === 'train' && (RECIPES[experiment.recipe]?.config.stopAt ?? null) !== null;
}

function cut(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

// ---------------------------------------------------------------- the terminal

const CURSOR_HIDE = '\x1b[?25l';
const CURSOR_SHOW = '\x1b[?25h';

/** A block of lines at the bottom of a terminal, redrawn in place; lines logged above it stay. */
export class TerminalPanel {
  private shown = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {
    stream.write(CURSOR_HIDE);
  }

  draw(lines: readonly string[]): void {
    this.stream.write(this.erase() + lines.map((line) => `${line}\n`).join(''));
    this.shown = lines.length;
  }

  /** Writes a line above the panel (the panel is erased; the next draw puts it back). */
  log(line: string): void {
    this.stream.write(`${this.erase()}${line}\n`);
    this.shown = 0;
  }

  /** Erases the panel and gives the cursor back. */
  stop(): void {
    this.stream.write(this.erase() + CURSOR_SHOW);
    this.shown = 0;
  }

  /** Up to the panel's first line, and clear from there down. */
  private erase(): string {
    return this.shown > 0 ? `\x1b[${this.shown}F\x1b[J` : '';
  }
}

// ---------------------------------------------------------------- the runner's display

/** How often the panel redraws (its clocks tick even when no run reports). */
const REDRAW_MS = 250;

/**
 * What `cgym paper` reports while it runs, on `stream` (stderr): a start line and one line per
 * finished run always; on a terminal, also the panel below them, redrawn in place.
 */
export class PaperProgress {
  private readonly startedAt = performance.now();
  private readonly queued: Array<{ experiment: PaperExperiment; seed: number }>;
  private readonly running = new Map<string, RunningRun>();
  private readonly finishedSeconds = new Map<string, number[]>();
  private finished = 0;
  private met = 0;
  private stopped = false;
  private readonly panel: TerminalPanel | null;
  private readonly timer: NodeJS.Timeout | null;

  /** `order`: every run, in the order the runner starts them. */
  constructor(
    order: ReadonlyArray<{ experiment: PaperExperiment; seed: number }>,
    private readonly workers: number,
    private readonly stream: NodeJS.WriteStream,
    private readonly cores: number = workers,
  ) {
    this.queued = [...order];
    const experiments = new Set(order.map((r) => r.experiment.id)).size;
    stream.write(`paper: ${order.length} runs (${experiments} experiments × ${order.length / Math.max(1, experiments)} seeds), ${workers} at a time${workers > cores ? ` sharing ${cores} cores` : ''}, longest first\n`);
    this.panel = stream.isTTY ? new TerminalPanel(stream) : null;
    this.timer = this.panel ? setInterval(() => this.draw(), REDRAW_MS) : null;
    this.timer?.unref();
  }

  start(experiment: PaperExperiment, seed: number): void {
    const at = this.queued.findIndex((r) => r.experiment === experiment && r.seed === seed);
    if (at >= 0) this.queued.splice(at, 1);
    this.running.set(key(experiment, seed), startRun(experiment, seed, performance.now()));
    this.draw();
  }

  epoch(experiment: PaperExperiment, seed: number, message: EpochMessage): void {
    const run = this.running.get(key(experiment, seed));
    if (run) this.running.set(key(experiment, seed), withEpoch(run, message, performance.now()));
  }

  finish(experiment: PaperExperiment, result: PaperRun): void {
    const run = this.running.get(key(experiment, result.seed));
    this.running.delete(key(experiment, result.seed));
    this.finished++;
    if (result.value >= experiment.threshold) this.met++;
    if (run) this.finishedSeconds.set(experiment.id, [...(this.finishedSeconds.get(experiment.id) ?? []), (performance.now() - run.startedAt) / 1000]);
    const line = finishedLine(experiment, result);
    if (this.panel && !this.stopped) {
      this.panel.log(line);
      this.draw();
    } else this.stream.write(`${line}\n`);
  }

  /** Erases the panel (before the table, an error or a signal's message). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.panel?.stop();
  }

  state(): PaperProgressState {
    return {
      now: performance.now(),
      startedAt: this.startedAt,
      workers: this.workers,
      cores: this.cores,
      total: this.finished + this.running.size + this.queued.length,
      finished: this.finished,
      met: this.met,
      running: [...this.running.values()],
      queued: this.queued,
      finishedSeconds: this.finishedSeconds,
    };
  }

  private draw(): void {
    if (!this.stopped) this.panel?.draw(panelLines(this.state(), this.stream.columns || 80));
  }
}

const key = (experiment: PaperExperiment, seed: number) => `${experiment.id}__seed${seed}`;
