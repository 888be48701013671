// A training run in a child process, slowed down after each epoch so that the parent can kill it
// mid-run (test/train/train.test.ts, league.test.ts, counterexamples.test.ts: resume after kill).
// Arguments: the run folder, then `league` or `counterexamples` for those small runs.
import { train } from '../../src/train/train.js';
import { COUNTEREXAMPLE_RUN, LEAGUE_RUN, SMALL_RUN } from './smallRun.js';

const out = process.argv[2]!;
const run = process.argv[3] === 'league' ? LEAGUE_RUN : process.argv[3] === 'counterexamples' ? COUNTEREXAMPLE_RUN : SMALL_RUN;
const pause = new Int32Array(new SharedArrayBuffer(4));
await train({ ...run, out, onEpoch: () => Atomics.wait(pause, 0, 0, 150) });
