// A small text file is read whole; anything past the cap is refused without reading it to the end
// (a device like /dev/zero reports size 0 and never ends).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTooLargeError, readTextFileCapped } from '../../src/game/readTextFileCapped.js';

const dir = mkdtempSync(join(tmpdir(), 'cgym-capped-'));

describe('readTextFileCapped', () => {
  it('reads a file of exactly the cap whole', () => {
    const file = join(dir, 'exact.txt');
    writeFileSync(file, 'x'.repeat(1000));
    expect(readTextFileCapped(file, 1000, 'test file')).toBe('x'.repeat(1000));
  });

  it('refuses a regular file one byte over the cap, naming what it is, the path and the cap', () => {
    const file = join(dir, 'over.txt');
    writeFileSync(file, 'x'.repeat(1025));
    expect(() => readTextFileCapped(file, 1024, 'test file')).toThrow(FileTooLargeError);
    expect(() => readTextFileCapped(file, 1024, 'test file')).toThrow(`test file ${file}: larger than 1 KiB`);
  });

  it.runIf(existsSync('/dev/zero'))('stops reading /dev/zero (size 0 by fstat, endless by read) one byte past the cap', () => {
    expect(() => readTextFileCapped('/dev/zero', 64 * 1024, 'scenario file')).toThrow('scenario file /dev/zero: larger than 64 KiB');
  });

  it('passes on a missing file as the system error (the command line names the path)', () => {
    expect(() => readTextFileCapped(join(dir, 'missing.txt'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
