// A process that takes run folders' locks when told (test/train/runFolderSafety.test.ts): it
// prints `ready`; on each line `go` it takes the lock of the next folder named on its command
// line and prints `won` or `refused <message>`; it exits when its stdin closes, without calling
// release (the exit handler must let the locks go).
import { createInterface } from 'node:readline';
import { acquireRunLock } from '../../src/train/runFolder.js';

const dirs = process.argv.slice(2);
let next = 0;
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line !== 'go') return;
  try {
    acquireRunLock(dirs[next++]!);
    process.stdout.write('won\n');
  } catch (error) {
    process.stdout.write(`refused ${(error as Error).message}\n`);
  }
});
input.on('close', () => process.exit(0));
process.stdout.write('ready\n');
