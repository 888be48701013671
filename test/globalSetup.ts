/**
 * Every temporary file the tests make goes under one directory of this run, removed at the end.
 *
 * Why: the tests make their run folders with `mkdtempSync(join(tmpdir(), …))` (and the CLI processes
 * they spawn do the same), and few remove them: one full `npm test` left ~800 directories in /tmp.
 * `os.tmpdir()` reads TMPDIR, and the test workers and their child processes inherit this process's
 * environment, so pointing TMPDIR at a fresh directory catches them all in one place.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): (() => void) | undefined {
  // Each project of vitest.config.ts runs this; the first one makes the directory and removes it.
  if (process.env.CGYM_TEST_TMPDIR) return undefined;
  const directory = mkdtempSync(join(tmpdir(), 'cgym-tests-'));
  process.env.CGYM_TEST_TMPDIR = directory;
  process.env.TMPDIR = directory;
  return () => rmSync(directory, { recursive: true, force: true });
}
