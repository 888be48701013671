// A resumed `discover` run behaves exactly like an uninterrupted one: what the checks carry from one
// to the next (the back-off after checks beyond the verifier's budget, the counts, the best to beat,
// the last verifications' attacks that the cheap pass tries first) is kept in each checkpoint, so a
// run stopped at epoch k (by its budget, by a crash after a checkpoint, or by a crash between a check
// and its checkpoint) and resumed checks at the same epochs and writes the same metrics, bit for bit
// but the clock, as the run that was never stopped.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover, type DiscoverOptions, type DiscoveryReport } from '../../src/discover/discover.js';
import type { Attack } from '../../src/protocols/adversaries/attackPool.js';
import { paths, readCheckpoint, readMetrics, writeCheckpoint, type EpochMetrics } from '../../src/train/runFolder.js';
import type { TrainHooks, TrainSummary, VerificationReport } from '../../src/train/train.js';
import { StateLimitError } from '../../src/verify/verify.js';

const freshRun = (): string => join(mkdtempSync(join(tmpdir(), 'cgym-discover-resume-')), 'run');

const TIMING = new Set(['episodesPerSecond', 'agentDecisionsPerSecond', 'wallSeconds']);
/**
 * Metrics lines without the clock. A run stopped by its budget at `stoppedAt` evaluates that epoch
 * (train evaluates a run's last epoch), where the uninterrupted run need not: that line's greedy
 * evaluation is left out too (evaluations draw on their own streams and change no weight).
 */
const untimed = (lines: EpochMetrics[], stoppedAt?: number) =>
  lines.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !TIMING.has(k) && !(m.epoch === stoppedAt && k.startsWith('eval')))));

/** summary.json without what names the run folder or reads the clock. */
const untimedSummary = (run: string) => {
  const { run: _run, wallSeconds: _w, secondsToThreshold: _s, meanEpisodesPerSecond: _e, meanAgentDecisionsPerSecond: _a, ...rest } = JSON.parse(readFileSync(paths(run).summary, 'utf8')) as TrainSummary;
  return rest;
};

/** A report without what names the run folder or reads the clock. */
const comparable = ({ run: _run, wallSeconds: _wall, learned, atNPlusOne, ...rest }: DiscoveryReport) => ({ ...rest, learned: learned && { ...learned, protocol: null }, atNPlusOne: atNPlusOne && { ...atNPlusOne, seconds: null } });

/** honest-consensus's chance outcomes (no faulty agent): an attack is an input vector the greedy policy loses, its script empty. */
const attack = (inputs: number[]): Attack => ({ setup: { faulty: [], inputs }, script: [{}, {}, {}, {}] });

/**
 * What a scripted verifier answers at the check of each epoch (by the epoch, so that a resumed run,
 * with a fresh verifier, gets the same answer at the same epoch): 'beyond' throws StateLimitError,
 * a number is a proven loss, 'cheap' a check stopped at cheap attacks. Unlisted epochs: loss 0.5.
 * The attacks go into the honest side's training (counterexamples), so a check at another epoch
 * trains another policy.
 */
const SCRIPT: Record<number, 'beyond' | 'cheap' | number> = { 5: 'beyond', 15: 0.5, 20: 'beyond', 30: 'beyond', 50: 'cheap', 55: 0.25 };
const EPOCHS = 60;
/** With SCRIPT: beyond at 5 (skip 10), 15, beyond at 20 (skip 25), beyond at 30 (skip 35–45), 50 refuted cheaply, 55, 60. */
const CHECKED = [5, 15, 20, 30, 50, 55, 60];

function scriptedByEpoch(run: string, script = SCRIPT): { verify: NonNullable<TrainHooks['verify']>; checkedAt: number[] } {
  const checkedAt: number[] = [];
  const verify = (): VerificationReport => {
    const epoch = readMetrics(run).length + 1;
    checkedAt.push(epoch);
    const answer = script[epoch] ?? 0.5;
    if (answer === 'beyond') throw new StateLimitError('verify: more than --max-states=1 states explored');
    const attacks = [attack([epoch % 2, 1, 0]), attack([0, 0, 1])];
    return answer === 'cheap' ? { worstCaseLoss: Number.NaN, attacks, lowerBound: 0.5 } : { worstCaseLoss: answer, attacks };
  };
  return { verify, checkedAt };
}

const base = { scenario: 'honest-consensus', seed: 0, episodes: 100 } satisfies DiscoverOptions;

