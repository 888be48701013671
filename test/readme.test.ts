// The README's commands, as a newcomer types them: the tour runs on a clean clone (no runs/ folder,
// nothing made before), and every flag the README and docs/EXPERIMENTS.md name is one the command
// still takes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const MAIN = resolve(ROOT, 'dist/src/cli/main.js');
const DOCS = ['README.md', 'docs/EXPERIMENTS.md'] as const;

function read(path: string): string {
  return readFileSync(resolve(ROOT, path), 'utf8');
}

/** The body of the first fenced block after the line holding `marker` (as .ci/run reads ci:setup). */
function fencedBlockAfter(markdown: string, marker: string): string {
  const lines = markdown.split('\n');
  const at = lines.findIndex((line) => line.includes(marker));
  if (at < 0) throw new Error(`no ${marker} in the markdown`);
  const open = lines.findIndex((line, i) => i > at && line.startsWith('```'));
  const close = lines.findIndex((line, i) => i > open && line.startsWith('```'));
  if (open < 0 || close < 0) throw new Error(`no fenced block after ${marker}`);
  return lines.slice(open + 1, close).join('\n');
}

/** The tour's commands: the block's lines that are neither blank nor comments, each `npx cgym …`. */
function tourCommands(markdown: string): string[][] {
  const lines = fencedBlockAfter(markdown, '<!-- tour -->')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return lines.map((line) => {
    // Plain words only, so that splitting on spaces is what a shell would do.
    if (!/^npx cgym [\w./=,-]+( [\w./=,-]+)*$/.test(line)) throw new Error(`tour line is not a plain \`npx cgym …\` command: ${line}`);
    return line.split(' ').slice(2);
  });
}

function cgymIn(cwd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const { CGYM_DEBUG: _ignored, ...env } = process.env;
  const run = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', env, timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the README tour', () => {
  const cleanClone = mkdtempSync(join(tmpdir(), 'cgym-tour-'));
  afterAll(() => rmSync(cleanClone, { recursive: true, force: true }));

  it('runs in order, every command exiting 0, in a folder holding nothing before', () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (\`npm test\` does)`);
    const commands = tourCommands(read('README.md'));
    expect(commands.map((args) => args[0])).toEqual(expect.arrayContaining(['play', 'train', 'verify', 'extract', 'attack']));
    expect(readdirSync(cleanClone)).toEqual([]);
    for (const args of commands) {
      const run = cgymIn(cleanClone, args);
      expect({ command: `cgym ${args.join(' ')}`, status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ command: `cgym ${args.join(' ')}`, status: 0, stderr: '' });
    }
    // What the tour says it leaves behind: a run folder the later commands read, and two pictures.
    for (const made of ['runs/tour/consensus/config.json', 'runs/tour/curves.png', 'runs/tour/episode.svg', 'runs/tour/attacker/summary.json'])
      expect(existsSync(join(cleanClone, made)), made).toBe(true);
  });
});

/** The flags each `--help` lists, by command. */
function helpFlags(command: string): Set<string> {
  const run = cgymIn(ROOT, [command, '--help']);
  if (run.status !== 0) throw new Error(`cgym ${command} --help exited ${run.status}: ${run.stderr}`);
  return new Set([...run.stdout.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]!));
}

const COMMANDS = ['play', 'scenarios', 'protocols', 'verify', 'hunt', 'discover', 'extract', 'train', 'eval', 'attack', 'paper', 'sweep', 'worker', 'plot', 'chart', 'dashboard'];

/**
 * Flags the README documents ahead of the branch that adds them (issue 12: `cgym paper` runs 3
 * seeds by default, `--full` 5). The test fails once `--help` lists one, so the entry is removed.
 */
const DOCUMENTED_AHEAD: ReadonlyMap<string, readonly string[]> = new Map();

/** Every piece of code in a markdown file: fenced blocks' lines, then inline spans (joined across line breaks). */
function codePieces(markdown: string): string[] {
  const pieces: string[] = [];
  const prose = markdown.replace(/^```[^\n]*\n([\s\S]*?)^```/gm, (_block, body: string) => {
    // A fenced line that starts with blanks and no command continues the command above (a synopsis).
    for (const line of body.split('\n')) {
      if (/^\s+\[?--/.test(line) && pieces.length > 0) pieces[pieces.length - 1] += ` ${line.trim()}`;
      else pieces.push(line);
    }
    return '';
  });
  for (const m of prose.matchAll(/`([^`]+)`/g)) pieces.push(m[1]!.replace(/\s+/g, ' '));
  return pieces;
}

/** (command, flag) for every `--flag` in a `cgym <command> …` piece, and (undefined, flag) for pieces that are only flags. */
function flagsNamed(piece: string): { command: string | undefined; flag: string }[] {
  const found: { command: string | undefined; flag: string }[] = [];
  const flagsIn = (text: string) => [...text.matchAll(/(?<![\w-])--([a-z][\w-]*)/g)].map((m) => m[1]!);
  if (piece.trimStart().startsWith('--')) return flagsIn(piece.split(/\bcgym\b/)[0]!).map((flag) => ({ command: undefined, flag }));
  for (const part of piece.split(/\bcgym(?= )/).slice(1)) {
    const command = /^ ([a-z]+)/.exec(part)?.[1];
    if (command === undefined || !COMMANDS.includes(command)) continue;
    // Stop at a shell connective or a comment: what follows belongs to another program.
    const own = part.split(/&&|\|\||;|#|\bnpx (?!cgym)|\bnpm\b/)[0]!;
    for (const flag of flagsIn(own)) found.push({ command, flag });
  }
  return found;
}

describe('the flags the README and docs/EXPERIMENTS.md name', () => {
  const help = new Map(COMMANDS.map((command) => [command, helpFlags(command)]));
  const anyCommand = new Set([...help.values(), ...DOCUMENTED_AHEAD.values()].flatMap((flags) => [...flags]));

  it.each(DOCS)('%s: every `cgym <command> --flag` is in that command\'s --help', (doc) => {
    const named = codePieces(read(doc)).flatMap(flagsNamed);
    const unknown = named
      .filter(({ command, flag }) => (command === undefined ? !anyCommand.has(flag) : !help.get(command)!.has(flag) && !DOCUMENTED_AHEAD.get(command)?.includes(flag)))
      .map(({ command, flag }) => `${command ?? '(any command)'} --${flag}`);
    expect(named.length).toBeGreaterThan(doc === 'README.md' ? 100 : 20);
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('documents ahead only flags that are still missing (remove them here once they exist)', () => {
    const arrived = [...DOCUMENTED_AHEAD].flatMap(([command, flags]) => flags.filter((flag) => help.get(command)!.has(flag)).map((flag) => `${command} --${flag}`));
    expect(arrived).toEqual([]);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

describe('the links of the README and docs/EXPERIMENTS.md', () => {
  it.each(DOCS)('%s: every relative link names a file that exists, and a heading of it', (doc) => {
    const broken: string[] = [];
    for (const [, target] of read(doc).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const file = path === '' ? doc : join(doc, '..', path);
      if (!existsSync(resolve(ROOT, file))) { broken.push(`${target}: no file ${file}`); continue; }
      if (anchor === undefined || !file.endsWith('.md')) continue;
      const anchors = [...read(file).matchAll(/^#+ (.*)$/gm)].map((m) => anchorOf(m[1]!));
      if (!anchors.includes(anchor)) broken.push(`${target}: no heading #${anchor} in ${file}`);
    }
    expect(broken).toEqual([]);
  });
});
