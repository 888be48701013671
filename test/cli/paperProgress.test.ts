// What `cgym paper` shows while it runs (src/cli/progress.ts) and the order it starts its runs in:
// the panel as a pure function of the runner's state, the ETA's list scheduling, the lines a
// finished run leaves, the terminal redraw, and the epochs a child run sends over its IPC channel.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { longestFirst, paperWorkers } from '../../src/cli/commands/paper.js';
import {
  clock, finishedLine, isEpochMessage, panelLines, runSecondsLeft, secondsLeft, startRun, TerminalPanel, withEpoch,
  type EpochMessage, type PaperProgressState, type RunningRun,
} from '../../src/cli/progress.js';
import { PAPER_EXPERIMENTS, type PaperExperiment } from '../../src/report/paper.js';
import type { EpochMetrics } from '../../src/train/runFolder.js';
import { ROOT } from './cgym.js';

const experiment = (id: string): PaperExperiment => PAPER_EXPERIMENTS.find((e) => e.id === id)!;
const HONEST = experiment('honest-consensus');
const BREAKING = experiment('byzantine-breaking');
const SLUSH = experiment('slush-3v2');
const PKI = experiment('pki');

function metrics(epoch: number, over: Partial<EpochMetrics> = {}): EpochMetrics {
  return {
    epoch, winRate: 0.5, consistencyViolationRate: 0, validityViolationRate: 0, terminationViolationRate: 0, majorityCorrectRate: 0.5,
    honestReward: 0, adversaryReward: null, honestEntropy: null, adversaryEntropy: null, honestLoss: null, adversaryLoss: null, valueLoss: null, majorityLoss: null,
    evalWinRate: null, evalMajorityCorrectRate: null, verifiedWorstCaseLoss: null, episodesPerSecond: null, agentDecisionsPerSecond: null, wallSeconds: null, ...over,
  };
}

const message = (epochs: number, epoch: number, over: Partial<EpochMetrics> = {}): EpochMessage => ({ kind: 'cgym:epoch', epochs, metrics: metrics(epoch, over) });

/** A run started at `startedAt` s that reported epochs `first` (at `firstAt` s) and `epoch` (at `lastAt` s) of `epochs`. */
function running(e: PaperExperiment, seed: number, at: { startedAt: number; first: number; firstAt: number; epoch: number; lastAt: number; epochs: number }, over: Partial<EpochMetrics> = {}): RunningRun {
  const started = startRun(e, seed, at.startedAt * 1000);
  return withEpoch(withEpoch(started, message(at.epochs, at.first, over), at.firstAt * 1000), message(at.epochs, at.epoch, over), at.lastAt * 1000);
}

function state(over: Partial<PaperProgressState>): PaperProgressState {
  return { now: 0, startedAt: 0, workers: 2, cores: 2, total: 0, finished: 0, met: 0, running: [], queued: [], finishedSeconds: new Map(), ...over };
}

const allRuns = (seeds: number) => PAPER_EXPERIMENTS.flatMap((e) => Array.from({ length: seeds }, (_, seed) => ({ experiment: e, seed })));

describe('longestFirst', () => {
  it('starts the longest experiments first, then the experiments\' order and the seeds', () => {
    const order = longestFirst(allRuns(2)).map((j) => `${j.experiment.id}/${j.seed}`);
    expect(order).toEqual([
      'slush-3v2/0', 'slush-3v2/1', 'pki/0', 'pki/1', 'slush-4v1/0', 'slush-4v1/1',
      'honest-consensus/0', 'honest-consensus/1', 'byzantine-breaking/0', 'byzantine-breaking/1',
    ]);
  });

  it('on 2 workers the 3-seed paper takes the least possible time: the 3 longest runs, two abreast, and everything else beside them', () => {
    const queued = longestFirst(allRuns(3));
    const expected = 2 * SLUSH.expectedSeconds; // 3 runs of the longest on 2 cores: two back to back on one
    expect(secondsLeft(state({ queued }))).toBe(expected);
    // The experiments' own order starts the longest last, and the third of them then finishes alone.
    expect(secondsLeft(state({ queued: allRuns(3) }))).toBeGreaterThan(expected);
  });
});

describe('paperWorkers', () => {
  it('starts every run of the longest experiment at once when they outnumber the cores, else one run per core', () => {
    expect(paperWorkers(allRuns(3), 2)).toBe(3); // 3 slush-3v2 seeds share 2 cores: 1.5·T, not 2·T
    expect(paperWorkers(allRuns(5), 2)).toBe(5);
    expect(paperWorkers(allRuns(3), 4)).toBe(4);
    expect(paperWorkers(allRuns(1), 2)).toBe(2);
    expect(paperWorkers(allRuns(3).slice(0, 1), 8)).toBe(1); // never more workers than runs
  });

  it('the ETA of runs not yet timed stretches their expected seconds by the sharing of the cores', () => {
    const queued = longestFirst(allRuns(3)).filter((r) => r.experiment === SLUSH);
    expect(secondsLeft(state({ queued, workers: 3, cores: 2 }))).toBe(1.5 * SLUSH.expectedSeconds);
    expect(secondsLeft(state({ queued, workers: 2, cores: 2 }))).toBe(2 * SLUSH.expectedSeconds);
  });
});

