/**
 * Loads a scenario from a preset name or a JSON file, applies `key=value` overrides (dotted keys
 * for nested ones), and validates the result. Every failure is a ScenarioError with one clear line.
 */
import { existsSync } from 'node:fs';
import { PRESETS } from './presets.js';
import { FileTooLargeError, readTextFileCapped } from './readTextFileCapped.js';
import { parseScenario, ScenarioError, type Scenario } from './scenario.js';

export type ScenarioSource = string | Record<string, unknown>;

/** Parses the right-hand side of `--set key=value`: JSON when it parses, else a plain string. */
function parseOverrideValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Keys that reach an object's prototype instead of an own property: `--set __proto__.x=1` would
 * otherwise give every object in the process an `x`.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The dotted path of the first number in `value` that is not finite (JSON reads 1e400 as Infinity), if any. */
function nonFiniteAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = nonFiniteAt(inner, `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Applies `key=value` overrides to a raw scenario object (not yet validated). */
export function applyOverrides(raw: Record<string, unknown>, overrides: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(raw);
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new ScenarioError(`--set ${override}: expected key=value (e.g. f=1 or rewards.noCommit=-2)`);
    const path = override.slice(0, eq).split('.');
    const forbidden = path.find((key) => FORBIDDEN_KEYS.has(key));
    if (forbidden !== undefined) throw new ScenarioError(`--set ${override}: key ${forbidden} is not a scenario key (it would reach every object's prototype)`);
    const text = override.slice(eq + 1);
    const value = parseOverrideValue(text);
    const infinite = nonFiniteAt(value, path.join('.'));
    if (infinite !== undefined) throw new ScenarioError(`--set ${override}: ${infinite}=${text} is out of range (not a finite number)`);
    let node: Record<string, unknown> = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (next === undefined) node[key] = {};
      else if (next === null || typeof next !== 'object' || Array.isArray(next))
        throw new ScenarioError(`--set ${override}: ${key} is not an object, so ${path.join('.')} cannot be set`);
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  }
  return out;
}

/** A scenario is a few hundred bytes; anything near this is the wrong file. */
const MAX_SCENARIO_FILE_BYTES = 1024 * 1024;

function readRaw(source: string): { raw: Record<string, unknown>; label: string } {
  const preset = PRESETS[source];
  if (preset) return { raw: { name: source, ...preset } as Record<string, unknown>, label: `scenario ${source}` };
  const looksLikeFile = source.endsWith('.json') || source.includes('/');
  if (!looksLikeFile || !existsSync(source)) {
    const hint = looksLikeFile ? 'no such file' : `not a preset (presets: ${Object.keys(PRESETS).join(', ')})`;
    throw new ScenarioError(`scenario ${source}: ${hint}`);
  }
  let text: string;
  try {
    text = readTextFileCapped(source, MAX_SCENARIO_FILE_BYTES, 'scenario file');
  } catch (error) {
    if (error instanceof FileTooLargeError) throw new ScenarioError(error.message);
    throw error; // an unreadable file (EACCES, EISDIR…): the command line names the path and the reason
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`scenario file ${source}: malformed JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ScenarioError(`scenario file ${source}: must hold a JSON object`);
  const infinite = nonFiniteAt(parsed, '');
  if (infinite !== undefined) throw new ScenarioError(`scenario file ${source}: ${infinite.slice(1)} is out of range (not a finite number)`);
  const raw = parsed as Record<string, unknown>;
  const name = typeof raw['name'] === 'string' ? raw['name'] : source.replace(/^.*\//, '').replace(/\.json$/, '');
  return { raw: { ...raw, name }, label: `scenario file ${source}` };
}

/**
 * A validated scenario from a preset name, a JSON file path, or a raw object, with overrides.
 * @example loadScenario('byzantine-breaking', ['maxRounds=3'])
 */
export function loadScenario(source: ScenarioSource, overrides: readonly string[] = []): Scenario {
  const { raw, label } = typeof source === 'string' ? readRaw(source) : { raw: source, label: 'scenario' };
  return parseScenario(applyOverrides(raw, overrides), label);
}
