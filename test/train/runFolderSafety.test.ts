// A run folder never loses or overwrites data (issue 11): a new run only goes into a missing or
// empty folder, one process at a time holds a folder (a stale lock is taken over by exactly one),
// and a resume refuses, with one line naming the file, any folder it would continue wrongly.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { leaguePaths, readLeagueDraws, truncateLeagueDraws } from '../../src/train/league.js';
import {
  acquireRunLock, appendMetrics, configDigest, METRIC_KEYS, paths, prepareNewRunFolder, processAlive, readJsonLinesLenient, readMetrics, readResumeState,
  refuseRunFolderTarget, resumeAttacks, RunFolderError, truncateJsonLines, truncateMetrics, truncateToCheckpoint, writeCheckpoint, writeJson,
  type EpochMetrics,
} from '../../src/train/runFolder.js';

const ROOT = resolve(__dirname, '../..');
const scratch = () => mkdtempSync(join(tmpdir(), 'cgym-runfolder-'));

/** Runs `act`, expects it to throw a RunFolderError, and returns its (one-line) message. */
function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(RunFolderError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a refusal, but it went through');
}

/** Every file under `dir` with its bytes, to show that a refusal touched nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (name.isFile()) out[join(name.parentPath, name.name)] = readFileSync(join(name.parentPath, name.name), 'utf8');
  return out;
}

// ------------------------------------------------------------------ a new run's folder

describe('a new run folder: refuseRunFolderTarget and prepareNewRunFolder', () => {
  it('refuses an empty name and a filesystem root', () => {
    expect(refuseRunFolderTarget('')).toMatch(/^train: --out is empty/);
    expect(refuseRunFolderTarget('/')).toBe('train: --out / is a filesystem root; name a folder for the run');
    expect(refusal(() => prepareNewRunFolder(''))).toMatch(/--out is empty/);
    expect(refusal(() => prepareNewRunFolder('/'))).toMatch(/filesystem root/);
  });

  it('refuses a path that is a file, or lies under one, and leaves the file as it was', () => {
    const dir = scratch();
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'mine\n');
    expect(refusal(() => prepareNewRunFolder(file))).toBe(`train: --out ${file} is a file, not a folder for a run`);
    expect(refusal(() => prepareNewRunFolder(join(file, 'run')))).toBe(`train: --out ${join(file, 'run')} cannot be created: ${file} is a file`);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });

  it('refuses an existing run folder: use --resume', () => {
    const dir = scratch();
    writeJson(paths(dir).config, { seed: 1 });
    expect(refusal(() => prepareNewRunFolder(dir))).toBe(`train: run folder ${dir} already exists (use --resume to continue it, or another --out)`);
  });

  it("refuses a non-empty folder that is not a run folder, and leaves the user's summary, checkpoint and metrics as they were", () => {
    const dir = scratch();
    mkdirSync(join(dir, 'checkpoints'));
    writeFileSync(join(dir, 'summary.json'), '{"mine":true}\n');
    writeFileSync(join(dir, 'checkpoints', 'latest.json'), '{"mine":true}\n');
    writeFileSync(join(dir, 'metrics.jsonl'), '{"mine":1}\n');
    const before = snapshot(dir);
    expect(refusal(() => prepareNewRunFolder(dir))).toBe(`train: --out ${dir} is not empty and not a run folder (it holds checkpoints, metrics.jsonl, summary.json); choose a new or empty folder`);
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(paths(dir).lock)).toBe(false);
  });

  it('refuseRunFolderTarget only looks: a missing path is accepted and not created', () => {
    const target = join(scratch(), 'a', 'b');
    expect(refuseRunFolderTarget(target)).toBeUndefined();
    expect(existsSync(target)).toBe(false);
  });

  it('accepts a missing path (created with its parents) or an empty folder, and holds it until release', () => {
    for (const dir of [join(scratch(), 'a', 'b', 'run'), scratch()]) {
      const lock = prepareNewRunFolder(dir);
      expect(existsSync(paths(dir).checkpoints)).toBe(true);
      expect(lock.file).toBe(paths(dir).lock);
      expect(refusal(() => acquireRunLock(dir))).toMatch(/is in use by pid/);
      lock.release();
      expect(readdirSync(dir)).toEqual(['checkpoints']);
    }
  });

  it('an empty folder held by another run refuses, naming the pid (the lock file does not count as data)', () => {
    const dir = scratch();
    const other = acquireRunLock(dir);
    expect(refuseRunFolderTarget(dir)).toBeUndefined();
    expect(refusal(() => prepareNewRunFolder(dir))).toBe(`train: run folder ${dir} is in use by pid ${process.pid} (this process) (lock file ${paths(dir).lock}); wait for that run to end, or use another --out`);
    expect(existsSync(paths(dir).checkpoints)).toBe(false);
    other.release();
  });
});

// ------------------------------------------------------------------ the lock

/** A child process (test/train/lockChild.ts) that takes the next of its folders on each `go()`. */
class LockChild {
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string) => void)[] = [];
  readonly exited: Promise<void>;

  private constructor(readonly process: ChildProcess) {
    createInterface({ input: process.stdout! }).on('line', (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(line);
      else this.lines.push(line);
    });
    this.exited = new Promise((done) => process.on('exit', () => done()));
  }

  static async start(...args: string[]): Promise<LockChild> {
    const child = new LockChild(spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/train/lockChild.ts'), ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] }));
    expect(await child.nextLine()).toBe('ready');
    return child;
  }

  get pid(): number {
    return this.process.pid!;
  }

  nextLine(): Promise<string> {
    const line = this.lines.shift();
    return line !== undefined ? Promise.resolve(line) : new Promise((done) => this.waiting.push(done));
  }

  /** Takes the lock of its next folder: `won` or `refused <message>`. */
  go(): Promise<string> {
    this.process.stdin!.write('go\n');
    return this.nextLine();
  }

  /** Exits normally (closing its stdin), without calling release. */
  async close(): Promise<void> {
    this.process.stdin!.end();
    await this.exited;
  }

  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.exited;
  }
}

