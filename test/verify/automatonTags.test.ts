// The game verifier's Byzantine moves include every message type of a threshold automaton
// (`messageTags`), not only the tags honest agents send that round: with all inputs 0 no honest
// strb process sends, so only a forged echo can start the relay that strb's `t + 1` threshold guards.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { verify } from '../../src/verify/verify.js';

const scenario = loadScenario('ba-n4-f1', ['honestActions=free', 'timing=sync']);
const STRB = 'examples/bymc/strb.ta[T=1]';

describe("the game verdict of a threshold automaton", () => {
  it('lets a Byzantine process forge any message type: guard3-minus-1 (relay on t echoes) breaks validity, the original does not', () => {
    const broken = verify({ scenario, honest: `${STRB}:guard3-minus-1` });
    // The 4 of 32 chance outcomes with all honest inputs 0: one forged echo, a relay, then acceptance of 1.
    expect(broken.breakRate.validity).toBe(0.125);
    const original = verify({ scenario, honest: STRB });
    expect(original.breakRate.validity).toBe(0);
  }, 60_000);
});
