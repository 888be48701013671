// `cgym verify --falsify`: cheap attacks before each chance outcome's search change the work, never
// the verdict or the worst-case loss rate (src/verify/_internals/falsify.ts).
import { describe, expect, it } from 'vitest';
import { cgym, cgymJson } from './cgym.js';

interface VerifyJson {
  verdict: string;
  worstCaseLossRate: number;
  states: number;
  falsified?: number;
  counterexample: { violated: string[] } | null;
}

describe('cgym verify --falsify', () => {
  it('unsafe EIG at ba-n3-f1: the same verdict and loss rate, outcomes lost to cheap attacks, fewer states', () => {
    const args = ['verify', '--scenario', 'ba-n3-f1', '--honest', 'eig', '--workers', '1'];
    const searched = cgymJson<VerifyJson>(args);
    const falsified = cgymJson<VerifyJson>([...args, '--falsify']);
    expect(searched.falsified).toBeUndefined();
    expect([falsified.verdict, falsified.worstCaseLossRate]).toEqual(['unsafe', searched.worstCaseLossRate]);
    expect(falsified.falsified).toBeGreaterThan(0);
    expect(falsified.states).toBeLessThan(searched.states);
    expect(falsified.counterexample!.violated).not.toEqual([]);
  });

  it('safe Dolev–Strong at bb-pki-n3-f1: still safe, no outcome lost, every one searched', () => {
    const args = ['verify', '--scenario', 'bb-pki-n3-f1', '--honest', 'dolev-strong', '--workers', '1'];
    const searched = cgymJson<VerifyJson>(args);
    const falsified = cgymJson<VerifyJson>([...args, '--falsify', '16']);
    expect([falsified.verdict, falsified.worstCaseLossRate, falsified.falsified]).toEqual(['safe', 0, 0]);
    expect(searched.verdict).toBe('safe');
    expect(falsified.states).toBeGreaterThan(searched.states); // the attacks' episodes on top of the same search
  });

  it('says in the table how many outcomes the attacks settled and that rates are lower bounds; --workers does not change the JSON', () => {
    const args = ['verify', '--scenario', 'ba-n3-f1', '--honest', 'eig', '--falsify', '32'];
    const run = cgym([...args, '--workers', '1']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/orbits lost to a cheap attack, unsearched\s+2\n/);
    // Settled by the first attack found: the rates are lower bounds, the counterexample not always the shortest.
    expect(run.stdout).toMatch(/consistency breakable in at least\s+\d/);
    expect(run.stdout).toContain('not always the shortest');
    const { seconds: _one, ...single } = cgymJson<VerifyJson & { seconds: number }>([...args, '--workers', '1']);
    const { seconds: _two, ...parallel } = cgymJson<VerifyJson & { seconds: number }>([...args, '--workers', '2']);
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(single));
  });

  it('a bad number of attacks is one line naming the flag, exit code 1', () => {
    const run = cgym(['verify', '--scenario', 'ba-n3-f1', '--honest', 'eig', '--falsify', '0']);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--falsify \[episodes\].*'0'.*must be an integer in 1\.\.100000/);
  });
});
