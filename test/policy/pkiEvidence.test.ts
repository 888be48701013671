// What the equivariant network can express on pki with GAME.md §7's own view (EXPERIMENTS §12,
// config H). A protocol the verifier proves safe (Lamport, Shostak & Pease 1982 with signatures:
// send the input, relay what arrived, then per other agent the values it signed in round 1 —
// directly or through a relay —, a conflicted or silent one counting for neither, and the majority
// of the four with ties to 0) needs "o signed v" per other agent o: an OR of the round-1 direct
// message and the relays about o, inside one block. With one encoder layer beside the raw pools the
// network holds it with hand-set weights. Without the clip (a count, what a linear read of the
// pooled blocks gives) an honest origin counts 2 or 3 as the faulty relayer forwards it to some
// agents and not others, and a faulty origin's value counts by how it reached each agent: the
// verifier breaks it (faulty 0 signing 1 to two of the three honest agents, relaying nothing).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { ready } from '../../src/policy/tf.js';
import { handSetVoter } from './equivariantHelpers.js';
import { verify } from '../../src/verify/verify.js';

beforeAll(async () => {
  await ready();
});

/**
 * The hand-set protocol (`linearOnly`: the clip of "o signed my value" dropped, so that evidence is
 * counted unclipped). Units (same, same − 1, diff, diff − 1): "o signed v", clipped to 1.
 */
const evidenceProtocol = (linearOnly: boolean) => handSetVoter('pki', [0, -1, 0, -1], (unit) => linearOnly && unit === 1);

describe('equivariant network on pki with §7\'s view: per-agent evidence needs a unit inside the block', () => {
  it('with clipped evidence per other agent (one encoder layer) the hand-set protocol is proven safe', () => {
    const { network, protocol } = evidenceProtocol(false);
    const result = verify({ scenario: loadScenario('pki'), honest: protocol, maxStates: 2_000_000 });
    expect(result.verdict).toBe('safe');
    network.dispose();
  });

  it('counting the evidence unclipped (what a linear read of the pooled blocks can do) is broken', () => {
    const { network, protocol } = evidenceProtocol(true);
    const result = verify({ scenario: loadScenario('pki'), honest: protocol, maxStates: 2_000_000 });
    expect(result.verdict).toBe("unsafe");
    network.dispose();
  });
});
