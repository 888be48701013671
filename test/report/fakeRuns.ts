// Small fake run folders, written as the trainer writes them, for the report tests.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EPOCH_METRICS, type EpochRow } from '../../src/report/runFolder.js';

export interface FakeRun {
  name: string;
  scenario?: string;
  algo?: string;
  seed?: number;
  /** Extra config keys (hyper-parameters). */
  config?: Record<string, unknown>;
  /** Per-epoch values; missing metrics are written as null. */
  epochs: Array<Partial<EpochRow>>;
  /** Write `summary.json` too. */
  summary?: Record<string, unknown>;
}

export function tempDir(prefix = 'cgym-report-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `root/<name>/{config.json, metrics.jsonl[, summary.json]}` and returns the folder. */
export function writeFakeRun(root: string, run: FakeRun): string {
  const dir = join(root, run.name);
  mkdirSync(dir, { recursive: true });
  const scenario = { name: run.scenario ?? 'honest-consensus', n: 3, f: 0 };
  const config = { name: run.name, scenario, algo: run.algo ?? 'reinforce', seed: run.seed ?? 0, ...run.config };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  const lines = run.epochs.map((partial, i) => {
    const row: Record<string, number | null> = { epoch: partial.epoch ?? i + 1 };
    for (const key of EPOCH_METRICS) row[key] = partial[key] ?? null;
    return JSON.stringify(row) + '\n';
  });
  writeFileSync(join(dir, 'metrics.jsonl'), lines.join(''));
  if (run.summary) writeFileSync(join(dir, 'summary.json'), JSON.stringify(run.summary));
  return dir;
}

/** A rising win-rate curve: epoch e of E has win rate start + (end − start)·e/E. */
export function risingEpochs(epochs: number, start: number, end: number, extra: (e: number) => Partial<EpochRow> = () => ({})): Array<Partial<EpochRow>> {
  return Array.from({ length: epochs }, (_, i) => {
    const e = i + 1;
    const winRate = start + ((end - start) * e) / epochs;
    return { epoch: e, winRate, honestReward: 2 * winRate - 1, adversaryReward: 1 - 2 * winRate, ...extra(e) };
  });
}
