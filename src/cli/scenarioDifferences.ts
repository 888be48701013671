/**
 * Where two validated scenarios differ as games: the dotted keys (leaves) with both values. The
 * name and the description are prose, not rules, and never differ here.
 */
import type { Scenario } from '../game/scenario.js';

export interface ScenarioDifference {
  key: string;
  a: unknown;
  b: unknown;
}

const PROSE_KEYS: ReadonlySet<string> = new Set(['name', 'description']);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function scenarioDifferences(a: Scenario, b: Scenario): ScenarioDifference[] {
  const found: ScenarioDifference[] = [];
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (isObject(x) && isObject(y)) {
      for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) if (!(path === '' && PROSE_KEYS.has(key))) walk(x[key], y[key], path === '' ? key : `${path}.${key}`);
      return;
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) found.push({ key: path, a: x, b: y });
  };
  walk(a, b, '');
  return found;
}

/** A value as `key=value` shows it: strings bare, everything else as JSON. */
export const shownValue = (value: unknown): string => (value === undefined ? 'unset' : typeof value === 'string' ? value : JSON.stringify(value));
