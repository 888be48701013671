// `cgym paper` end to end on a tiny budget: every selected experiment runs per seed as a child
// process, one line on stderr per finished run (not a terminal here: pipes), and paper.md carries
// the paper's result beside ours, with its date, commit and wall time, and one curve figure each. A
// results folder records its settings (paper.json), and a run with other settings does not
// overwrite it unless --force. The tests share one folder and run in order.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cgym, ROOT } from './cgym.js';

const readMetricsEpochs = (run: string) => readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').length;

const out = mkdtempSync(join(tmpdir(), 'cgym-paper-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('cgym paper', () => {
  it('writes paper.md (date, commit, wall time) with a row per experiment and a curve per experiment, and a line per finished run on stderr', () => {
    const run = cgym(['paper', '--only', 'byzantine-breaking,honest-consensus', '--seeds', '2', '--epochs', '2', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const markdown = readFileSync(join(out, 'paper.md'), 'utf8');
    const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
    const today = new Date().toISOString().slice(0, 10);
    expect(markdown).toMatch(new RegExp(`^\`cgym paper --seeds 2 --epochs 2 --only byzantine-breaking,honest-consensus\` on ${today}, commit ${commit} \\(cgym [\\d.]+\\): 4 runs, \\d+ at a time on \\d+ cores, \\d+ s wall time\\.$`, 'm'));
    expect(markdown).not.toContain('today');
    expect(markdown).toMatch(/\| `byzantine-breaking` \| adversary learns to equivocate within 200 epochs \| .* \| breakRate [\d.]+% ± [\d.]+% \(/);
    expect(markdown).toMatch(/\| `honest-consensus` \| majority protocol learned by epoch 500/);
    expect(markdown).toContain('![byzantine-breaking](byzantine-breaking.svg)');
    for (const id of ['byzantine-breaking', 'honest-consensus']) {
      expect(readFileSync(join(out, `${id}.svg`), 'utf8').startsWith('<svg')).toBe(true);
      for (const seed of [0, 1]) expect(existsSync(join(out, 'runs', `${id}__seed${seed}`, 'metrics.jsonl'))).toBe(true);
    }
    expect(run.stdout).toMatch(/^wrote .*paper\.md \(4 runs, \d+ s wall time\)\n\n\| experiment \|/);

    // Not on a terminal (pipes): what it runs, then one line per finished run, in the order they finish.
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^paper: 4 runs \(2 experiments × 2 seeds\), \d+ at a time( sharing \d+ cores)?, longest first$/);
    expect(lines.slice(1).map((line) => line.replace(/ [\d.]+%/, ' X%').replace(/: (not )?met, [\d.]+ s$/, ': M, T s')).sort()).toEqual([
      'paper: byzantine-breaking seed 0: breakRate X% (target ≥ 49.0%): M, T s',
      'paper: byzantine-breaking seed 1: breakRate X% (target ≥ 49.0%): M, T s',
      'paper: honest-consensus seed 0: finalWinRate X% (target ≥ 99.0%): M, T s',
      'paper: honest-consensus seed 1: finalWinRate X% (target ≥ 99.0%): M, T s',
    ]);
    for (const line of lines.slice(1)) {
      const [, value, target, met] = /(\d+\.\d)% \(target ≥ (\d+\.\d)%\): (met|not met)/.exec(line)!;
      expect(met).toBe(Number(value) >= Number(target) ? 'met' : 'not met');
    }
  });

  it('records its settings in paper.json (the package version too)', () => {
    const settings = JSON.parse(readFileSync(join(out, 'paper.json'), 'utf8'));
    expect(settings).toEqual({ seeds: 2, epochs: 2, only: ['byzantine-breaking', 'honest-consensus'], version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version });
  });

  it('a re-run with the same settings replaces the run folders it owns (the same seed gives the same table)', () => {
    const first = readFileSync(join(out, 'paper.md'), 'utf8');
    const again = cgym(['paper', '--only', 'byzantine-breaking,honest-consensus', '--seeds', '2', '--epochs', '2', '--out', out]);
    expect(again.status, again.stderr).toBe(0);
    const table = (markdown: string) => markdown.split('\n').filter((line) => line.startsWith('| `')).map((line) => line.split('|').slice(1, 6).join('|'));
    expect(table(readFileSync(join(out, 'paper.md'), 'utf8'))).toEqual(table(first));
  });

  it('refuses, in one line naming the folder, both settings and --force, to overwrite results made with other settings; touches nothing', () => {
    const before = readFileSync(join(out, 'paper.md'), 'utf8');
    const subset = cgym(['paper', '--only', 'honest-consensus', '--seeds', '1', '--epochs', '2', '--out', out]);
    expect(subset.status).toBe(1);
    expect(subset.stderr).toBe(`cgym: paper: ${out} holds results made with \`cgym paper --seeds 2 --epochs 2 --only byzantine-breaking,honest-consensus\`; this run (--seeds 1 --epochs 2 --only honest-consensus) would overwrite them: choose another --out, or add --force\n`);
    expect(readFileSync(join(out, 'paper.md'), 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(join(out, 'paper.json'), 'utf8')).seeds).toBe(2);
    for (const seed of [0, 1]) expect(existsSync(join(out, 'runs', `honest-consensus__seed${seed}`, 'config.json'))).toBe(true);
  });

  it('refuses the default settings (3 seeds) and --full (5) over a subset too (the set-up command of the README, on a folder made with a subset)', () => {
    const run = cgym(['paper', '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^cgym: paper: .* made with `cgym paper --seeds 2 --epochs 2 --only byzantine-breaking,honest-consensus`; this run \(--seeds 3\) would overwrite them/);
    const full = cgym(['paper', '--full', '--out', out]);
    expect(full.status).toBe(1);
    expect(full.stderr).toMatch(/; this run \(--seeds 5\) would overwrite them/);
  });

  it('--full is --seeds 5: with another --seeds it is refused in one line', () => {
    const run = cgym(['paper', '--full', '--seeds', '3', '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('cgym: paper: --full means --seeds 5, and --seeds 3 was given too: give one of them\n');
    expect(cgym(['paper', '--full', '--seeds', '5', '--out', out]).stderr).toMatch(/this run \(--seeds 5\) would overwrite them/);
  });

  it('--force writes over other settings, and leaves a folder it does not own alone, checking every run folder before deleting any', () => {
    mkdirSync(join(out, 'runs', 'honest-consensus__seed2', 'mine'), { recursive: true });
    const blocked = cgym(['paper', '--only', 'honest-consensus', '--seeds', '3', '--epochs', '1', '--out', out, '--force']);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr.trim()).toMatch(/^cgym: paper: .*honest-consensus__seed2 exists and is not a run folder/);
    expect(existsSync(join(out, 'runs', 'honest-consensus__seed2', 'mine'))).toBe(true);
    expect(readMetricsEpochs(join(out, 'runs', 'honest-consensus__seed0'))).toBe(2); // not deleted: checked first
    expect(JSON.parse(readFileSync(join(out, 'paper.json'), 'utf8')).seeds).toBe(2);
    rmSync(join(out, 'runs', 'honest-consensus__seed2'), { recursive: true });

    const forced = cgym(['paper', '--only', 'honest-consensus', '--seeds', '1', '--epochs', '1', '--out', out, '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'paper.json'), 'utf8'))).toMatchObject({ seeds: 1, epochs: 1, only: ['honest-consensus'] });
    expect(readFileSync(join(out, 'paper.md'), 'utf8')).toContain('`cgym paper --seeds 1 --epochs 1 --only honest-consensus`');
    expect(readMetricsEpochs(join(out, 'runs', 'honest-consensus__seed0'))).toBe(1);
  });

  it('refuses a folder that holds other things and no paper.json; accepts one that holds only what cgym paper writes', () => {
    const foreign = mkdtempSync(join(tmpdir(), 'cgym-paper-foreign-'));
    const own = mkdtempSync(join(tmpdir(), 'cgym-paper-own-'));
    try {
      writeFileSync(join(foreign, 'notes.txt'), 'mine');
      const refused = cgym(['paper', '--only', 'honest-consensus', '--seeds', '1', '--epochs', '1', '--out', foreign]);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toBe(`cgym: paper: ${foreign} is not empty (notes.txt) and holds no paper.json; choose another --out, or add --force to write into it\n`);
      expect(readdirSync(foreign)).toEqual(['notes.txt']);

      // Results from before paper.json existed: paper.md, the figures and runs/.
      writeFileSync(join(own, 'paper.md'), '# old\n');
      writeFileSync(join(own, 'pki.svg'), '<svg/>');
      mkdirSync(join(own, 'runs', 'pki__seed4'), { recursive: true });
      const accepted = cgym(['paper', '--only', 'honest-consensus', '--seeds', '1', '--epochs', '1', '--out', own]);
      expect(accepted.status, accepted.stderr).toBe(0);
      expect(existsSync(join(own, 'paper.json'))).toBe(true);
    } finally {
      rmSync(foreign, { recursive: true, force: true });
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('refuses an --out that is a file', () => {
    const run = cgym(['paper', '--only', 'honest-consensus', '--out', join(out, 'paper.md')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`cgym: paper: --out ${join(out, 'paper.md')} is a file, not a folder\n`);
  });

  it('refuses an unknown or repeated experiment in one line, before touching the folder', () => {
    const before = readFileSync(join(out, 'paper.json'), 'utf8');
    const run = cgym(['paper', '--only', 'nope', '--out', out, '--force']);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^cgym: paper: unknown experiment "nope" \(known: honest-consensus, /);
    const twice = cgym(['paper', '--only', 'pki,pki', '--out', out, '--force']);
    expect(twice.stderr).toBe('cgym: paper: --only names "pki" twice\n');
    expect(readFileSync(join(out, 'paper.json'), 'utf8')).toBe(before);
  });
});
