// Folders with their parents, without Node's recursive mkdir, which never returns under /proc.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFolders } from '../../src/game/makeFolders.js';

describe('makeFolders', () => {
  it('creates every missing level, and accepts a folder that exists', () => {
    const root = mkdtempSync(join(tmpdir(), 'cgym-folders-'));
    makeFolders(join(root, 'a', 'b', 'c'));
    expect(existsSync(join(root, 'a', 'b', 'c'))).toBe(true);
    expect(() => makeFolders(join(root, 'a'))).not.toThrow();
  });

  it('fails at the first level that cannot be made: under /proc (where a recursive mkdir loops) and under a file', () => {
    expect(() => makeFolders('/proc/cgym-forbidden/x')).toThrow(/ENOENT/);
    const root = mkdtempSync(join(tmpdir(), 'cgym-folders-'));
    writeFileSync(join(root, 'file'), '');
    expect(() => makeFolders(join(root, 'file', 'x'))).toThrow(/ENOTDIR/);
  });
});
