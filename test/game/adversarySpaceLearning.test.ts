// A learned adversary with crash and delay heads learns the known-optimal attack on a small case.
// Case: byzantine-breaking with faults=crash, timing=async (n=3, f=1 crash, D=1, R=2) against the
// majority protocol (send the input, then commit the majority of what arrived). The verifier's
// exact worst case there is a 62.5% consistency-violation rate (`cgym verify --scenario
// byzantine-breaking --set faults=crash --set timing=async --honest majority`); the silent adversary
// breaks nothing and the random one (random crashes and delays) about 26%.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { play } from '../../src/play/play.js';
import { train } from '../../src/train/train.js';

const VERIFIED_WORST_CASE = 0.625;
const SET = ['faults=crash', 'timing=async'];

describe('train --schedule adversary with crash and delay heads', () => {
  it('against majority in an async crash scenario: reaches the verifier\'s optimum (62.5%) within 3 points, far above random', async () => {
    const scenario = loadScenario('byzantine-breaking', SET);
    const random = play({ scenario, honest: 'majority', adversary: 'random', episodes: 4000, seed: 1 });
    const silent = play({ scenario, honest: 'majority', adversary: 'silent', episodes: 1000, seed: 1 });
    expect(silent.winRate).toBe(1);
    const summary = await train({
      scenario: 'byzantine-breaking', set: SET, schedule: 'adversary', honest: 'majority',
      epochs: 30, batch: 256, seed: 0, evalEvery: 30, evalEpisodes: 200, finalEpisodes: 4000,
      out: join(mkdtempSync(join(tmpdir(), 'cgym-advheads-')), 'run'),
    });
    const learnedBreak = 1 - summary.finalWinRate;
    expect(learnedBreak).toBeGreaterThan(VERIFIED_WORST_CASE - 0.03);
    expect(learnedBreak).toBeLessThanOrEqual(VERIFIED_WORST_CASE + 0.03); // sampling noise of 4000 episodes only: the verifier's rate is exact
    expect(learnedBreak).toBeGreaterThan(1 - random.winRate + 0.25);
  }, 60_000);
});