describe('estimates', () => {
  it('a run\'s ETA comes from its epochs per second since its first report, less the time since its last', () => {
    // epochs 1 → 11 in 10 s: 1 epoch/s; 89 epochs left, reported 2 s ago.
    const run = running(SLUSH, 0, { startedAt: 0, first: 1, firstAt: 5, epoch: 11, lastAt: 15, epochs: 100 });
    expect(runSecondsLeft(run, 17_000)).toBeCloseTo(87);
    expect(runSecondsLeft(startRun(SLUSH, 0, 0), 17_000)).toBeNull();
  });

  it('the whole ETA list-schedules the queued runs on the worker that frees first, with durations measured by finished runs', () => {
    const slush = running(SLUSH, 0, { startedAt: 0, first: 1, firstAt: 5, epoch: 11, lastAt: 15, epochs: 100 }); // 89 s left at 15 s
    const s = state({
      now: 15_000, running: [slush], workers: 2,
      queued: [{ experiment: PKI, seed: 0 }, { experiment: PKI, seed: 1 }, { experiment: PKI, seed: 2 }],
      finishedSeconds: new Map([['pki', [30, 50]]]), // 40 s each
    });
    // The idle worker takes pki 0 (0–40) and pki 1 (40–80); pki 2 the first free again, at 80 s (slush's at 89): 120 s.
    expect(secondsLeft(s)).toBeCloseTo(120);
  });

  it('before any run of an experiment finished, its running runs\' own forecast sizes the queued ones, else its expectedSeconds', () => {
    const slush = running(SLUSH, 0, { startedAt: 0, first: 1, firstAt: 5, epoch: 11, lastAt: 15, epochs: 100 }); // 89 s left at 15 s: 104 s in all
    const queued = [{ experiment: SLUSH, seed: 1 }];
    expect(secondsLeft(state({ now: 15_000, running: [slush], queued, workers: 1 }))).toBeCloseTo(89 + 104);
    expect(secondsLeft(state({ queued, workers: 1 }))).toBe(SLUSH.expectedSeconds);
  });
});

describe('the judged metric as the epochs show it', () => {
  it('the greedy win rate for the win and break rates (kept between evaluations), the batch\'s majority-correct rate for slush', () => {
    const honest = withEpoch(withEpoch(startRun(HONEST, 0, 0), message(100, 5, { evalWinRate: 0.9 }), 1), message(100, 6), 2);
    expect(honest.measure).toBe(0.9);
    expect(withEpoch(startRun(BREAKING, 0, 0), message(100, 5, { evalWinRate: 0.52 }), 1).measure).toBeCloseTo(0.48);
    expect(withEpoch(startRun(SLUSH, 0, 0), message(600, 1, { majorityCorrectRate: 0.7, evalWinRate: 0.2 }), 1).measure).toBe(0.7);
  });

  it('only a well-formed epoch message counts', () => {
    expect(isEpochMessage(message(10, 1))).toBe(true);
    expect(isEpochMessage({ kind: 'cgym:epoch', epochs: 10 })).toBe(false);
    expect(isEpochMessage('cgym:epoch')).toBe(false);
  });
});

