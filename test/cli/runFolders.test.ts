// One run-folder story: wherever a command takes a protocol or an adversary it also takes a run
// folder (its learned side plays, greedy); a command given a run folder plays the scenario the run
// was trained on unless --scenario says otherwise, and a --scenario of another game is refused in
// one line; a missing folder is `no such run folder: X` from every command and every flag.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgym, cgymJson, type CliRun } from './cgym.js';

const dir = mkdtempSync(join(tmpdir(), 'cgym-run-folders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Both sides learned (schedule simultaneous), on byzantine-breaking as preset. */
const both = join(dir, 'both');
/** The same preset trained with maxRounds=3: another game under the same name. */
const longer = join(dir, 'longer');

function train(out: string, extra: string[]): void {
  const run = cgym(['train', '--scenario', 'byzantine-breaking', '--schedule', 'simultaneous', '--epochs', '2', '--batch', '32', '--seed', '1', '--out', out, '--json', ...extra]);
  expect(run.status, run.stderr).toBe(0);
}

beforeAll(() => {
  train(both, []);
  train(longer, ['--set', 'maxRounds=3']);
});

/** Exactly one line `cgym: <message>` on stderr, exit 1, nothing on stdout. */
function expectOneLine(run: CliRun, message: string | RegExp): void {
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
  if (typeof message === 'string') expect(run.stderr).toBe(`cgym: ${message}\n`);
  else expect(run.stderr).toMatch(message);
  expect(run.status).toBe(1);
}

interface Played {
  scenario: string;
  honest: string;
  adversary: string;
  episodes: number;
  set?: string[];
  meanRounds: number;
}

describe('a run folder where a protocol or an adversary stands', () => {
  it('play --honest RUN and --adversary RUN play its learned sides in its scenario, no --scenario needed', () => {
    const learnedHonest = cgymJson<Played>(['play', '--honest', both, '--episodes', '200']);
    expect(learnedHonest).toMatchObject({ scenario: 'byzantine-breaking', honest: `run:${both}`, adversary: 'silent', episodes: 200 });
    const learnedAdversary = cgymJson<Played>(['play', '--honest', 'majority', '--adversary', both, '--episodes', '200']);
    expect(learnedAdversary).toMatchObject({ scenario: 'byzantine-breaking', honest: 'majority', adversary: `run:${both}` });
    const learnedBoth = cgymJson<Played>(['play', '--honest', both, '--adversary', both, '--episodes', '200', '--trace']);
    expect(learnedBoth).toMatchObject({ honest: `run:${both}`, adversary: `run:${both}` });
    expect((learnedBoth as Played & { trace: string }).trace).toContain('verdict:');
  });

  it('play with a run folder plays the game the run learned: its maxRounds, not the preset\'s', () => {
    // With maxRounds=3 an episode that never commits lasts 3 rounds; the preset's last 2.
    const played = cgymJson<Played>(['play', '--honest', longer, '--episodes', '200']);
    expect(played.scenario).toBe('byzantine-breaking');
    expect(played.meanRounds).toBeGreaterThan(2);
  });

  it('eval, verify and attack take the run folder as the honest side, and its scenario', () => {
    expect(cgymJson<Played>(['eval', '--run', both, '--episodes', '100'])).toMatchObject({ scenario: 'byzantine-breaking', honest: `run:${both}`, adversary: `run:${both}` });
    expect(cgymJson<Played>(['eval', '--run', both, '--adversary', 'equivocate', '--episodes', '100'])).toMatchObject({ adversary: 'equivocate' });
    expect(cgymJson<{ scenario: string; honest: string }>(['verify', '--honest', both])).toMatchObject({ scenario: 'byzantine-breaking', honest: `run:${both}` });
    const attacked = cgymJson<{ scenario: string; honest: string }>(['attack', '--honest', both, '--epochs', '1', '--batch', '16', '--trace-episodes', '10', '--out', join(dir, 'attack')]);
    expect(attacked).toMatchObject({ scenario: 'byzantine-breaking', honest: `run:${both}` });
  });

  it('chart draws a run folder\'s episode in the game the run learned, no --scenario needed', () => {
    const out = join(dir, 'learned-chart.svg');
    const drawn = cgym(['chart', '--honest', longer, '--adversary', longer, '--out', out]);
    expect(drawn.stderr).toBe('');
    expect(drawn.stdout).toMatch(/^wrote .*learned-chart\.svg/);
    // The run's game has 3 rounds; the preset's 2 would draw no round 3.
    expect(readFileSync(out, 'utf8')).toContain('round 3');
  });

  it('train against a run folder\'s side, or from its policy, trains in the game the run learned (no --scenario)', () => {
    const readScenario = (run: string) => (JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { scenario: { name: string; maxRounds: number } }).scenario;
    for (const [name, args] of [
      ['vs-learned-honest', ['--schedule', 'adversary', '--honest', longer]],
      ['vs-learned-adversary', ['--adversary', longer]],
      ['from-learned', ['--init', longer]],
    ] as const) {
      const out = join(dir, name);
      const trained = cgym(['train', ...args, '--epochs', '1', '--batch', '16', '--out', out, '--json']);
      expect(trained.stderr, name).toBe('');
      expect(readScenario(out), name).toMatchObject({ name: 'byzantine-breaking', maxRounds: 3 });
    }
  });

  it('a --scenario that agrees with the run is accepted; --set changes a key of the run\'s scenario on purpose', () => {
    expect(cgymJson<Played>(['play', '--honest', both, '--scenario', 'byzantine-breaking', '--episodes', '100']).scenario).toBe('byzantine-breaking');
    const overridden = cgymJson<Played>(['eval', '--run', both, '--set', 'rewards.noCommit=-2', '--episodes', '100']);
    expect(overridden.set).toEqual(['rewards.noCommit=-2']);
  });

  it.each([
    ['play', ['play', '--honest', longer, '--scenario', 'byzantine-breaking'], `play: --scenario byzantine-breaking has maxRounds=2, but --honest ${longer} was trained with maxRounds=3`],
    ['play (adversary)', ['play', '--honest', 'majority', '--adversary', longer, '--scenario', 'byzantine-breaking'], `play: --scenario byzantine-breaking has maxRounds=2, but --adversary ${longer} was trained with maxRounds=3`],
    ['eval', ['eval', '--run', both, '--scenario', 'honest-consensus'], `eval: --scenario honest-consensus has f=0, but --run ${both} was trained with f=1`],
    ['verify', ['verify', '--run', longer, '--scenario', 'byzantine-breaking'], `verify: --scenario byzantine-breaking has maxRounds=2, but --run ${longer} was trained with maxRounds=3`],
    ['attack', ['attack', '--honest-run', longer, '--scenario', 'byzantine-breaking'], `attack: --scenario byzantine-breaking has maxRounds=2, but --honest-run ${longer} was trained with maxRounds=3`],
    ['extract', ['extract', '--run', longer, '--scenario', 'byzantine-breaking'], `extract: --scenario byzantine-breaking has maxRounds=2, but --run ${longer} was trained with maxRounds=3`],
  ])('%s refuses a --scenario of another game in one line', (_command, args, message) => {
    expectOneLine(cgym(args), `${message}; leave --scenario out (the run brings its own) or change a key with --set`);
  });

  it('two run folders trained on different games are refused in one line, and --set lays one game over both', () => {
    expectOneLine(cgym(['play', '--honest', both, '--adversary', longer]), `play: --honest ${both} and --adversary ${longer} were trained on different scenarios (maxRounds=2 and 3); --set maxRounds=3 plays both at the second's`);
    expectOneLine(cgym(['eval', '--run', both, '--adversary', longer]), `eval: --run ${both} and --adversary ${longer} were trained on different scenarios (maxRounds=2 and 3); --set maxRounds=3 plays both at the second's`);
    // (Here the honest network's observation has a column per round, so it then refuses maxRounds=3
    // in one line of its own; the README tour plays a protocol learned at f=0 against an attacker
    // learned at f=1 under --set f=1.)
    expectOneLine(cgym(['play', '--honest', both, '--adversary', longer, '--set', 'maxRounds=3']), new RegExp(`^cgym: run:${both}: the network reads \\d+ numbers, scenario byzantine-breaking observes \\d+\n$`));
  });
});

describe('a protocol name or a path', () => {
  it('a registry name is the registry\'s even beside a run folder of that name; ./name is the folder', () => {
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd);
    train(join(cwd, 'majority'), []);
    const byName = cgym(['play', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--episodes', '100', '--json'], {}, cwd);
    expect(byName.status, byName.stderr).toBe(0);
    expect((JSON.parse(byName.stdout) as Played).honest).toBe('majority');
    const run = cgym(['play', '--honest', './majority', '--episodes', '100', '--json'], {}, cwd);
    expect(run.status, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as Played).honest).toBe('run:./majority');
  });

  it('an unknown name lists the known ones and says how a run folder is written', () => {
    expectOneLine(cgym(['play', '--scenario', 'byzantine-breaking', '--honest', 'majorty']), /^cgym: unknown protocol "majorty" \(known: random, majority, .*; a run folder is a path, e.g. runs\/majorty or \.\/majorty\)\n$/);
    expectOneLine(cgym(['eval', '--run', both, '--adversary', 'equivocat']), /^cgym: unknown adversary "equivocat" \(known: silent, .*equivocate.*; a run folder is a path/);
  });
});

describe('a missing run folder', () => {
  const missing = join(dir, 'missing');
  /** Every command and flag that takes a run folder, with a missing one in it. */
  const PLACES: Array<[string, string[]]> = [
    ['play --honest', ['play', '--honest', missing]],
    ['play --adversary', ['play', '--honest', 'majority', '--adversary', missing]],
    ['eval --run', ['eval', '--run', missing]],
    ['eval --adversary', ['eval', '--run', both, '--adversary', missing]],
    ['verify --run', ['verify', '--run', missing]],
    ['verify --honest', ['verify', '--honest', missing]],
    ['attack --honest', ['attack', '--honest', missing]],
    ['attack --honest-run', ['attack', '--honest-run', missing]],
    ['extract --run', ['extract', '--run', missing]],
    ['extract --honest', ['extract', '--honest', missing]],
    ['extract --adversary', ['extract', '--honest', 'majority', '--scenario', 'byzantine-breaking', '--adversary', missing]],
    ['chart --honest', ['chart', '--scenario', 'byzantine-breaking', '--honest', missing, '--out', join(dir, 'chart.svg')]],
    ['chart --adversary', ['chart', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--adversary', missing, '--out', join(dir, 'chart.svg')]],
    ['train --honest', ['train', '--scenario', 'byzantine-breaking', '--schedule', 'adversary', '--honest', missing, '--out', join(dir, 't-honest')]],
    ['train --adversary', ['train', '--scenario', 'byzantine-breaking', '--adversary', missing, '--out', join(dir, 't-adversary')]],
    ['train --init', ['train', '--scenario', 'byzantine-breaking', '--init', missing, '--out', join(dir, 't-init')]],
    ['plot --run', ['plot', '--run', missing]],
  ];

  it.each(PLACES)('%s: exactly "no such run folder: X"', (_place, args) => {
    expectOneLine(cgym(args), `no such run folder: ${missing}`);
  });
});
