// Every user error exits non-zero with exactly one line `cgym: …` on stderr, never a stack trace.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/game/presets.js';
import { parseScenario } from '../../src/game/scenario.js';
import { PROTOCOLS } from '../../src/protocols/registry.js';
import { cgym } from './cgym.js';

const dir = mkdtempSync(join(tmpdir(), 'cgym-errors-'));
const malformed = join(dir, 'malformed.json');
writeFileSync(malformed, '{"n": 3,');
const impossible = join(dir, 'impossible.json');
writeFileSync(impossible, JSON.stringify({ n: 3, f: 3, maxRounds: 2 }));
const notAnObject = join(dir, 'list.json');
writeFileSync(notAnObject, '[1, 2]');

const PLAY = ['play', '--scenario', 'byzantine-breaking', '--honest', 'random'];

/** A registered protocol and a preset it refuses to run in (taken from the registry, not hard-coded). */
function findRefusal(): [string, string, string] | undefined {
  for (const protocol of PROTOCOLS)
    for (const [name, preset] of Object.entries(PRESETS)) {
      const why = protocol.refuse(parseScenario({ name, ...preset }));
      if (why) return [protocol.name, name, why];
    }
  return undefined;
}
const refusal = findRefusal();

const CASES: Array<[string, string[], RegExp]> = [
  ['unknown preset', ['play', '--scenario', 'no-such-preset', '--honest', 'random'], /no-such-preset: not a preset/],
  ['missing file', ['play', '--scenario', join(dir, 'missing.json'), '--honest', 'random'], /no such file/],
  ['malformed JSON file', ['play', '--scenario', malformed, '--honest', 'random'], /malformed JSON/],
  ['JSON that is not an object', ['play', '--scenario', notAnObject, '--honest', 'random'], /must hold a JSON object/],
  ['scenario breaking a rule', ['play', '--scenario', impossible, '--honest', 'random'], /f=3: must be < n=3/],
  ['--set breaking a rule', [...PLAY, '--set', 'maxRounds=0'], /maxRounds=0/],
  ['--set unknown key', [...PLAY, '--set', 'colour=red'], /unknown key colour/],
  ['--set without =', [...PLAY, '--set', 'f'], /expected key=value/],
  ['--set __proto__.x=1', [...PLAY, '--set', '__proto__.x=1'], /--set __proto__.x=1: key __proto__ is not a scenario key/],
  ['--set n=1e400', [...PLAY, '--set', 'n=1e400'], /--set n=1e400: n=1e400 is out of range/],
  // 1048576 episodes × 49 KiB of messages (n=16, 64 rounds): 51 GiB, past half of any test machine's memory.
  ['--batch past the memory limit', ['play', '--scenario', 'honest-consensus', '--set', 'n=16', '--set', 'maxRounds=64', '--honest', 'majority', '--episodes', '1048576', '--batch', '1048576', '--workers', '1'], /^cgym: a batch of 1048576 episodes needs ~\d+\.\d GiB, more than the memory limit of .*; use a smaller batch$/],
  ['/dev/zero as a scenario file', ['play', '--scenario', '/dev/zero', '--honest', 'random'], /scenario file \/dev\/zero: larger than 1 MiB/],
  ['unknown protocol', ['play', '--scenario', 'byzantine-breaking', '--honest', 'no-such-protocol'], /unknown protocol "no-such-protocol"/],
  ['unknown adversary', [...PLAY, '--adversary', 'no-such-adversary'], /unknown adversary "no-such-adversary"/],
  ...(refusal ? [[`refused protocol (${refusal[0]} in ${refusal[1]})`, ['play', '--scenario', refusal[1], '--honest', refusal[0]], new RegExp(`^cgym: ${escape(refusal[2])}$`)] as [string, string[], RegExp]] : []),
  ['--episodes abc', [...PLAY, '--episodes', 'abc'], /--episodes <n>' argument 'abc' is invalid/],
  ['--episodes 0', [...PLAY, '--episodes', '0'], /argument '0' is invalid/],
  ['--seed -1', [...PLAY, '--seed', '-1'], /--seed/],
  ['--batch 1.5', [...PLAY, '--batch', '1.5'], /--batch/],
  ['missing --honest', ['play', '--scenario', 'byzantine-breaking'], /^cgym: play: needs --honest <protocol\|run> \(the protocols: `cgym protocols`\); every option: `cgym play --help`$/],
  ['unknown option', [...PLAY, '--colour'], /unknown option '--colour'/],
  ['unknown command', ['plya'], /unknown command 'plya'/],
  ['unknown scenario in protocols', ['protocols', '--scenario', 'nope'], /nope: not a preset/],
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('cgym errors', () => {
  it('finds a refusal to test among the registered protocols', () => {
    expect(refusal).toBeDefined();
  });

  it.each(CASES)('%s: one line on stderr, non-zero exit', (_name, args, message) => {
    const run = cgym(args);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cgym: /);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toContain('    at ');
  });

  it('--help exits 0 and lists the commands', () => {
    const run = cgym(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/play/);
    expect(run.stdout).toMatch(/scenarios/);
    expect(run.stdout).toMatch(/protocols/);
  });
});
