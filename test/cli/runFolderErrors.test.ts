// Wherever a command takes a run folder, a path that is not one is named for what it is, in one
// line: missing, a folder without config.json, or a config.json that does not parse (a run killed
// while writing it). A name that is neither a registry entry nor a path keeps the registry's message.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgym } from './cgym.js';

const dir = mkdtempSync(join(tmpdir(), 'cgym-run-errors-'));
const missing = join(dir, 'missing');
const empty = join(dir, 'empty');
mkdirSync(empty);
const truncated = join(dir, 'truncated');
mkdirSync(truncated);
writeFileSync(join(truncated, 'config.json'), '{"scenario": {"n": 3,');

/** Every place a run folder is taken, with the folder in it. */
const PLACES: Array<[string, (run: string) => string[]]> = [
  ['verify --run', (run) => ['verify', '--run', run]],
  ['verify --honest (with --scenario)', (run) => ['verify', '--honest', run, '--scenario', 'byzantine-breaking']],
  ['extract --run', (run) => ['extract', '--run', run]],
  ['extract --adversary', (run) => ['extract', '--honest', 'majority', '--scenario', 'byzantine-breaking', '--adversary', run]],
  ['eval --run', (run) => ['eval', '--run', run]],
  ['chart --honest', (run) => ['chart', '--scenario', 'byzantine-breaking', '--honest', run, '--out', join(dir, 'chart.svg')]],
  ['chart --adversary', (run) => ['chart', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--adversary', run, '--out', join(dir, 'chart.svg')]],
  ['attack --honest-run', (run) => ['attack', '--scenario', 'byzantine-breaking', '--honest-run', run, '--epochs', '1']],
  ['play --honest', (run) => ['play', '--scenario', 'byzantine-breaking', '--honest', run]],
  ['play --adversary', (run) => ['play', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--adversary', run]],
  ['attack --honest', (run) => ['attack', '--honest', run, '--epochs', '1']],
];

const KINDS: Array<[string, string, string]> = [
  ['a missing folder', missing, `no such run folder: ${missing}`],
  ['a folder without config.json', empty, `${empty} is not a run folder (no config.json)`],
  ['a truncated config.json', truncated, `${truncated}/config.json: malformed JSON (`],
];

function expectOneLine(args: string[], message: string): void {
  const run = cgym(args);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toContain(`cgym: ${message}`);
  expect(run.status).toBe(1);
}

describe('run folders that are not', () => {
  describe.each(KINDS)('%s', (_kind, folder, message) => {
    it.each(PLACES)('%s names it', (_place, args) => {
      expectOneLine(args(folder), message);
    });
  });

  it('a name with no "/" that is neither a protocol nor a folder gets the registry\'s message', () => {
    expectOneLine(['verify', '--honest', 'no-such-protocol', '--scenario', 'byzantine-breaking'], 'unknown protocol "no-such-protocol"');
  });
});
