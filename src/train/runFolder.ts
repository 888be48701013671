/**
 * Run folders, `runs/<name>/`: `config.json`, `metrics.jsonl` (one JSON object per epoch),
 * `checkpoints/latest.json` (weights + Adam state + epoch: enough to resume exactly) and
 * `summary.json`. Whole files are written atomically (temp file + rename); metric lines are
 * appended, and a resume drops any line past the last checkpoint.
 *
 * A run folder never loses or overwrites data: a new run only goes into a missing or empty folder
 * (`prepareNewRunFolder`), one process at a time holds a folder (`acquireRunLock`), and a resume
 * first checks that the folder is whole (`readResumeState`) before cutting anything. Readers for
 * reports stay lenient (`readJsonLinesLenient`); everything a resume rewrites is read strictly.
 */
import { makeFolders } from '../game/makeFolders.js';
import type { Attack } from '../protocols/adversaries/attackPool.js';
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, linkSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import type { SavedPolicy } from '../policy/PolicyNetwork.js';

/**
 * A run folder that cannot be used as asked (a one-line message naming the file or folder). A
 * RangeError, so that the CLI shows it as the user's error.
 */
export class RunFolderError extends RangeError {
  override name = 'RunFolderError';
}

/** Metric keys of one epoch line, in order (null when not applicable). */
export const METRIC_KEYS = [
  'epoch', 'winRate', 'consistencyViolationRate', 'validityViolationRate', 'terminationViolationRate', 'majorityCorrectRate',
  'honestReward', 'adversaryReward', 'honestEntropy', 'adversaryEntropy', 'honestLoss', 'adversaryLoss', 'valueLoss', 'majorityLoss',
  'evalWinRate', 'evalMajorityCorrectRate', 'verifiedWorstCaseLoss', 'episodesPerSecond', 'agentDecisionsPerSecond', 'wallSeconds',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];
export type EpochMetrics = Record<MetricKey, number | null> & { epoch: number };

export interface Checkpoint {
  epoch: number;
  /** Wall seconds of the run so far (continues across resumes). */
  wallSeconds: number;
  /** First epoch whose greedy evaluation reached the threshold, or null. */
  thresholdEpoch: number | null;
  thresholdSeconds: number | null;
  honest?: SavedPolicy;
  adversary?: SavedPolicy;
  /**
   * The learning side's policy at its best greedy evaluation so far (config keepBest): what the run
   * stands for once it ends (the final evaluation, and a run folder used as a protocol or an
   * adversary). Kept in the checkpoint, so that a resume continues from the same best, exactly.
   */
  best?: BestPolicy;
  /**
   * The state of the caller's hooks as this checkpoint was written (TrainHooks.checkpointState:
   * discover's back-off, counts and best verified policy), JSON; absent where no hook keeps any,
   * and in checkpoints of older runs.
   */
  hookState?: unknown;
  /**
   * `configDigest` of the run's config.json: a resume refuses a config.json edited since (absent
   * in checkpoints of older runs, which resume unchecked).
   */
  configDigest?: string;
}

/** A learning side's best evaluated policy (Checkpoint.best). */
export interface BestPolicy {
  side: 'honest' | 'adversary';
  /** The epoch whose greedy evaluation it was. */
  epoch: number;
  /** That evaluation's `evalMetric` rate (the honest side's: the adversary's best is the lowest). */
  rate: number;
  /** Its weights, without the Adam state. */
  policy: SavedPolicy;
}