/** A pid that is certainly dead: a process that was spawned and has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((done) => child.on('exit', done));
  return child.pid!;
}

const lockHolder = (dir: string) => JSON.parse(readFileSync(paths(dir).lock, 'utf8')) as { pid: number; hostname: string; token: string };

describe('one process per run folder: acquireRunLock', () => {
  it('a second acquisition refuses, naming the pid and the lock file; release lets it go, once', () => {
    const dir = scratch();
    const first = acquireRunLock(dir);
    expect(lockHolder(dir)).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(refusal(() => acquireRunLock(dir))).toBe(`train: run folder ${dir} is in use by pid ${process.pid} (this process) (lock file ${paths(dir).lock}); wait for that run to end, or use another --out`);
    first.release();
    expect(existsSync(paths(dir).lock)).toBe(false);
    const second = acquireRunLock(dir);
    first.release(); // a second release of the first lock does not remove the second
    expect(existsSync(paths(dir).lock)).toBe(true);
    second.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('release never removes a lock that another holder has put in its place', () => {
    const dir = scratch();
    const lock = acquireRunLock(dir);
    const other = JSON.stringify({ pid: process.ppid, hostname: hostname(), token: 'another', since: '' }) + '\n';
    writeFileSync(paths(dir).lock, other);
    lock.release();
    expect(readFileSync(paths(dir).lock, 'utf8')).toBe(other);
  });

  it('refuses a missing folder and a lock file it did not write', () => {
    const dir = scratch();
    expect(refusal(() => acquireRunLock(join(dir, 'missing')))).toBe(`train: no such run folder ${join(dir, 'missing')}`);
    writeFileSync(paths(dir).lock, 'something else\n');
    expect(refusal(() => acquireRunLock(dir))).toBe(`train: run folder ${dir} has a lock file this program did not write (${paths(dir).lock}); remove it if no run uses the folder`);
  });

  it('a folder held by another live process refuses with its pid; its lock goes when that process exits', async () => {
    const dir = scratch();
    const child = await LockChild.start(dir);
    expect(await child.go()).toBe('won');
    expect(refusal(() => acquireRunLock(dir))).toBe(`train: run folder ${dir} is in use by pid ${child.pid} (lock file ${paths(dir).lock}); wait for that run to end, or use another --out`);
    await child.close();
    expect(existsSync(paths(dir).lock)).toBe(false);
  });

  it('a lock left by a killed process is taken over', async () => {
    const dir = scratch();
    const child = await LockChild.start(dir);
    expect(await child.go()).toBe('won');
    await child.kill();
    expect(lockHolder(dir).pid).toBe(child.pid); // SIGKILL skips the exit handler
    const lock = acquireRunLock(dir);
    expect(lockHolder(dir).pid).toBe(process.pid);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a dead pid on this host is stale; on another host it cannot be checked, and refuses', async () => {
    const dir = scratch();
    const pid = await deadPid();
    writeFileSync(paths(dir).lock, JSON.stringify({ pid, hostname: `not-${hostname()}`, token: 'old', since: '' }));
    expect(refusal(() => acquireRunLock(dir))).toBe(`train: run folder ${dir} is in use by pid ${pid} on host not-${hostname()} (lock file ${paths(dir).lock}); if that run is gone, remove the lock file`);
    writeFileSync(paths(dir).lock, JSON.stringify({ pid, hostname: hostname(), token: 'old', since: '' }));
    const lock = acquireRunLock(dir);
    expect(lockHolder(dir)).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('a zombie holder (exited, never reaped) is stale: its lock is taken over', async () => {
    const dir = scratch();
    // sh starts a short sleep in the background and execs into a long one, which never reaps it: once it ends, a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number((await new Promise<string>((done) => parent.stdout!.once('data', (d: Buffer) => done(d.toString())))).trim());
      for (let i = 0; i < 100 && !readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z '); i++) await new Promise((r) => setTimeout(r, 20));
      expect(() => process.kill(zombie, 0)).not.toThrow(); // signal 0 alone calls it alive
      expect(processAlive(zombie)).toBe(false);
      writeFileSync(paths(dir).lock, JSON.stringify({ pid: zombie, hostname: hostname(), token: 'zombie', since: '' }));
      const lock = acquireRunLock(dir);
      expect(lockHolder(dir)).toMatchObject({ pid: process.pid });
      lock.release();
      expect(processAlive(process.pid)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('two processes racing for one stale lock: exactly one wins, the other refuses (in each of 200 folders)', async () => {
    // Both processes are told to go at once, folder after folder, so that their takeovers overlap.
    const dead = await deadPid();
    const dirs = Array.from({ length: 200 }, () => {
      const dir = scratch();
      writeFileSync(paths(dir).lock, JSON.stringify({ pid: dead, hostname: hostname(), token: 'stale', since: '' }));
      return dir;
    });
    const children = await Promise.all([LockChild.start(...dirs), LockChild.start(...dirs)]);
    for (const dir of dirs) {
      const results = await Promise.all(children.map((child) => child.go()));
      expect(results.filter((result) => result === 'won'), dir).toHaveLength(1);
      const winner = children[results.indexOf('won')]!;
      const loser = results.find((result) => result !== 'won')!;
      expect(loser).toMatch(new RegExp(`^refused train: run folder ${dir} (is in use by pid ${winner.pid} \\(lock file|is being taken over by another process)`));
      expect(lockHolder(dir).pid).toBe(winner.pid);
    }
    await Promise.all(children.map((child) => child.close()));
    for (const dir of dirs) expect(readdirSync(dir)).toEqual([]);
  });

  it('two processes starting a new run in one empty folder: exactly one starts it (in each of 200 folders)', async () => {
    // The loser may pass the first look before the winner writes config.json, and take the lock
    // after the winner let it go: only the second look, under the lock, stops it.
    const dirs = Array.from({ length: 200 }, () => scratch());
    const children = await Promise.all([LockChild.start('--new-run', ...dirs), LockChild.start('--new-run', ...dirs)]);
    for (const dir of dirs) {
      const results = await Promise.all(children.map((child) => child.go()));
      expect(results.filter((result) => result === 'won'), dir).toHaveLength(1);
      const winner = children[results.indexOf('won')]!;
      expect(JSON.parse(readFileSync(paths(dir).config, 'utf8'))).toEqual({ pid: winner.pid });
    }
    await Promise.all(children.map((child) => child.close()));
  });
});

// ------------------------------------------------------------------ the config's digest

describe('configDigest', () => {
  it('is the sha256 of the record with sorted keys and no whitespace', () => {
    const canonical = '{"a":1,"b":[2,{"c":3,"d":null}]}';
    expect(configDigest({ b: [2, { d: null, c: 3 }], a: 1 })).toBe(createHash('sha256').update(canonical).digest('hex'));
  });

  it('is the same for the record as written and config.json as read back; any edited value changes it', () => {
    const dir = scratch();
    const written = { scenario: { name: 'x', n: 4 }, seed: 7, init: undefined, versions: { tfjs: '4.22.0' } };
    writeJson(paths(dir).config, written);
    const read = JSON.parse(readFileSync(paths(dir).config, 'utf8'));
    expect(configDigest(read)).toBe(configDigest(written));
    expect(configDigest({ ...read, scenario: { name: 'x', n: 5 } })).not.toBe(configDigest(written));
    expect(configDigest({ ...read, seed: '7' })).not.toBe(configDigest(written));
  });
});

// ------------------------------------------------------------------ resume

const CONFIG = { scenario: { name: 'byzantine-breaking', n: 4, f: 1 }, seed: 3, epochs: 10, out: 'runs/x' };
const metricLine = (epoch: number): EpochMetrics => ({ ...Object.fromEntries(METRIC_KEYS.map((k) => [k, 0.5])), epoch }) as EpochMetrics;

/** A run folder as a run leaves it: config.json, metric lines 1..lines, a checkpoint at `checkpoint`. */
function runFolder(lines: number, checkpoint: number | null, digest: string | null = configDigest(CONFIG)): string {
  const dir = scratch();
  mkdirSync(paths(dir).checkpoints);
  writeJson(paths(dir).config, CONFIG);
  for (let epoch = 1; epoch <= lines; epoch++) appendMetrics(dir, metricLine(epoch));
  if (checkpoint !== null)
    writeCheckpoint(dir, { epoch: checkpoint, wallSeconds: 1, thresholdEpoch: null, thresholdSeconds: null, ...(digest !== null && { configDigest: digest }) });
  return dir;
}

