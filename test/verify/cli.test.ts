// `cgym verify` end to end through the built dist (`npm test` builds first).
import { describe, expect, it } from 'vitest';
import { cgym, cgymJson } from '../cli/cgym.js';

interface VerifyJson {
  verdict: string;
  violations: string[];
  worstCaseLossRate: number;
  states: number;
  seconds: number;
  counterexample: { setup: { faulty: number[]; inputs: number[] }; script: unknown[]; trace: string } | null;
}

describe('cgym verify', () => {
  it('--json gives verdict, violations, worstCaseLossRate, states, seconds and the counterexample', () => {
    const result = cgymJson<VerifyJson>(['verify', '--scenario', 'byzantine-breaking', '--honest', 'majority']);
    expect(result).toMatchObject({ verdict: 'unsafe', violations: ['consistency'], worstCaseLossRate: 0.5 });
    expect(result.states).toBeGreaterThan(0);
    expect(result.seconds).toBeGreaterThanOrEqual(0);
    expect(result.counterexample?.trace).toContain('consistency violated');
    const safe = cgymJson<VerifyJson>(['verify', '--scenario', 'bb-pki-n3-f1', '--honest', 'dolev-strong']);
    expect(safe).toMatchObject({ verdict: 'safe', violations: [], worstCaseLossRate: 0, counterexample: null });
  });

  it('--workers does not change the JSON (one thread against two)', () => {
    const args = ['verify', '--scenario', 'ba-n3-f1', '--honest', 'eig'];
    const { seconds: _one, ...single } = cgymJson<VerifyJson>([...args, '--workers', '1']);
    const { seconds: _two, ...parallel } = cgymJson<VerifyJson>([...args, '--workers', '2']);
    expect(single).toMatchObject({ verdict: 'unsafe' });
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(single));
  });

  it('--no-symmetry searches every chance outcome; by default the JSON reports the orbits searched, with the same answer', () => {
    const args = ['verify', '--scenario', 'ba-n3-f1', '--honest', 'eig', '--workers', '1'];
    const reduced = cgymJson<VerifyJson & { chanceOutcomes: number; orbits?: number; breakRate: unknown }>(args);
    const full = cgymJson<VerifyJson & { chanceOutcomes: number; orbits?: number; breakRate: unknown }>([...args, '--no-symmetry']);
    expect(reduced).toMatchObject({ chanceOutcomes: 12, orbits: 3 });
    expect(full.orbits).toBeUndefined();
    expect([reduced.verdict, reduced.worstCaseLossRate, reduced.breakRate]).toEqual([full.verdict, full.worstCaseLossRate, full.breakRate]);
    expect(reduced.states).toBeLessThan(full.states);
  });

  it('prints the verdict table and the counterexample with the adversary choices marked', () => {
    const run = cgym(['verify', '--scenario', 'bb-pki-n3-f1', '--honest', 'dolev-strong', '--set', 'identity=authenticated']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/verdict\s+unsafe \(consistency\)/);
    expect(run.stdout).toContain('shortest counterexample');
    expect(run.stdout).toContain('*[');
  });

  it('--max-states exceeded is one line and a non-zero exit', () => {
    const run = cgym(['verify', '--scenario', 'ba-n4-f1', '--honest', 'eig', '--max-states', '100', '--no-symmetry']);
    expect(run.status).not.toBe(0);
    expect(run.stderr.trim()).toMatch(/^cgym: verify: eig on ba-n4-f1 would explore at least ~\d+ states .*more than --max-states=100;/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