/** The uninterrupted run: its metrics, checks, report, attacks and lines (run once, the tests compare with it). */
let wholeRun: ReturnType<typeof runWhole> | undefined;
const uninterrupted = () => (wholeRun ??= runWhole());
async function runWhole() {
  const run = freshRun();
  const verifier = scriptedByEpoch(run);
  const lines: string[] = [];
  const report = await discover({ ...base, epochs: EPOCHS, run, verify: verifier.verify, onLine: (line) => lines.push(line) });
  return { run, report, checkedAt: verifier.checkedAt, lines };
}

function expectSameRun(resumed: { run: string; report: DiscoveryReport; checkedAt: number[] }, whole: { run: string; report: DiscoveryReport; checkedAt: number[] }, stoppedAt?: number) {
  expect(resumed.checkedAt).toEqual(whole.checkedAt);
  expect(untimed(readMetrics(resumed.run), stoppedAt)).toEqual(untimed(readMetrics(whole.run), stoppedAt));
  expect(readFileSync(paths(resumed.run).attacks, 'utf8')).toBe(readFileSync(paths(whole.run).attacks, 'utf8'));
  expect(comparable(resumed.report)).toEqual(comparable(whole.report));
  expect(readCheckpoint(resumed.run)?.hookState).toEqual(readCheckpoint(whole.run)?.hookState);
  // train's summary too: its final evaluation judges the last policy, not the best an earlier end of the run wrote into the checkpoint.
  expect(untimedSummary(resumed.run)).toEqual(untimedSummary(whole.run));
}

