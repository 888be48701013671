/**
 * The dashboard's reading of a runs folder: which run folders it holds, what each one is (scenario,
 * recipe, seed, schedule), whether it is training, finished or crashed, and what the verifier and
 * the learned adversary measured. Read only, leniently (a run being written may have a torn last
 * line or no summary yet): a reader never repairs a run.
 *
 * A run folder is any folder holding `config.json`, found up to `MAX_DEPTH` levels below the root
 * (`<runs>/<name>`, `<results>/runs/<experiment>__seed<k>`, a sweep's `<runs>/<sweep>/<job>`); a
 * run folder's own subfolders (checkpoints, league snapshots) are not searched. A run's id is its
 * path relative to the root, with `/` separators.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parseMetrics, type EpochRow } from '../report/runFolder.js';
import { paths, processAlive, readJsonLinesLenient } from '../train/runFolder.js';

/** How deep below the runs folder run folders are looked for. */
export const MAX_DEPTH = 3;
/** A run whose lock is held on another host counts as stale once its metrics have not moved for this long. */
export const STALE_AFTER_MS = 10 * 60 * 1000;

/**
 * - `training`: a live process holds the run's lock;
 * - `finished`: no process holds it and `summary.json` is there;
 * - `crashed`: no summary and no live holder (killed, diverged, or stopped by an error);
 * - `stale`: held from another host (whose process cannot be asked) with no new epoch for `STALE_AFTER_MS`.
 */
export type RunStatus = 'training' | 'finished' | 'crashed' | 'stale';

export interface RunEntry {
  /** Path relative to the runs folder, `/`-separated: how the page and the API name the run. */
  id: string;
  name: string;
  scenario: string;
  recipe: string | null;
  seed: number | null;
  algo: string;
  schedule: string;
  status: RunStatus;
  /** Epochs written so far, and the run's planned epochs. */
  epochs: number;
  plannedEpochs: number | null;
  /** The last epoch's line, if any. */
  last: EpochRow | null;
  /** Milliseconds since epoch of the last change to metrics.jsonl (or config.json). */
  updatedAt: number;
}

/** What the verifier and the adversary measured, where the run folder records it. */
export interface RunFindings {
  /** The last `verifiedWorstCaseLoss` in metrics.jsonl (training with --verify-every), with its epoch. */
  lastVerification: { epoch: number; worstCaseLoss: number } | null;
  /** summary.json's `verifiedWorstCaseLoss` (the last verification of the final policy; null: never verified). */
  finalWorstCaseLoss: number | null;
  /** `verified safe` (0 loss) / `unsafe` as the last verification judged, or null. */
  verdict: 'safe' | 'unsafe' | null;
  /** Attacks the verifier found (attacks.jsonl, counterexample-guided training), summed over verifications. */
  verifierAttacks: number;
  /** Under schedule adversary (an attack run): the learned adversary's break rate on the final episodes. */
  breakRate: number | null;
  /** The final greedy evaluation (summary.json). */
  finalWinRate: number | null;
  /** Verify results saved in the folder as JSON (`verify*.json`, the output of `cgym verify --json`). */
  verifyFiles: Array<{ file: string; verdict: string; worstCaseLossRate: number | null; property: string | null; method: string | null }>;
}

export interface RunDetail extends RunEntry {
  config: Record<string, unknown>;
  summary: Record<string, unknown> | null;
  findings: RunFindings;
  /** Which learned sides the latest checkpoint holds. */
  learned: { honest: boolean; adversary: boolean };
  /** The names of the sides it plays against when not learned (config.honest / config.adversary). */
  honest: string;
  adversary: string;
}

/** Every run folder under `root`, sorted by id. */
export function listRuns(root: string): RunEntry[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // vanished or unreadable meanwhile: not a run to show
    }
    if (names.includes('config.json') && dir !== root) {
      found.push(dir);
      return;
    }
    if (depth >= MAX_DEPTH) return;
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (isRealDirectory(path)) walk(path, depth + 1);
    }
  };
  walk(root, 0);
  return found.flatMap((dir) => {
    const entry = readEntry(root, dir);
    return entry ? [entry] : [];
  });
}

/** The run `dir` (under `root`) in full, or undefined if it is not (or no longer) a readable run folder. */
export function readRun(root: string, dir: string): RunDetail | undefined {
  const read = readBasics(root, dir);
  if (!read) return undefined;
  const { entry, config, summary, metrics } = read;
  const checkpoint = readJsonObject(paths(dir).latest);
  return {
    ...entry,
    config,
    summary,
    findings: findings(dir, config, summary, metrics),
    learned: { honest: isObject(checkpoint?.['honest']), adversary: isObject(checkpoint?.['adversary']) },
    honest: typeof config['honest'] === 'string' ? config['honest'] : 'unknown',
    adversary: typeof config['adversary'] === 'string' ? config['adversary'] : 'unknown',
  };
}

/**
 * Parsed metrics by file, kept while the file's size and mtime stay the same: the page asks for
 * every run's last epoch every second, and a long run's metrics.jsonl runs to megabytes.
 */
const metricsCache = new Map<string, { size: number; mtimeMs: number; rows: EpochRow[] }>();

