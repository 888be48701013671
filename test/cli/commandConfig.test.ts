// One config per command: each command's options are one schema-validated object, read from the
// flags laid over a `--config FILE.json`; an unknown key or a bad value is one line naming the key
// (and the known ones), the value and the rule.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeConfigInput } from '../../src/cli/commandConfig.js';
import { PlayConfigSchema } from '../../src/cli/commands/play.js';
import { risingEpochs, tempDir, writeFakeRun } from '../report/fakeRuns.js';
import { cgym, cgymJson, ROOT, type CliRun } from './cgym.js';

const dir = tempDir('cgym-command-config-');
let files = 0;
/** A --config file holding `config`. */
function configFile(config: unknown): string {
  const file = join(dir, `config-${files++}.json`);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

/** Exactly `message` as the one line on stderr, exit 1, nothing on stdout. */
function expectOneLine(run: CliRun, message: string | RegExp): void {
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  if (typeof message === 'string') expect(run.stderr).toBe(`cgym: ${message}\n`);
  else expect(run.stderr).toMatch(message);
  expect(run.status).toBe(1);
}

const BREAKING = { scenario: 'byzantine-breaking', honest: 'majority' };

/** Each flag's help (its block in `cgym <command> --help`) says `(default: <value>)`. */
function expectHelpDefaults(command: string, defaults: Record<string, string | number>): void {
  const blocks = cgym([command, '--help']).stdout.split(/\n(?= {2}-)/).map((block) => block.replace(/\s+/g, ' ').trim());
  for (const [flag, value] of Object.entries(defaults)) {
    const block = blocks.find((b) => b.startsWith(`${flag} `));
    expect(block, flag).toBeDefined();
    expect(block, flag).toContain(`(default: ${value})`);
  }
}

describe('the shared config machinery', () => {
  it('merges objects key by key, the later over the earlier, and refuses a key that reaches a prototype', () => {
    expect(mergeConfigInput({ a: 1, o: { x: 1, y: 2 } }, { o: { y: 3 }, b: undefined }, 't')).toEqual({ a: 1, o: { x: 1, y: 3 } });
    expect(() => mergeConfigInput({}, JSON.parse('{"o": {"__proto__": {"polluted": 1}}}') as Record<string, unknown>, 'play')).toThrow('play: config key __proto__ is not allowed');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a --config file that is missing, malformed, not an object or of a newer version is one line', () => {
    expectOneLine(cgym(['play', '--config', join(dir, 'nope.json')]), `play: --config ${join(dir, 'nope.json')}: no such file`);
    expectOneLine(cgym(['play', '--config', configFile('{"honest": ')]), /^cgym: play: --config .*: malformed JSON/);
    expectOneLine(cgym(['play', '--config', configFile('[1]')]), /^cgym: play: --config .*: must hold a JSON object\n$/);
    expectOneLine(cgym(['play', '--config', configFile({ ...BREAKING, version: 2 })]), 'play: version=2: must be 1 (this version of consensus-gym)');
    expectOneLine(cgym(['play', '--config', configFile('{"__proto__": {"episodes": 1}}')]), 'play: config key __proto__ is not allowed');
  });

  it('a required option neither flag nor file gives is named as the flag', () => {
    expectOneLine(cgym(['eval', '--config', configFile({ episodes: 10 })]), "eval: required option '--run <dir>' not specified (nor run in a --config file); every option: `cgym eval --help`");
  });

  it("the help states the schema's defaults", () => {
    const help = cgym(['play', '--help']).stdout;
    const defaults = PlayConfigSchema.parse({ ...BREAKING });
    expect(help).toContain(`(default: ${defaults.episodes.toLocaleString('en-US')})`);
    expect(help).toMatch(new RegExp(`adversary plays \\(greedy\\)\\s+\\(default:\\s+${defaults.adversary}\\)`));
  });
});

describe('cgym play --config', () => {
  it('plays the file\'s options, flags laid over them', () => {
    const file = configFile({ ...BREAKING, adversary: 'equivocate', episodes: 40, seed: 3 });
    const result = cgymJson(['play', '--config', file, '--seed', '4']);
    expect(result).toMatchObject({ honest: 'majority', adversary: 'equivocate', episodes: 40, seed: 4 });
  });

  it('an unknown key names it and the known ones; a bad value names key, value and rule', () => {
    expectOneLine(cgym(['play', '--config', configFile({ ...BREAKING, colour: 'red' })]), 'play: unknown key colour (known: version, scenario, set, param, honest, adversary, episodes, seed, batch, workers, json, trace, traceEpisode)');
    expectOneLine(cgym(['play', '--config', configFile({ ...BREAKING, episodes: 0 })]), 'play: episodes=0: must be at least 1');
    expectOneLine(cgym(['play', '--config', configFile({ ...BREAKING, trace: 'yes' })]), 'play: trace="yes": must be true or false');
  });
});

describe('cgym verify --config', () => {
  it('flags override the file (a budget too small in the file, enough on the command line)', () => {
    const file = configFile({ ...BREAKING, maxStates: 5 });
    expectOneLine(cgym(['verify', '--config', file]), /^cgym: verify: .*more than --max-states=5/);
    expect(cgymJson(['verify', '--config', file, '--max-states', '1000000'])).toMatchObject({ verdict: 'unsafe', honest: 'majority' });
  });

  it('an unknown key and a bad value are one line', () => {
    expectOneLine(cgym(['verify', '--config', configFile({ ...BREAKING, maxState: 5 })]), /^cgym: verify: unknown key maxState \(known: version, scenario, honest, run, set, param, play, json, maxStates, workers, symmetry, originPruning, falsify\)\n$/);
    expectOneLine(cgym(['verify', '--config', configFile({ ...BREAKING, play: 'random' })]), 'verify: play="random": must be one of greedy, sample');
  });
});

describe('cgym extract --config', () => {
  it('flags override the file', () => {
    const table = cgymJson(['extract', '--config', configFile({ ...BREAKING, episodes: 3 }), '--episodes', '7']);
    expect(table).toMatchObject({ honest: 'majority', adversary: 'silent', episodes: 7 });
  });

  it('an unknown key and a bad value are one line', () => {
    expectOneLine(cgym(['extract', '--config', configFile({ ...BREAKING, episode: 3 })]), /^cgym: extract: unknown key episode \(known: version, run, honest, scenario, set, param, adversary, episodes, seed, json\)\n$/);
    expectOneLine(cgym(['extract', '--config', configFile({ ...BREAKING, episodes: 1e8 })]), 'extract: episodes=100000000: must be at most 10000000');
  });
});

describe('cgym chart --config', () => {
  it('flags override the file', () => {
    const fromFile = join(dir, 'file.svg');
    const fromFlag = join(dir, 'flag.svg');
    const run = cgym(['chart', '--config', configFile({ ...BREAKING, adversary: 'equivocate', episode: 3, out: fromFile, title: 'from the file' }), '--out', fromFlag]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^wrote ${fromFlag} `));
    expect(existsSync(fromFile)).toBe(false);
    expect(readFileSync(fromFlag, 'utf8')).toContain('from the file');
  });

  it('an unknown key and a bad value are one line', () => {
    const out = join(dir, 'never.svg');
    expectOneLine(cgym(['chart', '--config', configFile({ ...BREAKING, out, colour: 'red' })]), /^cgym: chart: unknown key colour \(known: version, scenario, honest, adversary, set, param, seed, episode, out, title\)\n$/);
    expectOneLine(cgym(['chart', '--config', configFile({ ...BREAKING, out, episode: -1 })]), 'chart: episode=-1: must be at least 0');
    expect(existsSync(out)).toBe(false);
  });
});

describe('cgym plot --config', () => {
  const run = writeFakeRun(dir, { name: 'plotted', epochs: risingEpochs(6, 0.4, 0.9) });

  it('flags override the file; --no-threshold is the config\'s "none"', () => {
    const out = join(dir, 'plot.svg');
    const result = cgym(['plot', '--config', configFile({ run: [run], out, title: 'from the file', threshold: 0.5 }), '--title', 'from the flag', '--no-threshold']);
    expect(result.stderr).toBe('');
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('from the flag');
    expect(svg).not.toContain('from the file');
  });

  it('an unknown key and a bad value are one line', () => {
    expectOneLine(cgym(['plot', '--config', configFile({ run: [run], metrics: ['winRate'] })]), /^cgym: plot: unknown key metrics \(known: version, run, out, metric, violations, band, title, threshold, spec\)\n$/);
    expectOneLine(cgym(['plot', '--config', configFile({ run: [run], threshold: 2 })]), 'plot: threshold=2: must be a rate in 0..1, runs or none');
    expectOneLine(cgym(['plot', '--config', configFile({ run: [run], threshold: 'never' })]), 'plot: threshold="never": must be a rate in 0..1, runs or none');
    expectOneLine(cgym(['plot', '--config', configFile({ run: [] })]), 'plot: run=[]: must name at least one run folder');
  });
});

describe('cgym paper --config', () => {
  it('flags override the file (seen in the settings a guarded folder refuses)', () => {
    const out = join(dir, 'paper');
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    mkdirSync(out);
    writeFileSync(join(out, 'paper.json'), JSON.stringify({ seeds: 2, epochs: 2, only: ['honest-consensus'], version }));
    const file = configFile({ seeds: 2, epochs: 3, only: ['pki'], out });
    expectOneLine(cgym(['paper', '--config', file, '--seeds', '1']), `paper: ${out} holds results made with \`cgym paper --seeds 2 --epochs 2 --only honest-consensus\`; this run (--seeds 1 --epochs 3 --only pki) would overwrite them: choose another --out, or add --force`);
  });

  it('an unknown key and a bad value are one line', () => {
    expectOneLine(cgym(['paper', '--config', configFile({ seed: 1 })]), /^cgym: paper: unknown key seed \(known: version, seeds, epochs, only, out, workers, force, full\)\n$/);
    expectOneLine(cgym(['paper', '--config', configFile({ seeds: 0 })]), 'paper: seeds=0: must be at least 1');
    expectOneLine(cgym(['paper', '--config', configFile({ only: 'pki' })]), 'paper: only="pki": must be a list of experiment ids');
  });
});

describe('a trained run: eval and attack --config', () => {
  const trained = join(dir, 'trained');
  const small = { epochs: 1, batch: 16, evalEpisodes: 10, finalEpisodes: 50 };

  it('trains a small run to evaluate and attack', () => {
    const run = cgym(['train', '--config', configFile({ scenario: 'byzantine-breaking', adversary: 'equivocate', ...small }), '--out', trained]);
    expect(run.status, run.stderr).toBe(0);
  });

  it('eval: flags override the file; an unknown key and a bad value are one line', () => {
    const result = cgymJson(['eval', '--config', configFile({ run: trained, episodes: 30, seed: 1 }), '--seed', '2']);
    expect(result).toMatchObject({ episodes: 30, seed: 2, adversary: 'equivocate' });
    expectOneLine(cgym(['eval', '--config', configFile({ run: trained, episode: 3 })]), /^cgym: eval: unknown key episode \(known: version, run, scenario, set, adversary, episodes, seed, json\)\n$/);
    expectOneLine(cgym(['eval', '--config', configFile({ run: trained, seed: -1 })]), 'eval: seed=-1: must be at least 0');
  });

  it('attack: a train config under schedule adversary; flags override the file', () => {
    const out = join(dir, 'attack');
    const report = cgymJson(['attack', '--config', configFile({ ...BREAKING, ...small, seed: 1, traceEpisodes: 20 }), '--seed', '3', '--out', out]);
    expect(report).toMatchObject({ honest: 'majority', seed: 3, epochs: 1, episodes: 50 });
    const recorded = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(recorded).toMatchObject({ schedule: 'adversary', honest: 'majority', seed: 3, batch: 16, finalEpisodes: 50 });
  });

  it('attack --honest-run needs no --scenario: the run folder brings its own', () => {
    const report = cgymJson(['attack', '--honest-run', trained, '--config', configFile({ ...small, traceEpisodes: 20 }), '--out', join(dir, 'attack-run')]);
    expect(report).toMatchObject({ scenario: 'byzantine-breaking', honest: `run:${trained}`, epochs: 1 });
    expectOneLine(cgym(['attack', '--honest', 'majority']), 'attack: needs --scenario <name|file> (the presets: `cgym scenarios`; only a run folder brings its own); every option: `cgym attack --help`');
  });

  it("attack --help and train --help state their schemas' defaults (the schemas load TensorFlow.js, so the help cannot read them)", async () => {
    const [{ AttackConfigSchema }, { TrainConfigSchema }] = await Promise.all([import('../../src/train/attack.js'), import('../../src/train/config.js')]);
    const attack = AttackConfigSchema.parse({ ...BREAKING });
    expectHelpDefaults('attack', { '--algo': attack.algo, '--epochs': attack.epochs, '--batch': attack.batch, '--seed': attack.seed, '--trace-episodes': attack.traceEpisodes });
    const train = TrainConfigSchema.parse({ scenario: 'pki' });
    expectHelpDefaults('train', {
      '--algo': train.algo, '--schedule': train.schedule, '--epochs': train.epochs, '--batch': train.batch, '--seed': train.seed,
      '--commit-bias': train.commitBias, '--verify-max-states': train.verifyMaxStates.toLocaleString('en-US'), '--message-bias': train.messageBias,
      '--history': train.observation.history, '--value-frame': train.observation.valueFrame, '--message-view': train.observation.messageView,
      '--sample-view': train.observation.sampleView, '--entropy': train.reinforce.entropyCoef,
    });
  });

  it('attack: an honest network\'s option is an unknown key; a bad value is one line', () => {
    expectOneLine(cgym(['attack', '--config', configFile({ ...BREAKING, observation: { history: 2 } })]), /^cgym: attack: unknown key observation \(known: version, scenario, set, algo, epochs, batch, seed, out, stopAt, stopCheckEvery, threshold, keepBest, adversaryHidden, evalEvery, evalEpisodes, finalEpisodes, reinforce, ppo, honest, traceEpisodes, honestRun, json, resume\)\n$/);
    expectOneLine(cgym(['attack', '--config', configFile({ ...BREAKING, traceEpisodes: 0 })]), 'attack: traceEpisodes=0: must be at least 1');
    expectOneLine(cgym(['attack', '--config', configFile({ ...BREAKING, ppo: { clip: -1 } })]), 'attack: ppo.clip=-1: must be a positive number');
  });
});

describe('cgym protocols --config', () => {
  it('flags override the file; an unknown key and a bad value are one line', () => {
    expect(cgymJson(['protocols', '--config', configFile({ scenario: 'pki' })])).toMatchObject({ scenario: 'pki' });
    expect(cgymJson(['protocols', '--config', configFile({ scenario: 'pki' }), '--scenario', 'byzantine-breaking'])).toMatchObject({ scenario: 'byzantine-breaking' });
    expectOneLine(cgym(['protocols', '--config', configFile({ scenarios: 'pki' })]), 'protocols: unknown key scenarios (known: version, json, scenario, set)');
    expectOneLine(cgym(['protocols', '--config', configFile({ scenario: 3 })]), 'protocols: scenario=3: must be a preset name, a file or a scenario object');
  });
});
