// Runs the built command line (`dist`, which `npm test` builds first) as a user would.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
const MAIN = resolve(ROOT, 'dist/src/cli/main.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cgym(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd: string = ROOT): CliRun {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (\`npm test\` does)`);
  const { CGYM_DEBUG: _ignored, ...inherited } = process.env;
  const run = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', env: { ...inherited, ...env }, timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs with --json and parses the one JSON object printed. */
export function cgymJson<T = Record<string, unknown>>(args: readonly string[]): T {
  const run = cgym([...args, '--json']);
  if (run.status !== 0) throw new Error(`cgym ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