/** Replaces line `number` (1-based) of a file. */
function replaceLine(file: string, number: number, text: string): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[number - 1] = text;
  writeFileSync(file, lines.join('\n'));
}

describe('resume: readResumeState', () => {
  it('a stopped run continues from its checkpoint, with the metric lines it covers; nothing is written', () => {
    for (const lines of [3, 4]) {
      const dir = runFolder(lines, 3); // 4: stopped after epoch 4's line, before its checkpoint
      const before = snapshot(dir);
      const state = readResumeState(dir);
      expect(state.epoch).toBe(3);
      expect(state.checkpoint!.epoch).toBe(3);
      expect(state.metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
      expect(state.config).toEqual(CONFIG);
      expect(state.configDigest).toBe(configDigest(CONFIG));
      expect(snapshot(dir)).toEqual(before);
    }
  });

  it('a run stopped in its first epoch (no checkpoint, at most its first line) restarts from epoch 0', () => {
    for (const lines of [0, 1]) {
      const state = readResumeState(runFolder(lines, null));
      expect(state.epoch).toBe(0);
      expect(state.checkpoint).toBeUndefined();
      expect(state.metrics).toEqual([]);
    }
  });

  it('metric lines with the checkpoint missing or malformed refuse, naming checkpoints/latest.json', () => {
    const missing = runFolder(3, null);
    expect(refusal(() => readResumeState(missing))).toBe(`resume: ${paths(missing).latest} is missing but ${paths(missing).metrics} has 3 epochs; restore the checkpoint, or start a new run with another --out`);
    const malformed = runFolder(3, 3);
    writeFileSync(paths(malformed).latest, '{"epoch": 3, "honest": {');
    expect(refusal(() => readResumeState(malformed))).toMatch(new RegExp(`^resume: ${paths(malformed).latest} is not readable JSON`));
    writeFileSync(paths(malformed).latest, '{"epoch": "3"}');
    expect(refusal(() => readResumeState(malformed))).toBe(`resume: ${paths(malformed).latest} is not a checkpoint (no non-negative integer epoch)`);
  });

  it('a corrupt metrics line before the last refuses with its line number; a torn last line is dropped', () => {
    const dir = runFolder(4, 3);
    replaceLine(paths(dir).metrics, 2, '{"epoch":2,"winRa');
    expect(refusal(() => readResumeState(dir))).toBe(`${paths(dir).metrics}: line 2 is not a JSON object (only a torn last line may be dropped); fix or remove that line to resume`);

    const torn = runFolder(3, 3);
    appendFileSync(paths(torn).metrics, '{"epoch":4,"winRa'); // killed mid-append: no newline
    expect(readResumeState(torn).metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
    const tornWithNewline = runFolder(3, 3);
    appendFileSync(paths(tornWithNewline).metrics, '{"epoch":4,"winRa\n');
    expect(readResumeState(tornWithNewline).metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
  });

  it('metric epochs that are not 1, 2, … k refuse, naming the first gap', () => {
    const dir = runFolder(4, 4);
    replaceLine(paths(dir).metrics, 3, JSON.stringify(metricLine(4)));
    replaceLine(paths(dir).metrics, 4, JSON.stringify(metricLine(5)));
    expect(refusal(() => readResumeState(dir))).toBe(`${paths(dir).metrics}: line 3 has epoch 4 after epoch 2 (epoch 3 is missing or out of place)`);
  });

  it('a checkpoint beyond the last metric line refuses (lines lost); metric lines far past it refuse (an old checkpoint)', () => {
    const lost = runFolder(2, 3);
    expect(refusal(() => readResumeState(lost))).toBe(`resume: ${paths(lost).latest} is at epoch 3 but ${paths(lost).metrics} ends at epoch 2: metric lines are lost`);
    const old = runFolder(5, 3);
    expect(refusal(() => readResumeState(old))).toMatch(new RegExp(`^resume: ${paths(old).metrics} runs to epoch 5 but ${paths(old).latest} is at epoch 3 `));
  });

  it('a config.json edited since the run started refuses; reformatting it does not; an old checkpoint without a digest is not checked', () => {
    const dir = runFolder(3, 3);
    writeJson(paths(dir).config, { ...CONFIG, scenario: { ...CONFIG.scenario, name: 'another-game' } });
    expect(refusal(() => readResumeState(dir))).toBe(`resume: ${paths(dir).config} changed since the run started (its digest differs from the one in ${paths(dir).latest}); restore it, or start a new run with another --out`);

    const reformatted = runFolder(3, 3);
    writeFileSync(paths(reformatted).config, JSON.stringify(Object.fromEntries(Object.entries(CONFIG).reverse())));
    expect(readResumeState(reformatted).epoch).toBe(3);

    const older = runFolder(3, 3, null);
    writeJson(paths(older).config, { ...CONFIG, seed: 4 });
    expect(readResumeState(older).epoch).toBe(3);
  });

  it('a corrupt middle line in attacks.jsonl or league.jsonl refuses too, before anything is cut', () => {
    for (const file of ['attacks', 'league'] as const) {
      const dir = runFolder(4, 3);
      writeFileSync(paths(dir)[file], '{"epoch":1}\n{"epo\n{"epoch":3}\n');
      const before = snapshot(dir);
      expect(refusal(() => readResumeState(dir))).toBe(`${paths(dir)[file]}: line 2 is not a JSON object (only a torn last line may be dropped); fix or remove that line to resume`);
      expect(snapshot(dir)).toEqual(before);
    }
  });

  it('refuses a folder that is not a run folder', () => {
    const dir = scratch();
    expect(refusal(() => readResumeState(join(dir, 'missing')))).toBe(`resume: no such run folder ${join(dir, 'missing')}`);
    expect(refusal(() => readResumeState(dir))).toBe(`resume: ${dir} is not a run folder (no ${paths(dir).config})`);
  });
});

describe('resume: strict truncation of the JSON-lines files', () => {
  it('truncateJsonLines refuses a corrupt middle line and leaves the file as it was; a torn last line is dropped', () => {
    const dir = scratch();
    const file = join(dir, 'lines.jsonl');
    const corrupt = '{"epoch":1}\n{"epoch":2,"x\n{"epoch":3}\n';
    writeFileSync(file, corrupt);
    expect(refusal(() => truncateJsonLines(file, 3))).toMatch(/lines\.jsonl: line 2 is not a JSON object/);
    expect(readFileSync(file, 'utf8')).toBe(corrupt);
    writeFileSync(file, '{"epoch":1}\n{"epoch":2}\n{"epoch":3,"x');
    truncateJsonLines(file, 5);
    expect(readFileSync(file, 'utf8')).toBe('{"epoch":1}\n{"epoch":2}\n');
  });

  it('resumeAttacks, truncateLeagueDraws and truncateMetrics refuse a corrupt middle line or a gap', () => {
    const dir = runFolder(3, 3);
    writeFileSync(paths(dir).attacks, '{"epoch":1,"attacks":[]}\nnot json\n{"epoch":3,"attacks":[]}\n');
    expect(refusal(() => resumeAttacks(dir, 3))).toMatch(/attacks\.jsonl: line 2 is not a JSON object/);
    writeFileSync(leaguePaths(dir).log, '{"epoch":1}\n{"epoch":2\n{"epoch":3}\n');
    expect(refusal(() => truncateLeagueDraws(dir, 3))).toMatch(/league\.jsonl: line 2 is not a JSON object/);
    replaceLine(paths(dir).metrics, 2, JSON.stringify(metricLine(3)));
    expect(refusal(() => truncateMetrics(dir, 3))).toMatch(/metrics\.jsonl: line 2 has epoch 3 after epoch 1/);
  });

  it('truncateToCheckpoint cuts metrics, attacks and league draws to the checkpoint', () => {
    const dir = runFolder(4, 3);
    writeFileSync(paths(dir).attacks, '{"epoch":2,"attacks":[]}\n{"epoch":4,"attacks":[]}\n');
    writeFileSync(paths(dir).league, [1, 2, 3, 4].map((epoch) => JSON.stringify({ epoch, honestOpponent: 'latest', adversaryOpponent: 0 }) + '\n').join(''));
    truncateToCheckpoint(dir, 3);
    expect(readMetrics(dir).map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(resumeAttacks(dir, 3).map((line) => line.epoch)).toEqual([2]);
    expect(readLeagueDraws(dir).map((draw) => draw.epoch)).toEqual([1, 2, 3]);
  });

  it('readers that show a run stay lenient: a corrupt middle line is skipped', () => {
    const dir = runFolder(3, 3);
    replaceLine(paths(dir).metrics, 2, '{"epoch":2,"winRa');
    expect(readMetrics(dir).map((m) => m.epoch)).toEqual([1, 3]);
    expect(readJsonLinesLenient<{ epoch: number }>(paths(dir).metrics).map((m) => m.epoch)).toEqual([1, 3]);
    rmSync(paths(dir).metrics);
    expect(readMetrics(dir)).toEqual([]);
  });
});
