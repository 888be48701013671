// `--honest FILE.ta --param NAME=VALUE` on the command line, as a user types it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgym, cgymJson } from '../../cli/cgym.js';

const STRB = ['--scenario', 'honest-consensus', '--set', 'n=4', '--set', 'f=1', '--set', 'timing=async', '--set', 'maxDelay=2', '--set', 'maxRounds=10', '--set', 'honestActions=free', '--honest', 'examples/bymc/strb.ta'];

describe('cgym play --honest FILE.ta', () => {
  it('plays the automaton with its parameters and reports its specifications', () => {
    const result = cgymJson<{ honest: string; episodes: number; specs: Record<string, { kind: string; holds: boolean }> }>(['play', ...STRB, '--param', 'T=1', '--adversary', 'equivocate', '--episodes', '300']);
    expect(result.honest).toBe('examples/bymc/strb.ta[T=1]');
    expect(result.specs.unforg).toMatchObject({ kind: 'safety', holds: true });
    expect(Object.keys(result.specs)).toEqual(['unforg', 'corr', 'relay']);
  });

  it('warns outside the assumptions and still plays', () => {
    const run = cgym(['play', ...STRB.map((a) => (a === 'n=4' ? 'n=3' : a)), '--param', 'T=1', '--episodes', '50']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^warning: examples\/bymc\/strb\.ta:19: assumption N > 3 \* T is false at N=3, T=1, F=1/m);
  });

  it('refuses in one line: a missing parameter, --param for another protocol, a bad file', () => {
    const missing = cgym(['play', ...STRB, '--episodes', '5']);
    expect([missing.status, missing.stderr]).toEqual([1, 'cgym: examples/bymc/strb.ta: parameter T needs a value: --param T=<integer>\n']);
    const other = cgym(['play', '--scenario', 'honest-consensus', '--honest', 'majority', '--param', 'T=1']);
    expect([other.status, other.stderr]).toEqual([1, 'cgym: --param applies to a threshold automaton (--honest FILE.ta), not to majority\n']);
    const dir = mkdtempSync(join(tmpdir(), 'cgym-ta-'));
    writeFileSync(join(dir, 'bad.ta'), 'skel Proc {\n  local pc;\n  shared nsnt\n  parameters N;\n}\n');
    const bad = cgym(['play', '--scenario', 'honest-consensus', '--honest', join(dir, 'bad.ta')]);
    expect([bad.status, bad.stderr]).toEqual([1, `cgym: ${join(dir, 'bad.ta')}:3:14: expected ';', found 'parameters'\n`]);
  });
});
