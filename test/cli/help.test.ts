// Help and first steps: every --help writes a default one way, `(default: X)` as commander prints
// it, last in the option's text; a command run without what it needs says so in one line and
// points to where to look (`cgym scenarios`, `cgym <command> --help`), never a stack or a dump.
import { describe, expect, it } from 'vitest';
import { PLAY_USAGE } from '../../src/cli/commands/play.js';
import { buildProgram } from '../../src/cli/program.js';
import { cgym } from './cgym.js';

const COMMANDS = (await buildProgram()).commands.map((command) => command.name());

/** Each option of a help text as one line (commander wraps long ones), e.g. `--seed <k> run seed (default: 0)`. */
function optionBlocks(help: string): string[] {
  const options = help.slice(help.indexOf('\nOptions:\n') + '\nOptions:\n'.length);
  return options.split(/\n(?= {2}-)/).map((block) => block.replace(/\s+/g, ' ').trim()).filter((block) => block !== '');
}

/** Why an option's text states its default wrongly, or undefined if it is `… (default: X)`. */
function defaultFormProblem(text: string): string | undefined {
  const mentions = text.match(/default/gi) ?? [];
  if (mentions.length === 0) return undefined;
  if (mentions.length > 1) return 'states a default more than once';
  const start = text.indexOf('(default: ');
  if (start < 0) return 'not written as "(default: X)"';
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i === text.length - 1 ? undefined : `"(default: …)" is not last (then: "${text.slice(i + 1).trim()}")`;
  }
  return '"(default: " is never closed';
}

describe('defaults in --help', () => {
  it('the checker catches each form it forbids', () => {
    expect(defaultFormProblem('--seed <k> the run seed (default: 0)')).toBeUndefined();
    expect(defaultFormProblem('--batch <b> episodes per batch (default: min(N, 4096))')).toBeUndefined();
    expect(defaultFormProblem('--seed <k> the run seed (default 0)')).toBe('not written as "(default: X)"');
    expect(defaultFormProblem('--a <x> the thing (negative: patient; default -2)')).toBe('not written as "(default: X)"');
    expect(defaultFormProblem('--a <x> defaults to 3')).toBe('not written as "(default: X)"');
    expect(defaultFormProblem('--a <x> the thing (default: 3) (choices: "a", "b")')).toMatch(/is not last/);
  });

  it.each(COMMANDS)('%s --help writes every default as "(default: X)", last', (name) => {
    const run = cgym([name, '--help']);
    expect(run.status).toBe(0);
    const blocks = optionBlocks(run.stdout);
    expect(blocks.length).toBeGreaterThan(0);
    const problems = blocks.map((block) => [block, defaultFormProblem(block)]).filter(([, problem]) => problem !== undefined);
    expect(problems).toEqual([]);
  });

  it('the top-level --help lists every command without a default in another form', () => {
    const help = cgym(['--help']).stdout;
    for (const name of COMMANDS) expect(help).toContain(name);
    expect(help).not.toMatch(/default(?!: )/i);
  });
});

describe('a command run without what it needs', () => {
  it('cgym play alone: one line pointing to `cgym scenarios` and `cgym play --help`', () => {
    const run = cgym(['play']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`cgym: ${PLAY_USAGE}\n`);
    expect(PLAY_USAGE).toContain('`cgym scenarios`');
    expect(PLAY_USAGE).toContain('`cgym play --help`');
  });

  // `paper` runs the experiments without arguments, `scenarios` and `protocols` list: they need nothing.
  it.each(['play', 'eval', 'verify', 'attack', 'extract', 'chart', 'plot', 'train'])('cgym %s alone: one line naming what is missing and `--help`, exit 1', (name) => {
    const run = cgym([name]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^cgym: ${name}: `));
    expect(lines[0]).toContain(`\`cgym ${name} --help\``);
    expect(run.stderr).not.toMatch(/ {4}at |ZodError|"code":/);
  });
});
