// A process that takes run folders when told (test/train/runFolderSafety.test.ts): it prints
// `ready`; on each line `go` it takes the next folder named on its command line and prints `won`
// or `refused <message>`; it exits when its stdin closes, without calling release (the exit
// handler must let the locks go). With `--new-run` first, taking a folder is starting a run in it
// the whole way (prepareNewRunFolder, config.json written, lock released).
import { createInterface } from 'node:readline';
import { acquireRunLock, paths, prepareNewRunFolder, writeJson } from '../../src/train/runFolder.js';

const newRun = process.argv[2] === '--new-run';
const dirs = process.argv.slice(newRun ? 3 : 2);
let next = 0;

function take(dir: string): void {
  if (!newRun) {
    acquireRunLock(dir);
    return;
  }
  const lock = prepareNewRunFolder(dir);
  writeJson(paths(dir).config, { pid: process.pid });
  lock.release();
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line !== 'go') return;
  try {
    take(dirs[next++]!);
    process.stdout.write('won\n');
  } catch (error) {
    process.stdout.write(`refused ${(error as Error).message}\n`);
  }
});
input.on('close', () => process.exit(0));
process.stdout.write('ready\n');
