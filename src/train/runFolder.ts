/**
 * Run folders, `runs/<name>/`: `config.json`, `metrics.jsonl` (one JSON object per epoch),
 * `checkpoints/latest.json` (weights + Adam state + epoch: enough to resume exactly) and
 * `summary.json`. Whole files are written atomically (temp file + rename); metric lines are
 * appended, and a resume drops any line past the last checkpoint.
 */
import type { Attack } from '../protocols/adversaries/attackPool.js';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SavedPolicy } from '../policy/PolicyNetwork.js';

/** Metric keys of one epoch line, in order (null when not applicable). */
export const METRIC_KEYS = [
  'epoch', 'winRate', 'consistencyViolationRate', 'validityViolationRate', 'terminationViolationRate', 'majorityCorrectRate',
  'honestReward', 'adversaryReward', 'honestEntropy', 'adversaryEntropy', 'honestLoss', 'adversaryLoss', 'valueLoss',
  'evalWinRate', 'verifiedWorstCaseLoss', 'episodesPerSecond', 'agentDecisionsPerSecond', 'wallSeconds',
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
});

export function createRunFolder(dir: string): void {
  mkdirSync(paths(dir).checkpoints, { recursive: true });
}

export function appendMetrics(dir: string, metrics: EpochMetrics): void {
  const ordered = Object.fromEntries(METRIC_KEYS.map((k) => [k, metrics[k]]));
  appendFileSync(paths(dir).metrics, JSON.stringify(ordered) + '\n');
}

/** The lines of a JSON-lines file (none if it is missing; a line torn by a kill is skipped). */
export function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const out: T[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // a line torn by a kill: the resume rewrites the file without it
    }
  }
  return out;
}

/** Keeps the lines of epochs 1..epoch (what the checkpoint covers), rewritten atomically. */
export function truncateJsonLines(file: string, epoch: number): void {
  const kept = readJsonLines<{ epoch: number }>(file).filter((line) => line.epoch <= epoch);
  writeAtomic(file, kept.map((line) => JSON.stringify(line) + '\n').join(''));
}

/** The metric lines of a run (a torn last line is skipped). */
export function readMetrics(dir: string): EpochMetrics[] {
  return readJsonLines<EpochMetrics>(paths(dir).metrics);
}

/** Keeps the metric lines of epochs 1..epoch (what the checkpoint covers), rewritten atomically. */
export function truncateMetrics(dir: string, epoch: number): void {
  truncateJsonLines(paths(dir).metrics, epoch);
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
  return readJsonLines<AttackLine>(paths(dir).attacks);
}