/** Writes a file whole or not at all: a temporary file renamed into place (removed on failure). */
export function writeAtomic(path: string, text: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export function writeJson(path: string, value: unknown): void {
  writeAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

export function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new RangeError(`${what}: no such file ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new RangeError(`${what}: malformed JSON in ${path} (${(error as Error).message})`);
  }
}

export const paths = (dir: string) => ({
  config: join(dir, 'config.json'),
  metrics: join(dir, 'metrics.jsonl'),
  checkpoints: join(dir, 'checkpoints'),
  latest: join(dir, 'checkpoints', 'latest.json'),
  summary: join(dir, 'summary.json'),
  attacks: join(dir, 'attacks.jsonl'),
  league: join(dir, 'league.jsonl'),
  lock: join(dir, 'lock'),
});

export function createRunFolder(dir: string): void {
  makeFolders(paths(dir).checkpoints);
}

export function appendMetrics(dir: string, metrics: EpochMetrics): void {
  const ordered = Object.fromEntries(METRIC_KEYS.map((k) => [k, metrics[k] ?? null]));
  appendFileSync(paths(dir).metrics, JSON.stringify(ordered) + '\n');
}

/**
 * The lines of a JSON-lines file, leniently: none if the file is missing, and every line that is
 * not JSON skipped wherever it is. For readers that show a run (reports, tests); a resume, which
 * rewrites the file, reads it with `readJsonLinesStrict`.
 */
export function readJsonLinesLenient<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const out: T[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // shown as it is: a reader never repairs a run
    }
  }
  return out;
}

/** @deprecated the lenient reader under its old name; say which one you mean (`readJsonLinesLenient` or `readJsonLinesStrict`). */
export const readJsonLines = readJsonLinesLenient;

/** A line of a JSON-lines file with its 1-based line number (for messages). */
export interface NumberedLine<T> {
  line: number;
  value: T;
}

/**
 * The lines of a JSON-lines file, strictly: none if the file is missing; only the last line may
 * fail to parse (a kill tore it mid-append: it is dropped); any other line that is not a JSON
 * object refuses, naming the file and the line number, so that a resume never silently loses it.
 */
export function readJsonLinesStrict<T extends object>(file: string): NumberedLine<T>[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const rows = text.split('\n');
  if (text.endsWith('\n')) rows.pop(); // the empty string after the final newline is not a line
  const out: NumberedLine<T>[] = [];
  rows.forEach((row, index) => {
    const value = parseObject(row);
    if (value !== undefined) out.push({ line: index + 1, value: value as T });
    else if (index < rows.length - 1) throw new RunFolderError(`${file}: line ${index + 1} is not a JSON object (only a torn last line may be dropped); fix or remove that line to resume`);
  });
  return out;
}

function parseObject(row: string): object | undefined {
  try {
    const value: unknown = JSON.parse(row);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The strict lines of a per-epoch JSON-lines file, checked: every line has a positive integer
 * `epoch`, strictly increasing (`consecutive`: exactly 1, 2, 3, …, one line per epoch).
 */
export function readEpochLinesStrict<T extends { epoch: number }>(file: string, consecutive: boolean): T[] {
  const lines = readJsonLinesStrict<T>(file);
  let previous = 0;
  for (const { line, value } of lines) {
    const epoch = value.epoch;
    if (!(Number.isInteger(epoch) && epoch >= 1)) throw new RunFolderError(`${file}: line ${line} has no positive integer epoch (got ${JSON.stringify(epoch)})`);
    if (consecutive ? epoch !== previous + 1 : epoch <= previous)
      throw new RunFolderError(`${file}: line ${line} has epoch ${epoch} after epoch ${previous} (${consecutive ? `epoch ${previous + 1} is missing or out of place` : 'epochs must increase'})`);
    previous = epoch;
  }
  return lines.map(({ value }) => value);
}

/**
 * Keeps the lines of epochs 1..epoch (what the checkpoint covers), rewritten atomically. Read
 * strictly (`readEpochLinesStrict`): a line that is not JSON before the last, or epochs out of
 * order, refuse, and the file is left as it was.
 */
export function truncateJsonLines(file: string, epoch: number, consecutive = false): void {
  const kept = readEpochLinesStrict<{ epoch: number }>(file, consecutive).filter((line) => line.epoch <= epoch);
  writeAtomic(file, kept.map((line) => JSON.stringify(line) + '\n').join(''));
}

/** The metric lines of a run, leniently (any line that is not JSON is skipped): for showing a run. */
export function readMetrics(dir: string): EpochMetrics[] {
  return readJsonLinesLenient<EpochMetrics>(paths(dir).metrics);
}

/** Keeps the metric lines of epochs 1..epoch (what the checkpoint covers), rewritten atomically. */
export function truncateMetrics(dir: string, epoch: number): void {
  truncateJsonLines(paths(dir).metrics, epoch, true);
}

export function readCheckpoint(dir: string): Checkpoint | undefined {
  const file = paths(dir).latest;
  return existsSync(file) ? readJson<Checkpoint>(file, 'checkpoint') : undefined;
}

export function writeCheckpoint(dir: string, checkpoint: Checkpoint): void {
  writeJson(paths(dir).latest, checkpoint);
}

/** One verification's attacks as kept for counterexample-guided training (attacks.jsonl). */
export interface AttackLine {
  epoch: number;
  attacks: Attack[];
}

export function appendAttacks(dir: string, line: AttackLine): void {
  appendFileSync(paths(dir).attacks, JSON.stringify(line) + '\n');
}

/** The attack lines of epochs 1..epoch, the file cut to them (a resume replays them into the pool). */
export function resumeAttacks(dir: string, epoch: number): AttackLine[] {
  if (!existsSync(paths(dir).attacks)) return [];
  truncateJsonLines(paths(dir).attacks, epoch);
  return readEpochLinesStrict<AttackLine>(paths(dir).attacks, false);
}

// ------------------------------------------------------------------ the config's digest

/**
 * The digest a checkpoint keeps of its run's config.json (`Checkpoint.configDigest`): sha256, in
 * hex, of the config record as canonical JSON. JSON.stringify's own conversions come first
 * (undefined fields dropped, toJSON applied, NaN and ±Infinity as null), then every object's keys
 * are sorted (by UTF-16 code units), arrays keep their order, and there is no whitespace. Nothing
 * is excluded (`out`, `versions` and all): config.json is written once when the run starts and
 * never rewritten, so the digest of the record as written equals the digest of config.json as
 * read back, whatever its indentation or key order, and any edited value changes it.
 */
export function configDigest(config: unknown): string {
  const json = JSON.stringify(config);
  if (json === undefined) throw new TypeError(`configDigest: the config is not a JSON value (got ${typeof config})`);
  return createHash('sha256').update(canonicalJson(JSON.parse(json))).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// ------------------------------------------------------------------ a new run's folder

/** The lock file and its transient companions (see `acquireRunLock`): not a run's data. */
const isLockFile = (name: string): boolean => name === 'lock' || name.startsWith('lock.');

/** Why a folder holding `entries` (lock files left out) cannot take a new run, or undefined. */
function refuseEntries(dir: string, entries: readonly string[]): string | undefined {
  if (entries.includes('config.json')) return `train: run folder ${dir} already exists (use --resume to continue it, or another --out)`;
  const data = entries.filter((name) => !isLockFile(name)).sort();
  if (data.length === 0) return undefined;
  const shown = data.slice(0, 3).join(', ') + (data.length > 3 ? `, … (${data.length} entries)` : '');
  return `train: --out ${dir} is not empty and not a run folder (it holds ${shown}); choose a new or empty folder`;
}

/**
 * Why `dir` cannot take a new run, or undefined when it can: a missing path (its first existing
 * ancestor a folder) or an empty folder. Refuses an empty name, a filesystem root, a file, a run
 * folder (config.json: "use --resume"), and any other folder that is not empty. Only looks: the
 * trainer can check everything before it creates anything.
 */
export function refuseRunFolderTarget(dir: string): string | undefined {
  if (dir.trim() === '') return 'train: --out is empty; name a folder for the run';
  const full = resolve(dir);
  if (full === parse(full).root) return `train: --out ${dir} is a filesystem root; name a folder for the run`;
  if (!existsSync(full)) {
    let ancestor = dirname(full);
    while (!existsSync(ancestor)) ancestor = dirname(ancestor);
    return statSync(ancestor).isDirectory() ? undefined : `train: --out ${dir} cannot be created: ${ancestor} is a file`;
  }
  if (!statSync(full).isDirectory()) return `train: --out ${dir} is a file, not a folder for a run`;
  return refuseEntries(dir, readdirSync(full));
}

/**
 * Makes `dir` ready for a new run and holds it: refuses (RunFolderError, the message of
 * `refuseRunFolderTarget`) a target that cannot take one, creates it with its parents, takes its
 * lock, checks again under the lock (another process may have started a run there meanwhile),
 * and creates `checkpoints/`. The caller writes config.json next, and releases the lock when the
 * run ends.
 */
export function prepareNewRunFolder(dir: string): RunLock {
  const refused = refuseRunFolderTarget(dir);
  if (refused !== undefined) throw new RunFolderError(refused);
  try {
    makeFolders(dir);
  } catch (error) {
    throw new RunFolderError(`train: --out ${dir} cannot be created (${(error as Error).message})`);
  }
  const lock = acquireRunLock(dir);
  const again = refuseEntries(dir, readdirSync(dir));
  if (again !== undefined) {
    lock.release();
    throw new RunFolderError(again);
  }
  createRunFolder(dir);
  return lock;
}

// ------------------------------------------------------------------ one process per run folder

/** A run folder held by this process; `release()` (idempotent) lets it go. */
export interface RunLock {
  /** The lock file, `<dir>/lock`. */
  readonly file: string;
  release(): void;
}

/** What a lock file holds: who holds the folder, and a token that tells two holders apart. */
interface LockHolder {
  pid: number;
  hostname: string;
  token: string;
  since: string;
}

type LockRead = { kind: 'held'; holder: LockHolder } | { kind: 'gone' } | { kind: 'malformed' };

function readLock(file: string): LockRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw error;
  }
  const value = parseObject(text) as Partial<LockHolder> | undefined;
  const wellFormed = value !== undefined && Number.isInteger(value.pid) && value.pid! > 0 && typeof value.hostname === 'string' && typeof value.token === 'string';
  return wellFormed ? { kind: 'held', holder: value as LockHolder } : { kind: 'malformed' };
}

/**
 * Creates `file` holding `holder` unless it exists (false then). The content is written to a
 * temporary file first and hard-linked into place, so a lock file is never seen half written;
 * where the filesystem has no hard links, an exclusive create stands in.
 */
function createExclusive(file: string, holder: LockHolder): boolean {
  const text = JSON.stringify(holder) + '\n';
  const temp = `${file}.tmp-${holder.pid}-${holder.token}`;
  writeFileSync(temp, text);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  try {
    writeFileSync(file, text, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Whether process `pid` on this host still runs. A zombie (exited, not yet reaped by its parent —
 * common where a container's init does not reap) has stopped for good: it counts as gone, or its
 * run's lock would never be taken over.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // another user's live process
  }
  try {
    // /proc/PID/stat: "pid (comm) S …"; comm may hold spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (not Linux) or it just ended: kill(0) said it ran a moment ago
  }
}

/** A lock whose process is gone: on this host, and its pid answers ESRCH or is a zombie. */
const isStale = (holder: LockHolder): boolean => holder.hostname === hostname() && !processAlive(holder.pid);

function refusal(dir: string, file: string, read: LockRead): RunFolderError {
  if (read.kind === 'malformed') return new RunFolderError(`train: run folder ${dir} has a lock file this program did not write (${file}); remove it if no run uses the folder`);
  if (read.kind === 'gone') return new RunFolderError(`train: run folder ${dir} changed hands while its lock (${file}) was taken; try again`);
  const { pid, hostname: host } = read.holder;
  const who = pid === process.pid && host === hostname() ? `pid ${pid} (this process)` : `pid ${pid}`;
  return host === hostname()
    ? new RunFolderError(`train: run folder ${dir} is in use by ${who} (lock file ${file}); wait for that run to end, or use another --out`)
    : new RunFolderError(`train: run folder ${dir} is in use by pid ${pid} on host ${host} (lock file ${file}); if that run is gone, remove the lock file`);
}

/**
 * Holds `dir` for this process until `release()` or the process exits: creates `<dir>/lock`
 * exclusively (pid, hostname, a token). A folder held by a live process, or by one on another host
 * (whose liveness cannot be checked), refuses with one line naming the pid and the lock file. A
 * lock left by a dead process (same host, `kill(pid, 0)` answers ESRCH) is taken over: only the
 * process that creates `<dir>/lock.takeover` exclusively may remove it, so of two processes racing
 * for one stale lock exactly one wins and the other refuses. `release()` removes the lock only if
 * it still holds this acquisition's token. Two acquisitions in one process refuse each other too
 * (the trainer must release in a `finally`). A kill by signal skips the exit handler; the lock it
 * leaves is then stale, and the next run takes it over.
 */
export function acquireRunLock(dir: string): RunLock {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunFolderError(`train: no such run folder ${dir}`);
  const file = paths(dir).lock;
  const mine: LockHolder = { pid: process.pid, hostname: hostname(), token: randomUUID(), since: new Date().toISOString() };
  if (!createExclusive(file, mine)) {
    const seen = readLock(file);
    if (seen.kind !== 'gone' && !(seen.kind === 'held' && isStale(seen.holder))) throw refusal(dir, file, seen);
    takeOver(dir, file, seen, mine);
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    const now = readLock(file);
    if (now.kind === 'held' && now.holder.token === mine.token) rmSync(file, { force: true });
  };
  process.once('exit', release);
  return { file, release };
}

/** Replaces a stale (or just released) lock by `mine`, or refuses; see `acquireRunLock`. */
function takeOver(dir: string, file: string, seen: LockRead, mine: LockHolder): void {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, mine)) throw new RunFolderError(`train: run folder ${dir} is being taken over by another process (${guard}); try again, or remove ${guard} if no process is`);
  try {
    // Under the guard no other process removes the lock file, so the stale lock read before is
    // still the one there, unless a new holder created it after the old one was released.
    const now = readLock(file);
    if (seen.kind === 'held' && now.kind === 'held' && now.holder.token === seen.holder.token) rmSync(file, { force: true });
    if (!createExclusive(file, mine)) throw refusal(dir, file, readLock(file));
  } finally {
    rmSync(guard, { force: true });
  }
}

// ------------------------------------------------------------------ resume

/** What a resume continues from, read and checked whole before anything is rewritten. */
export interface ResumeState {
  /** config.json as read: the record the resumed run rebuilds its options from. */
  config: Record<string, unknown>;
  /** `configDigest(config)`: to store in every checkpoint the resumed run writes. */
  configDigest: string;
  /** The last checkpoint, or undefined (the run restarts from epoch 0). */
  checkpoint: Checkpoint | undefined;
  /** The epoch the run continues after: the checkpoint's, or 0. */
  epoch: number;
  /** The metric lines of epochs 1..epoch, which the resume keeps. */
  metrics: EpochMetrics[];
}

function readJsonStrict(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RunFolderError(`resume: ${file} is not readable JSON (${(error as Error).message})`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a run folder for `--resume` and refuses (RunFolderError, one line naming the file) any
 * state from which continuing would lose or mix data. Writes nothing. Take the folder's lock first
 * (`acquireRunLock`), then call this, then `truncateToCheckpoint(dir, state.epoch)`.
 *
 * - config.json must exist and be a JSON object; if the checkpoint has a `configDigest`, the
 *   digest of config.json as read must equal it (an edited config would continue another run).
 * - metrics.jsonl is read strictly: only a torn last line is dropped; its epochs run 1, 2, … k.
 * - The checkpoint, when present, must be a JSON object with a non-negative integer epoch c.
 * - Each epoch appends its metric line and then writes its checkpoint, so a stopped run has
 *   k = c or k = c + 1. k < c refuses (metric lines lost); k > c + 1 refuses (the checkpoint is
 *   missing, or older than the run). With no checkpoint and k ≤ 1 (stopped in its first epoch),
 *   the run restarts from epoch 0.
 * - attacks.jsonl and league.jsonl, which the resume also cuts, are read strictly too.
 */
export function readResumeState(dir: string): ResumeState {
  const p = paths(dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunFolderError(`resume: no such run folder ${dir}`);
  if (!existsSync(p.config)) throw new RunFolderError(`resume: ${dir} is not a run folder (no ${p.config})`);
  const config = readJsonStrict(p.config);
  if (!isRecord(config)) throw new RunFolderError(`resume: ${p.config} is not a JSON object`);
  const digest = configDigest(config);
  const metrics = readEpochLinesStrict<EpochMetrics>(p.metrics, true);
  const last = metrics.at(-1)?.epoch ?? 0;

  let checkpoint: Checkpoint | undefined;
  if (existsSync(p.latest)) {
    const read = readJsonStrict(p.latest);
    if (!(isRecord(read) && Number.isInteger(read['epoch']) && (read['epoch'] as number) >= 0))
      throw new RunFolderError(`resume: ${p.latest} is not a checkpoint (no non-negative integer epoch)`);
    checkpoint = read as unknown as Checkpoint;
  } else if (last > 1) {
    throw new RunFolderError(`resume: ${p.latest} is missing but ${p.metrics} has ${last} epochs; restore the checkpoint, or start a new run with another --out`);
  }
  const epoch = checkpoint?.epoch ?? 0;
  if (last < epoch) throw new RunFolderError(`resume: ${p.latest} is at epoch ${epoch} but ${p.metrics} ends at epoch ${last}: metric lines are lost`);
  if (last > epoch + 1)
    throw new RunFolderError(`resume: ${p.metrics} runs to epoch ${last} but ${p.latest} is at epoch ${epoch} (a stopped run is at most one epoch past its checkpoint): the checkpoint is older than the run`);
  if (checkpoint?.configDigest !== undefined && checkpoint.configDigest !== digest)
    throw new RunFolderError(`resume: ${p.config} changed since the run started (its digest differs from the one in ${p.latest}); restore it, or start a new run with another --out`);
  readEpochLinesStrict(p.attacks, false);
  readEpochLinesStrict(p.league, true);
  return { config, configDigest: digest, checkpoint, epoch, metrics: metrics.filter((line) => line.epoch <= epoch) };
}

/**
 * Cuts every JSON-lines file a resume continues to epochs 1..epoch (what the checkpoint covers):
 * metrics.jsonl, and attacks.jsonl and league.jsonl where present. Each is read strictly and
 * rewritten atomically.
 */
export function truncateToCheckpoint(dir: string, epoch: number): void {
  const p = paths(dir);
  truncateJsonLines(p.metrics, epoch, true);
  if (existsSync(p.attacks)) truncateJsonLines(p.attacks, epoch);
  if (existsSync(p.league)) truncateJsonLines(p.league, epoch, true);
}
