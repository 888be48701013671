// An output the user's machine cannot write (a file used as a folder, a read-only place) is the
// user's situation, not a bug: one line naming the path and the reason, exit 1, never
// "internal error". ENOTDIR is used because it denies even root (chmod does not).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFakeRun, risingEpochs } from '../report/fakeRuns.js';
import { cgym } from './cgym.js';

const dir = mkdtempSync(join(tmpdir(), 'cgym-unwritable-'));
/** A plain file: anything "inside" it fails with ENOTDIR. */
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'not a folder\n');
const run = writeFakeRun(dir, { name: 'fake-run', epochs: risingEpochs(3, 0.2, 0.8) });

function expectOneLine(args: string[], message: RegExp): void {
  const result = cgym(args);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^cgym: /);
  expect(lines[0]).not.toMatch(/internal error/);
  expect(lines[0]).toMatch(message);
  expect(result.status).toBe(1);
}

describe('unwritable outputs are one line naming the path and the reason', () => {
  it('train --out under a file is refused before anything is made, naming the file', () => {
    expectOneLine(['train', '--scenario', 'honest-consensus', '--epochs', '1', '--out', join(aFile, 'run')], new RegExp(`train: --out ${aFile}/run cannot be created: ${aFile} is a file$`));
  });

  it('train --out under /proc fails in one line (a recursive mkdir there never returns)', () => {
    expectOneLine(['train', '--scenario', 'honest-consensus', '--epochs', '1', '--out', '/proc/cgym-forbidden/run'], /\/proc\/cgym-forbidden.*ENOENT/);
  });

  it('a scenario that is a folder: EISDIR, naming the folder', () => {
    expectOneLine(['play', '--scenario', `${dir}/`, '--honest', 'random'], new RegExp(`cannot read ${dir}/: it is a folder \\(EISDIR\\)$`));
  });

  it('plot --out under a file', () => {
    expectOneLine(['plot', '--run', run, '--out', join(aFile, 'curves.svg')], new RegExp(`cannot write ${aFile}/curves.svg`));
  });

  it('chart --out under a file', () => {
    expectOneLine(['chart', '--scenario', 'byzantine-breaking', '--honest', 'majority', '--out', join(aFile, 'chart.svg')], new RegExp(`cannot write ${aFile}/chart.svg`));
  });
});
