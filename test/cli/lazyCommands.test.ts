// A run of `cgym <command>` builds (and so imports) that command alone; the help, a version or an
// unknown command build them all (src/cli/program.ts).
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

const ALL = ['play', 'scenarios', 'protocols', 'plot', 'chart', 'train', 'eval', 'attack', 'verify', 'hunt', 'discover', 'extract', 'paper', 'sweep', 'worker', 'dashboard'];

describe('commands are loaded lazily', () => {
  it('a named command builds a program with that command alone', async () => {
    expect((await buildProgram('train')).commands.map((c) => c.name())).toEqual(['train']);
    expect((await buildProgram('verify')).commands.map((c) => c.name())).toEqual(['verify']);
  });

  it('no command, an option or an unknown name builds every command, in the order of the help', async () => {
    for (const first of [undefined, '--help', '-V', 'trian']) expect((await buildProgram(first)).commands.map((c) => c.name())).toEqual(ALL);
  });
});
