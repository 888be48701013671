/**
 * A sweep file: a base config and the axes to vary, expanded into a grid of jobs (SweepJob.ts).
 *
 * ```json
 * { "kind": "train", "out": "sweeps/lr",
 *   "base": { "scenario": "honest-consensus", "epochs": 50 },
 *   "axes": { "reinforce.learningRate": [0.01, 0.03], "set.n": [4, 5], "seed": [0, 1, 2] } }
 * ```
 *
 * `base` holds the command's config keys (those of its `--config` file). An axis is either a list
 * of values for one key (a dotted key reaches into a nested object; `set.<key>` adds the scenario
 * override `<key>=<value>`), or an object of named variants, each a partial config laid over the
 * base (and its own `kind`, if it says): `"experiment": { "pki": { "recipe": "pki" }, "breaking":
 * { "kind": "attack", "scenario": "byzantine-breaking", "honest": "majority" } }`. The grid is the
 * product of the axes, the first outermost.
 *
 * A job's name is its axes' values in order, `__`-joined (`lr0.01__n4__seed0`: a number follows its
 * key, a text follows `key-`; a variant is its own name); its run folder is `<out>/runs/<name>` and
 * its config `<out>/jobs/<name>.json`. The summary table's cells are the names without the seed.
 */
import { existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { integer, parseConfig, text, version } from '../game/parseConfig.js';
import { MAX_TEXT_FILE_BYTES, readTextFileCapped } from '../game/readTextFileCapped.js';
import { defaultRecipe, RECIPES } from '../train/recipes.js';
import { ReportError } from '../report/ReportError.js';
import { JOB_KINDS, type JobKind, type SweepJob } from './SweepJob.js';

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'must be a text, a number or true/false' });
const configObject = z.record(z.string(), z.unknown(), { error: 'must be a JSON object of config keys' });
const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** One axis: values of one key, or named variants (partial configs, each maybe with its own kind). */
const axis = z.union(
  [
    z.array(z.union([scalar, z.array(scalar)]), { error: 'must be a list of values' }).min(1, 'must list at least one value'),
    z.record(z.string().regex(VARIANT_NAME, 'must be a variant name of letters, digits, ".", "_" or "-"'), configObject).refine((variants) => Object.keys(variants).length > 0, 'must name at least one variant'),
  ],
  { error: 'must be a list of values, or an object of named variants (each a config object)' },
);

export const SweepFileSchema = z.strictObject({
  version: version(),
  /** The command each job runs (a variant may name its own). */
  kind: z.enum(JOB_KINDS, { error: `must be one of ${JOB_KINDS.join(', ')}` }).default('train'),
  /** The sweep folder (runs/, jobs/, summary.md); null: sweeps/<the file's name>. */
  out: text('a folder').nullable().default(null),
  /** The config every job starts from: the command's --config keys. */
  base: configObject.default({}),
  /** The axes to vary, in order (the first outermost). */
  axes: z.record(z.string().min(1, 'must name a config key'), axis, { error: 'must be an object of axes' }).default({}),
  /** The summary fields tabulated (mean ± sd per cell over seeds); null: each kind's own. */
  metrics: z.array(text('a summary field'), { error: 'must be a list of summary fields' }).min(1, 'must name at least one field').nullable().default(null),
  /** Jobs at once on this machine; null: every core (`--jobs` overrides). */
  jobs: integer(1, 256).nullable().default(null),
});
export type SweepFile = z.output<typeof SweepFileSchema>;

/** The fields a kind's summary table shows by default (its `--json` keys). */
export const DEFAULT_METRICS: Readonly<Record<JobKind, readonly string[]>> = {
  train: ['finalWinRate', 'majorityCorrectRate'],
  attack: ['breakRate'],
  verify: ['worstCaseLossRate'],
};

/** A job with the config it writes to `<out>/jobs/<name>.json` before it first runs. */
export interface PlannedJob extends SweepJob {
  configFile: string;
  config: Record<string, unknown>;
}

export interface SweepPlan {
  out: string;
  jobs: PlannedJob[];
  metrics: string[];
  workers: number | null;
}

export function parseSweepFile(input: unknown): SweepFile {
  return parseConfig(SweepFileSchema, input, 'sweep');
}

