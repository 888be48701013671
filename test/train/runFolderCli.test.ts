// `cgym train` keeps run folders whole: it writes only into a new or empty folder, holds the
// folder for the life of the run, and a resume refuses a folder it would continue wrongly.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMetrics } from '../../src/train/runFolder.js';
import { cgym } from '../cli/cgym.js';

const dir = mkdtempSync(join(tmpdir(), 'cgym-folder-'));
const SMALL = ['--scenario', 'honest-consensus', '--batch', '16', '--epochs', '3'];
const MAIN = resolve(__dirname, '../../dist/src/cli/main.js');

describe('cgym train: run folders', () => {
  it('refuses a folder holding the user\'s files, the root and an empty name, and touches nothing', () => {
    const mine = join(dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'summary.json'), 'my summary');
    writeFileSync(join(mine, 'metrics.jsonl'), 'my metrics\n');
    const run = cgym(['train', ...SMALL, '--out', mine]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`cgym: train: --out ${mine} is not empty and not a run folder (it holds metrics.jsonl, summary.json); choose a new or empty folder\n`);
    expect(readFileSync(join(mine, 'summary.json'), 'utf8')).toBe('my summary');
    expect(readFileSync(join(mine, 'metrics.jsonl'), 'utf8')).toBe('my metrics\n');
    expect(existsSync(join(mine, 'checkpoints'))).toBe(false);
    expect(cgym(['train', ...SMALL, '--out', '/']).stderr).toBe('cgym: train: --out / is a filesystem root; name a folder for the run\n');
    expect(cgym(['train', ...SMALL, '--out', '']).stderr).toBe('cgym: train: --out is empty; name a folder for the run\n');
  });

  it('a second process on a folder in use gets one line and exit 1; the first finishes unharmed', async () => {
    const out = join(dir, 'busy');
    const first = spawn(process.execPath, [MAIN, 'train', '--scenario', 'honest-consensus', '--batch', '16', '--epochs', '100000', '--out', out], { stdio: 'ignore' });
    try {
      for (let waited = 0; waited < 60_000 && readMetrics(out).length < 2; waited += 100) await new Promise((r) => setTimeout(r, 100));
      const second = cgym(['train', '--resume', '--out', out]);
      expect(second.status).toBe(1);
      expect(second.stderr).toBe(`cgym: train: run folder ${out} is in use by pid ${first.pid} (lock file ${join(out, 'lock')}); wait for that run to end, or use another --out\n`);
      const fresh = cgym(['train', ...SMALL, '--out', out]);
      expect(fresh.stderr).toMatch(/already exists \(use --resume to continue it, or another --out\)/);
    } finally {
      first.kill('SIGKILL');
      await new Promise((r) => first.on('exit', r));
    }
    // Killed by a signal, its lock is stale: the resume takes it over and continues from the checkpoint.
    const lines = readMetrics(out).length;
    const resumed = cgym(['train', '--resume', '--out', out, '--epochs', String(lines + 1)]);
    expect(resumed.stderr).not.toMatch(/cgym:/);
    expect(resumed.status).toBe(0);
    expect(readMetrics(out).map((m) => m.epoch)).toEqual(Array.from({ length: lines + 1 }, (_, k) => k + 1));
  });

  it('a resume refuses a deleted checkpoint, a corrupt metrics line and an edited config.json, naming the file', () => {
    const base = join(dir, 'base');
    expect(cgym(['train', ...SMALL, '--out', base]).status).toBe(0);
    const copy = (name: string) => {
      const out = join(dir, name);
      rmSync(out, { recursive: true, force: true });
      expect(cgym(['train', ...SMALL, '--out', out]).status).toBe(0);
      return out;
    };
    const noCheckpoint = copy('no-checkpoint');
    rmSync(join(noCheckpoint, 'checkpoints', 'latest.json'));
    expect(cgym(['train', '--resume', '--out', noCheckpoint]).stderr).toBe(
      `cgym: resume: ${join(noCheckpoint, 'checkpoints', 'latest.json')} is missing but ${join(noCheckpoint, 'metrics.jsonl')} has 3 epochs; restore the checkpoint, or start a new run with another --out\n`,
    );
    expect(readMetrics(noCheckpoint)).toHaveLength(3); // nothing truncated

    const corrupt = copy('corrupt');
    const lines = readFileSync(join(corrupt, 'metrics.jsonl'), 'utf8').split('\n');
    lines[1] = lines[1]!.slice(0, 20);
    writeFileSync(join(corrupt, 'metrics.jsonl'), lines.join('\n'));
    expect(cgym(['train', '--resume', '--out', corrupt, '--epochs', '5']).stderr).toMatch(new RegExp(`^cgym: .*${join(corrupt, 'metrics.jsonl')}.*line 2`));

    const edited = copy('edited');
    const config = JSON.parse(readFileSync(join(edited, 'config.json'), 'utf8'));
    config.scenario.n = 5;
    writeFileSync(join(edited, 'config.json'), JSON.stringify(config));
    expect(cgym(['train', '--resume', '--out', edited, '--epochs', '5']).stderr).toBe(
      `cgym: resume: ${join(edited, 'config.json')} changed since the run started (its digest differs from the one in ${join(edited, 'checkpoints', 'latest.json')}); restore it, or start a new run with another --out\n`,
    );
  });
});
