// Starts one of the small training runs in a child process (test/train/trainChild.ts), kills it
// with SIGKILL once `atLeast` metric lines are on disk, and returns how many lines survived: the
// state a crash leaves for `--resume`.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { readMetrics } from '../../src/train/runFolder.js';

const ROOT = resolve(__dirname, '../..');

export async function killMidRun(out: string, run: 'small' | 'league' | 'counterexamples', atLeast: number): Promise<number> {
  const args = ['--import', 'tsx', join(ROOT, 'test/train/trainChild.ts'), out, ...(run === 'small' ? [] : [run])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  const exited = new Promise((done) => child.on('exit', done));
  // The child pauses 150 ms after each epoch, so the kill lands between two of them.
  for (let waited = 0; waited < 60_000; waited += 50) {
    if (readMetrics(out).length >= atLeast) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  await exited;
  return readMetrics(out).length;
}
