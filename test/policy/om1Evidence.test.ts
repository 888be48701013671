// Whether the equivariant network's blocks already read the evidence per ORIGIN, as OM(1) needs
// (Lamport, Shostak & Pease 1982, oral messages, n = 4, f = 1: send the input, relay what arrived,
// then per other agent o the majority of {o's round-1 message to me, the two others' relays of what
// o told them}, and the majority of the four values with ties to 0). Other +p's block holds both
// parts of that evidence (policy/equivariant.ts: `received` from +p, and the mean over q of the
// relays +q → me about +p), so the per-origin majority is one encoder layer away: with hand-set
// weights the verifier proves it safe on ba-n4-f1. Counting the evidence unclipped (a linear read of
// the pools) lets a faulty origin's value count by how it reached each agent: broken.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { ready } from '../../src/policy/tf.js';
import { handSetVoter } from './equivariantHelpers.js';
import { verify } from '../../src/verify/verify.js';

beforeAll(async () => {
  await ready();
});

/**
 * OM(1) (`clipped` false: the units' second halves dropped, so each origin's reports are counted
 * instead of voted on). Units relu(a − 1), relu(a − 2) per value; their difference is "the majority
 * of o's reports say v".
 */
const om1Protocol = (clipped: boolean) => handSetVoter('ba-n4-f1', [-1, -2, -1, -2], (unit) => !clipped && (unit === 1 || unit === 3));

describe('equivariant network on ba-n4-f1: each block holds the evidence about its origin', () => {
  it('a per-origin majority inside the block (one encoder layer) is OM(1): proven safe', () => {
    const { network, protocol } = om1Protocol(true);
    const result = verify({ scenario: loadScenario('ba-n4-f1'), honest: protocol, maxStates: 2_000_000 });
    expect(result.verdict).toBe('safe');
    network.dispose();
  });

  it('counting every origin\'s reports unclipped (a linear read of the pooled blocks) is broken', () => {
    const { network, protocol } = om1Protocol(false);
    const result = verify({ scenario: loadScenario('ba-n4-f1'), honest: protocol, maxStates: 2_000_000 });
    expect(result.verdict).toBe('unsafe');
    network.dispose();
  });
});