/** The metric lines of a run (a torn last line skipped); an unreadable file gives none. */
export function readRunMetrics(dir: string): EpochRow[] {
  const file = paths(dir).metrics;
  try {
    const { size, mtimeMs } = statSync(file);
    const cached = metricsCache.get(file);
    if (cached && cached.size === size && cached.mtimeMs === mtimeMs) return cached.rows;
    const rows = parseMetrics(readFileSync(file, 'utf8'));
    metricsCache.set(file, { size, mtimeMs, rows });
    return rows;
  } catch {
    return [];
  }
}

/**
 * The status of the run in `dir` (see `RunStatus`). Reads the lock the trainer holds
 * (src/train/runFolder.ts: `{pid, hostname, token, since}`); a live pid on this host is training.
 */
export function runStatus(dir: string, updatedAt: number, now = Date.now()): RunStatus {
  const lock = readJsonObject(paths(dir).lock);
  const pid = lock?.['pid'];
  if (lock && typeof pid === 'number' && Number.isInteger(pid) && pid > 0) {
    if (lock['hostname'] !== hostname()) return now - updatedAt > STALE_AFTER_MS ? 'stale' : 'training';
    if (processAlive(pid)) return 'training';
  }
  return existsSync(paths(dir).summary) ? 'finished' : 'crashed';
}

// ------------------------------------------------------------------ internals

function readEntry(root: string, dir: string): RunEntry | undefined {
  return readBasics(root, dir)?.entry;
}

function readBasics(root: string, dir: string): { entry: RunEntry; config: Record<string, unknown>; summary: Record<string, unknown> | null; metrics: EpochRow[] } | undefined {
  const config = readJsonObject(paths(dir).config);
  if (!config) return undefined; // config.json mid-write or not JSON: shown once it parses
  const summary = readJsonObject(paths(dir).summary) ?? null;
  const metrics = readRunMetrics(dir);
  const updatedAt = Math.max(mtime(paths(dir).metrics), mtime(paths(dir).config));
  const scenario = config['scenario'];
  const id = relative(root, dir).split(sep).join('/');
  const entry: RunEntry = {
    id,
    name: typeof config['name'] === 'string' && config['name'] !== '' ? config['name'] : id,
    scenario: typeof scenario === 'string' ? scenario : isObject(scenario) && typeof scenario['name'] === 'string' ? scenario['name'] : 'unknown',
    recipe: typeof config['recipe'] === 'string' ? config['recipe'] : null,
    seed: typeof config['seed'] === 'number' ? config['seed'] : null,
    algo: typeof config['algo'] === 'string' ? config['algo'] : 'unknown',
    schedule: typeof config['schedule'] === 'string' ? config['schedule'] : 'unknown',
    status: runStatus(dir, updatedAt),
    epochs: metrics.length,
    plannedEpochs: typeof config['epochs'] === 'number' ? config['epochs'] : null,
    last: metrics.at(-1) ?? null,
    updatedAt,
  };
  return { entry, config, summary, metrics };
}

function findings(dir: string, config: Record<string, unknown>, summary: Record<string, unknown> | null, metrics: readonly EpochRow[]): RunFindings {
  const verified = metrics.filter((row) => row.verifiedWorstCaseLoss !== null);
  const last = verified.at(-1);
  const lastVerification = last ? { epoch: last.epoch, worstCaseLoss: last.verifiedWorstCaseLoss! } : null;
  const finalWorstCaseLoss = numberOrNull(summary?.['verifiedWorstCaseLoss']);
  const judged = finalWorstCaseLoss ?? lastVerification?.worstCaseLoss ?? null;
  const finalWinRate = numberOrNull(summary?.['finalWinRate']);
  const attackLines = readJsonLinesLenient<{ attacks?: unknown }>(paths(dir).attacks);
  return {
    lastVerification,
    finalWorstCaseLoss,
    verdict: judged === null ? null : judged === 0 ? 'safe' : 'unsafe',
    verifierAttacks: attackLines.reduce((sum, line) => sum + (Array.isArray(line.attacks) ? line.attacks.length : 0), 0),
    breakRate: config['schedule'] === 'adversary' && finalWinRate !== null ? 1 - finalWinRate : null,
    finalWinRate,
    verifyFiles: verifyFiles(dir),
  };
}

/** `verify*.json` files of the folder that hold a verify result (`verdict` safe or unsafe). */
function verifyFiles(dir: string): RunFindings['verifyFiles'] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => /^verify.*\.json$/.test(name))
    .sort()
    .flatMap((file) => {
      const result = readJsonObject(join(dir, file));
      const verdict = result?.['verdict'];
      if (verdict !== 'safe' && verdict !== 'unsafe') return [];
      const property = result!['property'];
      const method = result!['method'];
      return [{ file, verdict, worstCaseLossRate: numberOrNull(result!['worstCaseLossRate']), property: typeof property === 'string' ? property : null, method: typeof method === 'string' ? method : null }];
    });
}

function readJsonObject(file: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** A folder that is not a symbolic link: the walk never leaves the runs folder through a link. */
function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

const numberOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
