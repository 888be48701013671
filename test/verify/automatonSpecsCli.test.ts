// `cgym verify --honest FILE.ta`: the file's own specifications beside the game's verdict, end to end
// through the built dist (`npm test` builds first).
import { describe, expect, it } from 'vitest';
import { cgym, cgymJson } from '../cli/cgym.js';

const FRB = ['verify', '--scenario', 'honest-consensus', '--set', 'n=2', '--set', 'f=1', '--set', 'faults=crash', '--set', 'timing=async', '--set', 'maxDelay=1', '--set', 'maxRounds=4', '--set', 'honestActions=free', '--param', 'T=1', '--workers', '1'];

interface SpecsJson {
  verdict: string | null;
  specs: Record<string, { kind: string; holds: boolean | null; reason?: string; counterexample?: { setup: { faulty: number[]; inputs: number[] }; script: unknown[]; round: number; trace: string } }>;
  specsSearch: { horizon: number; states: number; chanceOutcomes: number };
}

describe('cgym verify on a threshold automaton', () => {
  it('--json gives, besides the verdict, every specification of the file: frb keeps unforg, corr and relay', () => {
    const result = cgymJson<SpecsJson>([...FRB, '--honest', 'examples/bymc/frb.ta']);
    expect(result.verdict).toBe('unsafe'); // the game's termination: a broadcast that nobody starts never ends
    expect(result.specs.unforg).toEqual({ kind: 'safety', holds: true });
    expect(result.specs.corr).toEqual({ kind: 'liveness', holds: true });
    expect(result.specs.relay).toEqual({ kind: 'liveness', holds: true });
    expect(result.specsSearch).toMatchObject({ horizon: 4, chanceOutcomes: 8 });
  });

  it('a guard mutant (frb accepting on no message) breaks unforg: the counterexample and one line per specification', () => {
    const name = 'examples/bymc/frb.ta[T=1]:guard5-minus-1';
    const result = cgymJson<SpecsJson>([...FRB.filter((a) => a !== 'T=1' && a !== '--param'), '--honest', name]);
    expect(result.specs.unforg).toMatchObject({ kind: 'safety', holds: false, counterexample: { round: 1 } });
    const { setup } = result.specs.unforg!.counterexample!;
    expect(setup.inputs.filter((_, i) => !setup.faulty.includes(i))).toEqual([0]);
    const text = cgym([...FRB.filter((a) => a !== 'T=1' && a !== '--param'), '--honest', name]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^ {2}unforg +safety +VIOLATED in round 1 /m);
    expect(text.stdout).toMatch(/^ {2}corr +liveness +(holds|VIOLATED)/m);
    expect(text.stdout).toContain('unforg breaks on this run');
  });
});
