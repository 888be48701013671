// `cgym sweep FILE.json` on this machine, end to end on tiny budgets: a line per finished job, the
// table of mean ± sd per cell on stdout and in summary.md; a re-run runs nothing (every job is
// finished); a sweep killed mid-job resumes its stopped runs from their checkpoints and gives the
// uninterrupted sweep's results exactly; a job whose config changed is refused, as is a bad file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgym, ROOT } from '../cli/cgym.js';

const MAIN = resolve(ROOT, 'dist/src/cli/main.js');
const TIMING = ['wallSeconds', 'episodesPerSecond', 'agentDecisionsPerSecond'];
const folder = mkdtempSync(join(tmpdir(), 'cgym-sweep-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const grid = { kind: 'train', base: { scenario: 'honest-consensus', epochs: 30, batch: 128, finalEpisodes: 1000 }, axes: { 'set.n': [3, 4], seed: [0, 1] } };
const file = join(folder, 'grid.json');
writeFileSync(file, JSON.stringify(grid));
const out = join(folder, 'done');

function metricsOf(dir: string): Record<string, unknown[]> {
  return Object.fromEntries(
    readdirSync(join(dir, 'runs')).sort().map((name) => [
      name,
      readFileSync(join(dir, 'runs', name, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => {
        const metrics = JSON.parse(line) as Record<string, unknown>;
        for (const key of TIMING) delete metrics[key];
        return metrics;
      }),
    ]),
  );
}

async function until<T>(what: string, probe: () => T | undefined, seconds: number): Promise<T> {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

describe('cgym sweep', () => {
  let table = '';

  it('runs every job into its run folder, a line per finished job, and the table of mean ± sd per cell on stdout and in summary.md', () => {
    const run = cgym(['sweep', file, '--jobs', '2', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toBe(`sweep: 4 jobs in ${out}: 0 already finished, 4 to run, 2 at a time`);
    expect(lines.slice(1).map((l) => l.replace(/[\d.]+%/g, 'X%').replace(/\([\d.]+ s\)$/, '(T s)')).sort()).toEqual(
      ['n3 seed0', 'n3 seed1', 'n4 seed0', 'n4 seed1'].map((label) => `sweep: ${label}: finalWinRate X%, majorityCorrectRate X% (T s)`),
    );
    table = run.stdout;
    expect(table.split('\n').slice(0, 4)).toEqual([
      '| cell | kind | jobs done | finalWinRate (mean ± sd) | majorityCorrectRate (mean ± sd) |',
      '|---|---|---:|---:|---:|',
      expect.stringMatching(/^\| n3 \| train \| 2\/2 \| [\d.]+% ± [\d.]+% \| [\d.]+% ± [\d.]+% \|$/),
      expect.stringMatching(/^\| n4 \| train \| 2\/2 \| /),
    ]);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toBe(`# Sweep ${file}\n\n${table}`);
    for (const name of ['n3__seed0', 'n3__seed1', 'n4__seed0', 'n4__seed1']) {
      const result = JSON.parse(readFileSync(join(out, 'runs', name, 'result.json'), 'utf8')) as Record<string, unknown>;
      expect(result).toEqual(JSON.parse(readFileSync(join(out, 'runs', name, 'summary.json'), 'utf8')));
    }
  }, 120_000);

  it('a re-run runs nothing: every job is finished (its run folder untouched), and the table is the same', () => {
    const before = statSync(join(out, 'runs', 'n3__seed0', 'metrics.jsonl')).mtimeMs;
    const again = cgym(['sweep', file, '--out', out]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toBe(`sweep: 4 jobs in ${out}: 4 already finished, 0 to run, 1 at a time\n`);
    expect(again.stdout).toBe(table);
    expect(statSync(join(out, 'runs', 'n3__seed0', 'metrics.jsonl')).mtimeMs).toBe(before);
  });

  it('a sweep killed mid-job resumes its stopped runs from their checkpoints: the results are the uninterrupted sweep\'s', async () => {
    // Jobs of many few-millisecond epochs, so that a kill a few epochs in lands mid-job on any machine:
    // the 30-epoch grid can finish within the ~0.2 s its children take to notice the kill (main.ts).
    const longFile = join(folder, 'long.json');
    writeFileSync(longFile, JSON.stringify({ ...grid, base: { ...grid.base, epochs: 400, batch: 64 }, axes: { seed: [0, 1] } }));
    const whole = join(folder, 'long-whole');
    const uninterrupted = cgym(['sweep', longFile, '--jobs', '2', '--out', whole]);
    expect(uninterrupted.status, uninterrupted.stderr).toBe(0);

    const killed = join(folder, 'killed');
    const sweep = spawn(process.execPath, [MAIN, 'sweep', longFile, '--jobs', '2', '--out', killed], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise((done) => sweep.on('close', done));
    await until('a run some epochs in', () => {
      const runs = existsSync(join(killed, 'runs')) ? readdirSync(join(killed, 'runs')) : [];
      return runs.find((name) => existsSync(join(killed, 'runs', name, 'metrics.jsonl')) && readFileSync(join(killed, 'runs', name, 'metrics.jsonl'), 'utf8').split('\n').length > 5 && !existsSync(join(killed, 'runs', name, 'result.json')));
    }, 60);
    sweep.kill('SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 1000)); // the children notice their parent is gone (main.ts) within 200 ms

    const resumed = cgym(['sweep', longFile, '--jobs', '2', '--out', killed]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr.split('\n')[0]).toMatch(/to run \(\d+ resumed from their checkpoints\)/);
    expect(resumed.stdout).toBe(uninterrupted.stdout);
    expect(metricsOf(killed)).toEqual(metricsOf(whole));
  }, 120_000);

  it('refuses a job whose config changed since it ran, in one line, before running anything', () => {
    const changed = join(folder, 'changed.json');
    writeFileSync(changed, JSON.stringify({ ...grid, base: { ...grid.base, epochs: 31 } }));
    const run = cgym(['sweep', changed, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`cgym: sweep: ${join(out, 'jobs', 'n3__seed0.json')} holds another config than this sweep's job n3__seed0; remove that job's files (jobs/n3__seed0.json, runs/n3__seed0) or choose another --out\n`);
  });

  it('a failed job does not stop the others: they finish, the table shows them, and the sweep exits 1 naming the failure', () => {
    const failing = join(folder, 'failing.json');
    writeFileSync(failing, JSON.stringify({ kind: 'attack', base: { scenario: 'byzantine-breaking', epochs: 3, batch: 32, finalEpisodes: 200, traceEpisodes: 50 }, axes: { honest: ['majority', 'nope'] } }));
    const run = cgym(['sweep', failing, '--jobs', '1', '--out', join(folder, 'failing')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^sweep: honest-nope: FAILED: unknown protocol "nope" \(known: /m);
    expect(run.stderr).toMatch(/^sweep: honest-majority: breakRate [\d.]+% \([\d.]+ s\)$/m);
    expect(run.stderr.trim().split('\n').pop()).toMatch(/^cgym: sweep: 1 of 2 jobs failed \(first: honest-nope failed: cgym: unknown protocol "nope" .*\); run the sweep again to retry them$/);
    expect(run.stdout).toMatch(/^\| honest-majority \| attack \| 1\/1 \| [\d.]+% ± 0\.0% \|$/m);
    expect(run.stdout).toMatch(/^\| honest-nope \| attack \| 0\/1 \| — \|$/m);
  }, 60_000);

  it('refuses a bad sweep file or job config in one line naming the key, the value and the rule', () => {
    const bad = join(folder, 'bad.json');
    writeFileSync(bad, JSON.stringify({ kind: 'train', axes: { seed: 'all' } }));
    expect(cgym(['sweep', bad]).stderr).toBe('cgym: sweep: axes.seed="all": must be a list of values, or an object of named variants (each a config object)\n');
    writeFileSync(bad, JSON.stringify({ base: { scenario: 'honest-consensus', epochs: 0 }, axes: { seed: [0] } }));
    const run = cgym(['sweep', bad, '--out', join(folder, 'bad')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('cgym: sweep: job seed0: epochs=0: must be at least 1\n');
    expect(existsSync(join(folder, 'bad'))).toBe(false);
  });
});
