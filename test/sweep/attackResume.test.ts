// `cgym attack --resume` (what a sweep runs for a stopped attack job): an attack killed mid-run
// continues from its last checkpoint and ends with the uninterrupted attack's metric lines (up to
// the timing keys) and break rate.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgym, ROOT } from '../cli/cgym.js';

const MAIN = resolve(ROOT, 'dist/src/cli/main.js');
const folder = mkdtempSync(join(tmpdir(), 'cgym-attack-resume-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const ATTACK = ['attack', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--epochs', '120', '--batch', '64', '--seed', '5', '--trace-episodes', '200'];
const lines = (run: string) => readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n');
const withoutTiming = (run: string) => lines(run).map((line) => line.replace(/,"episodesPerSecond".*$/, ''));

describe('cgym attack --resume', () => {
  it('continues a killed attack from its checkpoint to the uninterrupted attack\'s results', async () => {
    const stopped = join(folder, 'stopped');
    const child = spawn(process.execPath, [MAIN, ...ATTACK, '--out', stopped], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise((done) => child.on('close', done));
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      if (existsSync(join(stopped, 'metrics.jsonl')) && lines(stopped).length >= 10) break;
    }
    child.kill('SIGKILL');
    await exited;
    const epochsAtKill = lines(stopped).length;
    expect(epochsAtKill).toBeGreaterThanOrEqual(10);
    expect(epochsAtKill).toBeLessThan(120);

    const resumed = cgym([...ATTACK, '--out', stopped, '--resume', '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const whole = cgym([...ATTACK, '--out', join(folder, 'whole'), '--json']);
    expect(whole.status, whole.stderr).toBe(0);
    expect(withoutTiming(stopped)).toEqual(withoutTiming(join(folder, 'whole')));
    const [a, b] = [JSON.parse(resumed.stdout), JSON.parse(whole.stdout)] as Array<Record<string, unknown>>;
    expect(a['breakRate']).toBe(b['breakRate']);
    expect(a['attack']).toBe(b['attack']);
    expect(a['epochs']).toBe(120);
  }, 120_000);
});