describe('panelLines', () => {
  const slush = running(SLUSH, 2, { startedAt: 10, first: 1, firstAt: 12, epoch: 312, lastAt: 299, epochs: 600 }, { majorityCorrectRate: 0.961 });
  const breaking = running(BREAKING, 0, { startedAt: 290, first: 1, firstAt: 291, epoch: 40, lastAt: 299.5, epochs: 100 }, { evalWinRate: 0.52 });
  const s = state({ now: 300_000, total: 15, finished: 12, met: 11, running: [slush, breaking], queued: [{ experiment: HONEST, seed: 2 }] });

  it('a header with the runs done, met, running, queued, elapsed and left; a line per running run with epochs, ETA (an upper bound, ≤, where the run stops at a bar) and its metric beside the target', () => {
    const lines = panelLines(s, 200);
    expect(lines[0]).toBe(`paper: 12/15 done (11 met), 2 running, 1 queued · 5:00 elapsed, about ${clock(secondsLeft(s))} left`);
    expect(lines[1]).toMatch(/^ {2}slush-3v2 {10}seed 2 \[██████░░░░░░\] 312\/600 ETA ≤ 4:\d\d {2}majority-correct 96\.1% \(target 95%\)$/);
    expect(lines[2]).toMatch(/^ {2}byzantine-breaking seed 0 \[█████░░░░░░░\] {2}40\/100 ETA 0:1\d {2}break 48\.0% \(target 49%\)$/);
    expect(lines).toHaveLength(3);
  });

  it('a run that has not reported yet is starting; one past its last epoch is in its final evaluation', () => {
    const lines = panelLines(state({ now: 4_000, running: [startRun(PKI, 1, 1_000), running(HONEST, 0, { startedAt: 0, first: 1, firstAt: 1, epoch: 100, lastAt: 3, epochs: 100 })] }), 200);
    expect(lines[1]).toBe('  pki              seed 1 starting (0:03)');
    expect(lines[2]).toMatch(/^ {2}honest-consensus seed 0 \[█{12}\] 100\/100 final evaluation$/);
  });

  it('cuts every line to the terminal\'s width, so none wraps', () => {
    const lines = panelLines(s, 40);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(40);
    expect(lines[1]!.endsWith('…')).toBe(true);
  });

  it('clocks: m:ss, and h:mm:ss past the hour', () => {
    expect([clock(0), clock(42), clock(247), clock(3723)]).toEqual(['0:00', '0:42', '4:07', '1:02:03']);
  });
});

describe('finishedLine', () => {
  const run = { experiment: 'pki', seed: 2, epochsToThreshold: null, secondsToThreshold: null, verifiedWorstCaseLoss: null, wallSeconds: 24.71, run: 'r' };
  it('names the experiment, seed, metric, target, met or not, and seconds', () => {
    expect(finishedLine(PKI, { ...run, value: 1 })).toBe('paper: pki seed 2: finalWinRate 100.0% (target ≥ 99.0%): met, 24.7 s');
    expect(finishedLine(PKI, { ...run, value: 0.98 })).toBe('paper: pki seed 2: finalWinRate 98.0% (target ≥ 99.0%): not met, 24.7 s');
    expect(finishedLine(PKI, { ...run, value: 0.99 })).toMatch(/: met, /); // at least the target
    expect(finishedLine(BREAKING, { ...run, experiment: BREAKING.id, value: 0.5 })).toBe('paper: byzantine-breaking seed 2: breakRate 50.0% (target ≥ 49.0%): met, 24.7 s');
  });
});

describe('TerminalPanel', () => {
  function fakeTerminal(): { stream: NodeJS.WriteStream; written: string[] } {
    const written: string[] = [];
    return { stream: { write: (chunk: string) => written.push(chunk) } as unknown as NodeJS.WriteStream, written };
  }

  it('redraws in place: up as many lines as it drew, clear, draw; a logged line stays above; stop erases and gives the cursor back', () => {
    const { stream, written } = fakeTerminal();
    const panel = new TerminalPanel(stream);
    panel.draw(['a', 'b']);
    panel.draw(['c']);
    panel.log('done');
    panel.draw(['d', 'e', 'f']);
    panel.stop();
    expect(written).toEqual(['\x1b[?25l', 'a\nb\n', '\x1b[2F\x1b[Jc\n', '\x1b[1F\x1b[Jdone\n', 'd\ne\nf\n', '\x1b[3F\x1b[J\x1b[?25h']);
  });
});

describe('the epochs a child run sends its parent (cgym train and cgym attack, spawned with an IPC channel)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgym-progress-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function epochsSent(args: readonly string[]): Promise<{ code: number | null; messages: unknown[] }> {
    const child = spawn(process.execPath, [resolve(ROOT, 'dist/src/cli/main.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const messages: unknown[] = [];
    child.on('message', (m) => messages.push(m));
    return new Promise((done) => child.on('close', (code) => done({ code, messages })));
  }

  it('train: one message per epoch, with the run\'s total', async () => {
    const { code, messages } = await epochsSent(['train', '--scenario', 'honest-consensus', '--epochs', '3', '--out', join(dir, 'train'), '--json']);
    expect(code).toBe(0);
    expect(messages.every(isEpochMessage)).toBe(true);
    expect((messages as EpochMessage[]).map((m) => [m.metrics.epoch, m.epochs])).toEqual([[1, 3], [2, 3], [3, 3]]);
  }, 60_000);

  it('attack: one message per epoch, with the run\'s total', async () => {
    const { code, messages } = await epochsSent(['attack', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--epochs', '2', '--out', join(dir, 'attack'), '--json']);
    expect(code).toBe(0);
    expect((messages as EpochMessage[]).map((m) => [m.metrics.epoch, m.epochs])).toEqual([[1, 2], [2, 2]]);
  }, 60_000);
});
