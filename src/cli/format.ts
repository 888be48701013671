/**
 * Plain-text output helpers for the command line: aligned tables, rates and counts.
 */
import { PRESETS } from '../game/presets.js';
import { parseScenario, type Scenario } from '../game/scenario.js';
import { scenarioDifferences, shownValue } from './scenarioDifferences.js';

export type Align = 'left' | 'right';

/** Columns separated by two spaces; `align[c]` per column (left by default); a dashed rule under a header. */
export function formatTable(rows: readonly (readonly string[])[], options: { header?: boolean; align?: readonly Align[]; indent?: string } = {}): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, cell.length)));
  const pad = (cell: string, c: number) => (options.align?.[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!));
  const indent = options.indent ?? '';
  const lines = rows.map((row) => indent + row.map(pad).join('  ').trimEnd());
  if (options.header && rows.length > 0) lines.splice(1, 0, indent + widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n') + '\n';
}

/** `0.5` → `50.00%`. */
export const percent = (rate: number): string => `${(100 * rate).toFixed(2)}%`;

/** `1234567` → `1,234,567`. */
export const count = (x: number): string => Math.round(x).toLocaleString('en-US');

/** A mean to two decimals. */
export const mean = (x: number): string => x.toFixed(2);

/**
 * The scenario as a result's header names it, so the header says what was played: the name, then
 * the `--set` overrides as given, then any other key where the game differs from the preset of that
 * name (a scenario file or a run trained with overrides): `honest-consensus (n=5 via --set)`,
 * `byzantine-breaking (maxRounds=3 unlike the preset)`.
 */
export function scenarioLabel(scenario: Scenario, set: readonly string[] = []): string {
  const parts: string[] = [];
  if (set.length > 0) parts.push(`${set.join(', ')} via --set`);
  const preset = PRESETS[scenario.name];
  if (preset) {
    const setKeys = set.map((override) => override.slice(0, Math.max(0, override.indexOf('='))));
    const covered = (key: string) => setKeys.some((setKey) => key === setKey || key.startsWith(`${setKey}.`) || setKey.startsWith(`${key}.`));
    const unlike = scenarioDifferences(scenario, parseScenario({ name: scenario.name, ...preset }, `preset ${scenario.name}`)).filter((d) => !covered(d.key));
    if (unlike.length > 0) parts.push(`${unlike.map((d) => `${d.key}=${shownValue(d.a)}`).join(', ')} unlike the preset`);
  }
  return parts.length === 0 ? scenario.name : `${scenario.name} (${parts.join('; ')})`;
}
