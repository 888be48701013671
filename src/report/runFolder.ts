/**
 * Reads a training run folder (`runs/<name>/`) as the trainer leaves it (read only; the format and
 * its metric keys are the trainer's, src/train/runFolder.ts):
 *
 * | file | content |
 * |---|---|
 * | `config.json` | at least `name`, `scenario` (the resolved scenario, with `.name`), `algo`, `seed` |
 * | `metrics.jsonl` | one JSON object per epoch: `epoch` and the `EPOCH_METRICS` (each a number or null) |
 * | `summary.json` | optional: the final summary |
 *
 * A run still training may have a last metrics line half written: it is skipped, not an error.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { METRIC_KEYS, type MetricKey } from '../train/runFolder.js';
import { ReportError } from './ReportError.js';

/** Every per-epoch metric the trainer writes besides `epoch` (the trainer's list is the contract). */
export const EPOCH_METRICS = METRIC_KEYS.filter((key): key is Exclude<MetricKey, 'epoch'> => key !== 'epoch');

export type EpochMetric = Exclude<MetricKey, 'epoch'>;

/** One line of `metrics.jsonl`; a metric the trainer did not measure (or wrote as null) is null. */
export type EpochRow = { epoch: number } & Record<EpochMetric, number | null>;

export interface RunFolder {
  /** The folder as given. */
  dir: string;
  /** `config.name`, or the folder's name. */
  name: string;
  /** `config.scenario.name`. */
  scenario: string;
  algo: string;
  seed: number | null;
  /** `config.json` as written. */
  config: Record<string, unknown>;
  /** One entry per epoch, sorted by epoch; a repeated epoch keeps its last line. */
  metrics: EpochRow[];
  /** `summary.json`, if the run has finished. */
  summary: Record<string, unknown> | null;
}

export interface ReadRunOptions {
  /** Accept a run with no epoch yet (a run that has just started); default false: that is an error. */
  allowEmpty?: boolean;
}

export function isEpochMetric(key: string): key is EpochMetric {
  return (EPOCH_METRICS as readonly string[]).includes(key);
}

export function readRunFolder(dir: string, options: ReadRunOptions = {}): RunFolder {
  const where = `run folder ${dir}`;
  if (!existsSync(dir)) throw new ReportError(`no such run folder: ${dir}`); // worded as every command words it
  if (!statSync(dir).isDirectory()) throw new ReportError(`${where}: not a directory`);
  const configFile = join(dir, 'config.json');
  if (!existsSync(configFile)) throw new ReportError(`${where}: no config.json (is it a run folder?)`);
  const config = readJsonObject(configFile, where, 'config.json');

  const scenario = config['scenario'];
  const scenarioName = typeof scenario === 'string' ? scenario : isObject(scenario) && typeof scenario['name'] === 'string' ? scenario['name'] : undefined;
  if (scenarioName === undefined) throw new ReportError(`${where}: config.json has no scenario name (scenario.name)`);
  const name = typeof config['name'] === 'string' && config['name'] !== '' ? config['name'] : basename(resolve(dir));
  const algo = typeof config['algo'] === 'string' ? config['algo'] : 'unknown';
  const seed = typeof config['seed'] === 'number' ? config['seed'] : null;

  const metricsFile = join(dir, 'metrics.jsonl');
  const metrics = existsSync(metricsFile) ? parseMetrics(readFileSync(metricsFile, 'utf8'), where) : [];
  if (metrics.length === 0 && !options.allowEmpty) throw new ReportError(`${where}: metrics.jsonl has no epochs yet`);

  const summaryFile = join(dir, 'summary.json');
  const summary = existsSync(summaryFile) ? readJsonObject(summaryFile, where, 'summary.json') : null;
  return { dir, name, scenario: scenarioName, algo, seed, config, metrics, summary };
}

/** Parses the text of a `metrics.jsonl`; `where` prefixes errors. */
export function parseMetrics(text: string, where = 'metrics'): EpochRow[] {
  const lines = text.split('\n');
  // A file that does not end in a newline may be mid-write: its last line is only trusted if it parses.
  const complete = text.endsWith('\n');
  const byEpoch = new Map<number, EpochRow>();
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const at = `${where}: metrics.jsonl line ${index + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (!complete && index === lines.length - 1) return;
      throw new ReportError(`${at}: not valid JSON`);
    }
    if (!isObject(parsed)) throw new ReportError(`${at}: not a JSON object`);
    const epoch = parsed['epoch'];
    if (!(typeof epoch === 'number' && Number.isInteger(epoch) && epoch >= 0)) throw new ReportError(`${at}: epoch=${JSON.stringify(epoch)} is not a non-negative integer`);
    const row = { epoch } as EpochRow;
    for (const key of EPOCH_METRICS) {
      const value = parsed[key];
      if (value === undefined || value === null) row[key] = null;
      else if (typeof value === 'number' && Number.isFinite(value)) row[key] = value;
      else throw new ReportError(`${at}: ${key}=${JSON.stringify(value)} is not a number or null`);
    }
    byEpoch.set(epoch, row);
  });
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

function readJsonObject(file: string, where: string, label: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ReportError(`${where}: ${label} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isObject(parsed)) throw new ReportError(`${where}: ${label} does not hold a JSON object`);
  return parsed;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
