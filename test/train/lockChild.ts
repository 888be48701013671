// A process that takes a run folder's lock when told (test/train/runFolderSafety.test.ts): it
// prints `ready`, takes the lock on the line `go` and prints `won` or `refused <message>`, and
// exits when its stdin closes, without calling release (the exit handler must let the lock go).
import { createInterface } from 'node:readline';
import { acquireRunLock } from '../../src/train/runFolder.js';

const dir = process.argv[2]!;
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line !== 'go') return;
  try {
    acquireRunLock(dir);
    process.stdout.write('won\n');
  } catch (error) {
    process.stdout.write(`refused ${(error as Error).message}\n`);
  }
});
input.on('close', () => process.exit(0));
process.stdout.write('ready\n');
