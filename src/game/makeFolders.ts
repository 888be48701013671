/**
 * Creates a folder and its missing parents, one level at a time. Node's `mkdirSync(path,
 * { recursive: true })` never returns under `/proc` (seen on Node 20: `/proc/forbidden/x` loops
 * forever), so a user's `--out /proc/x` would hang instead of failing with one line; creating each
 * missing level with a plain `mkdirSync` fails at the first level that cannot be made.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function makeFolders(path: string): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) {
    missing.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // made meanwhile by another process: fine
    }
  }
}
