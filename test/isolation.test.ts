// The suite's files share their worker's modules (vitest.config.ts: isolate: false). A file that mocks
// a module would leak its mock into every file that runs after it in that worker, so each one must be
// in the config's list of files run isolated.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? testFiles(path) : entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('test isolation', () => {
  it('every test file that mocks a module runs in the isolated project', () => {
    const config = readFileSync(join(root, 'vitest.config.ts'), 'utf8');
    const isolatedList = /const MOCKING = \[([^\]]*)\]/.exec(config)?.[1] ?? '';
    const listed = [...isolatedList.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    const mocking = testFiles(join(root, 'test'))
      .filter((file) => /\bvi\.(mock|doMock|stubGlobal|stubEnv)\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file).split('\\').join('/'));
    expect(mocking.length).toBeGreaterThan(0);
    expect(listed.sort()).toEqual(mocking.sort());
  });
});
