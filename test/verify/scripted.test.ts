// The scripted adversary (a verifier counterexample's replay form) runs anywhere an adversary does.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { play } from '../../src/play/play.js';
import { createScriptedAdversary } from '../../src/protocols/adversaries/scripted.js';
import { verify } from '../../src/verify/verify.js';

describe('scripted adversary', () => {
  it('plays through `play` on random episodes, skipping choices for agents that are not faulty there', () => {
    const scenario = loadScenario('byzantine-breaking');
    const found = verify({ scenario, honest: 'majority' });
    if (found.verdict !== 'unsafe') throw new Error('expected majority to be breakable in byzantine-breaking');
    // The script of one chance outcome (faulty 0, inputs 0/1) wins exactly where it applies: agent 0
    // faulty and the two honest inputs as in the setup. Elsewhere it is harmless.
    const result = play({ scenario, honest: 'majority', adversary: createScriptedAdversary(found.counterexample.script), episodes: 3000, seed: 5 });
    expect(result.consistencyViolationRate).toBeGreaterThan(0);
    expect(result.consistencyViolationRate).toBeLessThan(0.5);
  });

  it('does nothing past the end of its script', () => {
    const scenario = loadScenario('ba-n4-f1');
    const result = play({ scenario, honest: 'eig', adversary: createScriptedAdversary([]), episodes: 200 });
    expect(result.winRate).toBe(1);
  });
});
