// Reading run folders as the trainer writes them: config, metrics lines (nulls, repeats, a half-written
// last line), summary, and one-line errors for folders that are not runs.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportError } from '../../src/report/ReportError.js';
import { EPOCH_METRICS, parseMetrics, readRunFolder } from '../../src/report/runFolder.js';
import { METRIC_KEYS as WRITTEN_METRIC_KEYS } from '../../src/train/runFolder.js';
import { tempDir, writeFakeRun } from './fakeRuns.js';

function expectReportError(fn: () => unknown, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ReportError);
  const message = (caught as Error).message;
  for (const fragment of fragments) expect(message).toContain(fragment);
  expect(message).not.toContain('\n');
}

describe('readRunFolder', () => {
  it('knows every metric the trainer writes (the report reads run folders without importing training code)', () => {
    expect([...EPOCH_METRICS].sort()).toEqual(WRITTEN_METRIC_KEYS.filter((k) => k !== 'epoch').sort());
  });

  it('reads the config, every epoch (missing metrics as null) and the summary', () => {
    const root = tempDir();
    const dir = writeFakeRun(root, {
      name: 'hc-s3',
      scenario: 'honest-consensus',
      algo: 'ppo',
      seed: 3,
      epochs: [{ winRate: 0.5, honestReward: -0.2 }, { winRate: 0.75 }],
      summary: { finalWinRate: 0.99 },
    });

    const run = readRunFolder(dir);

    expect(run).toMatchObject({ dir, name: 'hc-s3', scenario: 'honest-consensus', algo: 'ppo', seed: 3, summary: { finalWinRate: 0.99 } });
    expect(run.metrics.map((m) => [m.epoch, m.winRate, m.honestReward, m.adversaryReward])).toEqual([
      [1, 0.5, -0.2, null],
      [2, 0.75, null, null],
    ]);
  });

  it('sorts epochs, keeps the last line of a repeated epoch, and skips a half-written last line', () => {
    const text = ['{"epoch":2,"winRate":0.2}', '{"epoch":1,"winRate":0.1}', '{"epoch":2,"winRate":0.25}', '{"epoch":3,"winR'].join('\n');
    expect(parseMetrics(text).map((m) => [m.epoch, m.winRate])).toEqual([
      [1, 0.1],
      [2, 0.25],
    ]);
  });

  it('rejects a malformed line that is not the last one, naming the line', () => {
    expectReportError(() => parseMetrics('{"epoch":1}\nnot json\n{"epoch":2}\n', 'run folder r'), 'run folder r', 'line 2', 'not valid JSON');
    expectReportError(() => parseMetrics('{"epoch":1,"winRate":"high"}\n'), 'line 1', 'winRate="high"');
    expectReportError(() => parseMetrics('{"winRate":0.5}\n'), 'epoch=undefined');
  });

  it('says what is wrong with a folder that is not a run', () => {
    const root = tempDir();
    expectReportError(() => readRunFolder(join(root, 'missing')), `no such run folder: ${join(root, 'missing')}`);
    mkdirSync(join(root, 'bare'));
    expectReportError(() => readRunFolder(join(root, 'bare')), 'no config.json');
    writeFileSync(join(root, 'bare', 'config.json'), '{"name":');
    expectReportError(() => readRunFolder(join(root, 'bare')), 'config.json is not valid JSON');
    writeFileSync(join(root, 'bare', 'config.json'), '{"name":"bare"}');
    expectReportError(() => readRunFolder(join(root, 'bare')), 'no scenario name');
  });

  it('refuses a run with no epochs yet unless asked to allow it', () => {
    const root = tempDir();
    const dir = writeFakeRun(root, { name: 'fresh', epochs: [] });
    expectReportError(() => readRunFolder(dir), `run folder ${dir}: metrics.jsonl has no epochs yet`);
    expect(readRunFolder(dir, { allowEmpty: true }).metrics).toEqual([]);
    appendFileSync(join(dir, 'metrics.jsonl'), '{"epoch":1,"winRate":0.3}\n');
    expect(readRunFolder(dir).metrics).toHaveLength(1);
  });
});
