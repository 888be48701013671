// A training run in a child process, slowed down after each epoch so that the parent can kill it
// mid-run (test/train/train.test.ts: resume after kill). Arguments: the run folder.
import { train } from '../../src/train/train.js';
import { SMALL_RUN } from './smallRun.js';

const out = process.argv[2]!;
const pause = new Int32Array(new SharedArrayBuffer(4));
await train({ ...SMALL_RUN, out, onEpoch: () => Atomics.wait(pause, 0, 0, 150) });
