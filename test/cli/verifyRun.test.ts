// `cgym verify --run DIR`: a learned honest policy (greedy, hence deterministic) goes through the
// same exhaustive search as a hand-written protocol, in the scenario it was trained on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgym, cgymJson } from './cgym.js';

const dir = mkdtempSync(join(tmpdir(), 'cgym-verify-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cgym verify --run', () => {
  it('verifies a trained run in its own scenario, and agrees with --honest DIR --scenario', () => {
    const run = join(dir, 'bb');
    const trained = cgym(['train', '--scenario', 'byzantine-breaking', '--adversary', 'equivocate', '--epochs', '3', '--batch', '64', '--seed', '1', '--out', run, '--json']);
    expect(trained.status, trained.stderr).toBe(0);
    const result = cgymJson<{ verdict: string; worstCaseLossRate: number; scenario: string; honest: string }>(['verify', '--run', run]);
    expect(result.scenario).toBe('byzantine-breaking');
    expect(result.honest).toContain(run);
    // n=3, f=1 without signatures: no protocol, learned or not, is safe (n ≤ 3f).
    expect(result.verdict).toBe('unsafe');
    expect(result.worstCaseLossRate).toBeGreaterThan(0);
    const same = cgymJson<{ verdict: string; worstCaseLossRate: number }>(['verify', '--honest', run, '--scenario', 'byzantine-breaking']);
    expect(same).toMatchObject({ verdict: result.verdict, worstCaseLossRate: result.worstCaseLossRate });
  });

  it('needs a protocol or a run, and a scenario for a protocol', () => {
    for (const args of [['verify'], ['verify', '--honest', 'eig']]) {
      const run = cgym(args);
      expect(run.status).not.toBe(0);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^cgym: verify: needs/);
    }
  });
});
