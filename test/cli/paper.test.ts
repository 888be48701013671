// `cgym paper` end to end on a tiny budget: every selected experiment runs per seed as a child
// process, and paper.md carries the paper's result beside ours, with one curve figure each.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgym } from './cgym.js';

const out = mkdtempSync(join(tmpdir(), 'cgym-paper-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('cgym paper', () => {
  it('writes paper.md with a row per experiment and a curve per experiment', () => {
    const run = cgym(['paper', '--only', 'byzantine-breaking,honest-consensus', '--seeds', '2', '--epochs', '2', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const markdown = readFileSync(join(out, 'paper.md'), 'utf8');
    expect(markdown).toMatch(/\| `byzantine-breaking` \| adversary learns to equivocate within 200 epochs \| .* \| breakRate [\d.]+% ± [\d.]+% \(/);
    expect(markdown).toMatch(/\| `honest-consensus` \| majority protocol learned by epoch 500/);
    expect(markdown).toContain('![byzantine-breaking](byzantine-breaking.svg)');
    for (const id of ['byzantine-breaking', 'honest-consensus']) {
      expect(readFileSync(join(out, `${id}.svg`), 'utf8').startsWith('<svg')).toBe(true);
      for (const seed of [0, 1]) expect(existsSync(join(out, 'runs', `${id}__seed${seed}`, 'metrics.jsonl'))).toBe(true);
    }
  });

  it('a re-run replaces the run folders it owns (the same seed gives the same table), and leaves other folders alone', () => {
    const first = readFileSync(join(out, 'paper.md'), 'utf8');
    const again = cgym(['paper', '--only', 'byzantine-breaking,honest-consensus', '--seeds', '2', '--epochs', '2', '--out', out]);
    expect(again.status, again.stderr).toBe(0);
    const table = (markdown: string) => markdown.split('\n').filter((line) => line.startsWith('| `')).map((line) => line.split('|').slice(1, 6).join('|'));
    expect(table(readFileSync(join(out, 'paper.md'), 'utf8'))).toEqual(table(first));
    mkdirSync(join(out, 'runs', 'honest-consensus__seed2', 'mine'), { recursive: true });
    const blocked = cgym(['paper', '--only', 'honest-consensus', '--seeds', '3', '--epochs', '2', '--out', out]);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr.trim()).toMatch(/^cgym: paper: .*honest-consensus__seed2 exists and is not a run folder/);
    expect(existsSync(join(out, 'runs', 'honest-consensus__seed2', 'mine'))).toBe(true);
  });

  it('refuses an unknown experiment in one line', () => {
    const run = cgym(['paper', '--only', 'nope', '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^cgym: paper: unknown experiment "nope" \(known: honest-consensus, /);
  });
});