/** The file's grid as jobs, in order (the first axis outermost). Refuses two jobs of one name. */
export function planSweep(sweep: SweepFile, file: string): SweepPlan {
  const out = resolve(sweep.out ?? join('sweeps', basename(file, extname(file))));
  let points: Array<{ segments: string[]; seed: number | null; kind: JobKind; config: Record<string, unknown> }> = [{ segments: [], seed: null, kind: sweep.kind, config: structuredClone(sweep.base) }];
  for (const [key, values] of Object.entries(sweep.axes)) {
    points = points.flatMap((point) => {
      if (!Array.isArray(values)) {
        return Object.entries(values).map(([name, variant]) => {
          const { kind, ...config } = variant;
          if (kind !== undefined && !JOB_KINDS.includes(kind as JobKind)) throw new RangeError(`sweep: axes.${key}.${name}.kind=${JSON.stringify(kind)}: must be one of ${JOB_KINDS.join(', ')}`);
          return { segments: [...point.segments, name], seed: point.seed, kind: (kind as JobKind | undefined) ?? point.kind, config: overlay(point.config, config) };
        });
      }
      return values.map((value) => {
        if (key === 'seed' && !(typeof value === 'number' && Number.isInteger(value) && value >= 0)) throw new RangeError(`sweep: axes.seed=${JSON.stringify(value)}: must be a list of integer seeds ≥ 0`);
        return { segments: [...point.segments, segment(key, value)], seed: key === 'seed' ? (value as number) : point.seed, kind: point.kind, config: withAxisValue(point.config, key, value) };
      });
    });
  }
  const jobs = points.map((point) => {
    const name = point.segments.length > 0 ? point.segments.join('__') : 'job';
    const cell = point.segments.filter((s, k) => !(Object.keys(sweep.axes)[k] === 'seed' && s.startsWith('seed'))).join('__') || 'all';
    return plannedJob(out, name, cell, point.seed, point.kind, point.config);
  });
  const seen = new Map<string, number>();
  jobs.forEach((job, k) => {
    const before = seen.get(job.name);
    if (before !== undefined) throw new RangeError(`sweep: jobs ${before + 1} and ${k + 1} of the grid are both named ${job.name} (two axis values read alike as a file name); make the values differ`);
    seen.set(job.name, k);
  });
  const kinds = [...new Set(jobs.map((j) => j.kind))];
  const metrics = sweep.metrics ?? [...new Set(kinds.flatMap((kind) => DEFAULT_METRICS[kind]))];
  return { out, jobs, metrics, workers: sweep.jobs };
}

function plannedJob(out: string, name: string, cell: string, seed: number | null, kind: JobKind, given: Record<string, unknown>): PlannedJob {
  const run = join(out, 'runs', name);
  const configFile = join(out, 'jobs', `${name}.json`);
  const config = kind === 'train' ? withRecipe(given, name) : given;
  const label = name.replace(/__/g, ' ');
  const json = ['--json'];
  switch (kind) {
    case 'train':
      return { name, label, kind, cell, seed, run, configFile, config, args: ['train', '--config', configFile, '--out', run, ...json], resumeArgs: ['train', '--resume', '--out', run, ...json], keepResult: true };
    case 'attack':
      return { name, label, kind, cell, seed, run, configFile, config, args: ['attack', '--config', configFile, '--out', run, ...json], resumeArgs: ['attack', '--config', configFile, '--out', run, '--resume', ...json], keepResult: true };
    case 'verify':
      return { name, label, kind, cell, seed, run, configFile, config, args: ['verify', '--config', configFile, ...json], resumeArgs: null, keepResult: true };
  }
}

/**
 * A train job's config as `cgym train` builds it from a recipe: the named recipe's config (`recipe`,
 * else the scenario preset's own; `none`: no recipe) with the job's keys laid over it.
 */
function withRecipe(config: Record<string, unknown>, name: string): Record<string, unknown> {
  const recipe = config['recipe'] ?? defaultRecipe(config['scenario']);
  if (recipe === undefined || recipe === null || recipe === 'none') {
    const { recipe: _none, ...rest } = config;
    return rest;
  }
  if (typeof recipe !== 'string' || !Object.hasOwn(RECIPES, recipe)) throw new RangeError(`sweep: job ${name}: recipe=${JSON.stringify(recipe)}: no such recipe (known: ${Object.keys(RECIPES).join(', ')}, none)`);
  return overlay({ ...(RECIPES[recipe]!.config as Record<string, unknown>), recipe }, config);
}

/** `base` with `over`'s keys laid on top, objects merged key by key. */
function overlay(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const before = out[key];
    out[key] = isObject(value) && isObject(before) ? overlay(before, value) : structuredClone(value);
  }
  return out;
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

/** The config with one axis value: `set.<key>` adds a scenario override, a dotted key sets a nested one. */
function withAxisValue(config: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  if (key.startsWith('set.')) {
    const set = config['set'];
    if (set !== undefined && !Array.isArray(set)) throw new RangeError(`sweep: base.set=${JSON.stringify(set)}: must be a list of key=value overrides (axis ${key} adds to it)`);
    return { ...config, set: [...((set as unknown[] | undefined) ?? []), `${key.slice(4)}=${Array.isArray(value) ? value.join(',') : String(value)}`] };
  }
  const path = key.split('.');
  const out = structuredClone(config);
  let node = out;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (next !== undefined && !isObject(next)) throw new RangeError(`sweep: axis ${key}: ${part} is not an object in the base config`);
    node = (node[part] ??= {}) as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
  return out;
}

/** A value's part of a job name: `seed0`, `lr0.01` for a number, `recipe-pki` for a text. */
function segment(key: string, value: unknown): string {
  const label = key.startsWith('set.') ? key.slice(4) : key.split('.').at(-1)!;
  const shown = Array.isArray(value) ? value.join(',') : String(value);
  const raw = typeof value === 'number' ? `${label}${shown}` : `${label}-${shown}`;
  return raw.replace(/[^A-Za-z0-9._,+=-]/g, '_');
}

/** A sweep file read from disk, validated (one line naming the key, value and rule). */
export function readSweepFile(file: string): SweepFile {
  if (!existsSync(file)) throw new ReportError(`sweep: ${file}: no such file`);
  let input: unknown;
  try {
    input = JSON.parse(readTextFileCapped(file, MAX_TEXT_FILE_BYTES, 'sweep'));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ReportError(`sweep: ${file}: malformed JSON (${error.message})`);
  }
  if (!isObject(input)) throw new ReportError(`sweep: ${file}: must hold a JSON object (kind, out, base, axes, metrics, jobs)`);
  return parseSweepFile(input);
}
