// `cgym verify --run DIR`: a learned honest policy (greedy, hence deterministic) goes through the
// same exhaustive search as a hand-written protocol, in the scenario it was trained on.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    // The same run's sampled policy goes to expectimax over its choices (a probability, n ≤ 3f: > 0).
    const sampled = cgymJson<{ method: string; worstCaseLossRate: number }>(['verify', '--run', run, '--play', 'sample']);
    expect(sampled.method).toBe('expectimax');
    expect(sampled.worstCaseLossRate).toBeGreaterThan(0);
    expect(sampled.worstCaseLossRate).toBeLessThanOrEqual(1);
  });

  it('train --verify-every records the verified worst-case loss of the greedy policy in metrics.jsonl', () => {
    const run = join(dir, 'hc');
    const trained = cgym(['train', '--scenario', 'honest-consensus', '--epochs', '40', '--seed', '1', '--verify-every', '10', '--out', run, '--json']);
    expect(trained.status, trained.stderr).toBe(0);
    const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { epoch: number; verifiedWorstCaseLoss: number | null });
    const verified = lines.filter((m) => m.verifiedWorstCaseLoss !== null).map((m) => [m.epoch, m.verifiedWorstCaseLoss]);
    expect(verified.map(([epoch]) => epoch)).toEqual([10, 20, 30, 40]);
    // Measured: loss 1 at epoch 10 (no protocol yet), 0 once the majority protocol is learned (~epoch 30).
    expect(verified.at(-1)![1]).toBe(0);
    expect(verified[0]![1]).toBeGreaterThan(0);
    // and the run's final policy verifies the same from the command line
    expect(cgymJson<{ worstCaseLossRate: number }>(['verify', '--run', run]).worstCaseLossRate).toBe(0);
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