describe('discover --resume continues exactly where the run stopped', () => {
  it('the uninterrupted run checks where the back-off says, and counts its cheap refutation', async () => {
    const whole = await uninterrupted();
    expect(whole.checkedAt).toEqual(CHECKED);
    expect(whole.report).toMatchObject({ epochs: EPOCHS, refutedCheaply: 1, verifications: 3, bestEpoch: 55, verifiedWorstCaseLoss: 0.25, result: 'best verified' });
  });

  it.each([
    [25, 'one check beyond the budget in a row, none to skip: the next one beyond waits 20 epochs, not 10'],
    [40, 'one more check to skip: the next check is at 50, not 45'],
  ])('stopped by its budget at epoch %i and resumed to 60 (%s): the same checks, metrics, attacks and report', async (stop) => {
    const whole = await uninterrupted();
    const run = freshRun();
    const first = scriptedByEpoch(run);
    await discover({ ...base, epochs: stop, run, verify: first.verify });
    const second = scriptedByEpoch(run);
    const lines: string[] = [];
    const report = await discover({ run, resume: true, epochs: EPOCHS, verify: second.verify, episodes: base.episodes, onLine: (line) => lines.push(line) });
    expectSameRun({ run, report, checkedAt: [...first.checkedAt, ...second.checkedAt] }, whole, stop);
    expect(report.refutedCheaply).toBe(1);
    // The resumed part says what the uninterrupted run said after the stop ("again", with the count kept).
    expect(lines).toEqual(whole.lines.filter((line) => Number(/^epoch (\d+):/.exec(line)?.[1]) > stop));
  });

  it('killed after the checkpoint of epoch 50 (a cheap refutation) and resumed: the count of cheap refutations is kept', async () => {
    const whole = await uninterrupted();
    const run = freshRun();
    const first = scriptedByEpoch(run);
    const crash = new Error('killed after epoch 50');
    await expect(discover({ ...base, epochs: EPOCHS, run, verify: first.verify, onEpoch: (m) => { if (m.epoch === 50) throw crash; } })).rejects.toThrow(crash);
    const second = scriptedByEpoch(run);
    const report = await discover({ run, resume: true, verify: second.verify, episodes: base.episodes });
    expectSameRun({ run, report, checkedAt: [...first.checkedAt, ...second.checkedAt] }, whole);
  });

  it('killed between the check of epoch 30 and its checkpoint: the resume redoes that check from the state of epoch 29', async () => {
    const whole = await uninterrupted();
    const run = freshRun();
    const first = scriptedByEpoch(run);
    const saved = join(run, '..', 'latest-29.json');
    const crash = new Error('killed before the checkpoint of epoch 30');
    await expect(discover({
      ...base, epochs: EPOCHS, run, verify: first.verify,
      onEpoch: (m) => {
        if (m.epoch === 29) copyFileSync(paths(run).latest, saved);
        if (m.epoch === 30) throw crash;
      },
    })).rejects.toThrow(crash);
    // What a kill leaves there: epoch 30's metrics line and its check's effects, the checkpoint still epoch 29's.
    copyFileSync(saved, paths(run).latest);
    const second = scriptedByEpoch(run);
    const report = await discover({ run, resume: true, verify: second.verify, episodes: base.episodes });
    expect(second.checkedAt[0]).toBe(30);
    expectSameRun({ run, report, checkedAt: [...first.checkedAt.slice(0, -1), ...second.checkedAt] }, whole);
  });

  it('the last check that reached a policy is kept, cheap refutations too: a resume stands for the same policy', async () => {
    // 5: a loss, 10: refuted cheaply, then beyond the budget (15; 18, the last, is skipped). The
    // checks reached the policy of epoch 10, past half the run: the best verified stands. The
    // metrics alone record no loss after epoch 5 (what a resume knew before).
    const script = { 5: 0.5, 10: 'cheap', 15: 'beyond' } as const;
    const whole = freshRun();
    const wholeReport = await discover({ ...base, epochs: 18, run: whole, verify: scriptedByEpoch(whole, script).verify });
    expect(wholeReport).toMatchObject({ result: 'best verified', bestEpoch: 5, refutedCheaply: 1 });
    const run = freshRun();
    await discover({ ...base, epochs: 10, run, verify: scriptedByEpoch(run, script).verify });
    const report = await discover({ run, resume: true, epochs: 18, verify: scriptedByEpoch(run, script).verify, episodes: base.episodes });
    expect(comparable(report)).toEqual(comparable(wholeReport));
  });

  it('a run folder whose checkpoint has no saved state (written before it was kept) still resumes, with one line', async () => {
    const run = freshRun();
    await discover({ ...base, epochs: 20, run, verify: scriptedByEpoch(run).verify });
    const { hookState: _state, ...older } = readCheckpoint(run)!;
    writeCheckpoint(run, older);
    const lines: string[] = [];
    const report = await discover({ run, resume: true, epochs: 30, verify: scriptedByEpoch(run).verify, episodes: base.episodes, onLine: (line) => lines.push(line) });
    expect(lines.filter((line) => /predates/.test(line))).toHaveLength(1);
    expect(report).toMatchObject({ epochs: 30, bestEpoch: 15, verifiedWorstCaseLoss: 0.5 });
  });

  it('a checkpoint whose saved state is malformed refuses, naming the key', async () => {
    const run = freshRun();
    await discover({ ...base, epochs: 5, run, verify: scriptedByEpoch(run).verify });
    const checkpoint = readCheckpoint(run)!;
    writeFileSync(paths(run).latest, JSON.stringify({ ...checkpoint, hookState: { ...(checkpoint.hookState as object), skipChecks: -1 } }));
    await expect(discover({ run, resume: true, epochs: 10, verify: scriptedByEpoch(run).verify, episodes: base.episodes })).rejects.toThrow(/hookState\.skipChecks must be a non-negative integer \(got -1\)/);
  });
});

describe('discover --resume with the real verifier', () => {
  // The cheap pass tries the last checks' attacks first; where they win an outcome first, they are
  // the attacks the check returns, and so what the honest side trains against next. On ba-n3-f1
  // (every policy loses: FLM), a resume at epoch 15 without them returns other attacks later on.
  it('ba-n3-f1: the last checks\' attacks (the cheap pass\'s hints) and the best to beat survive a resume', async () => {
    const options = { scenario: 'ba-n3-f1', seed: 0, episodes: 100 } satisfies DiscoverOptions;
    const whole = freshRun();
    const wholeReport = await discover({ ...options, epochs: 30, run: whole });
    const run = freshRun();
    await discover({ ...options, epochs: 15, run });
    const report = await discover({ run, resume: true, epochs: 30, episodes: options.episodes });
    expect(untimed(readMetrics(run), 15)).toEqual(untimed(readMetrics(whole), 15));
    expect(readFileSync(paths(run).attacks, 'utf8')).toBe(readFileSync(paths(whole).attacks, 'utf8'));
    expect(comparable(report)).toEqual(comparable(wholeReport));
    const state = readCheckpoint(run)?.hookState as { recentAttacks: Attack[][] };
    expect(state.recentAttacks.flat().length).toBeGreaterThan(0);
    expect(state).toEqual(readCheckpoint(whole)?.hookState);
  });
});
