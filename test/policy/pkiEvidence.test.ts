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
import { blockWidth, ownWidth, pooledWidth } from '../../src/policy/equivariant.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { PolicyNetwork } from '../../src/policy/PolicyNetwork.js';
import { ready } from '../../src/policy/tf.js';
import { featureIndex } from './equivariantHelpers.js';
import { verify } from '../../src/verify/verify.js';

beforeAll(async () => {
  await ready();
});


/**
 * The hand-set protocol in an equivariant network with a 4-unit encoder (`linearOnly`: the encoder's
 * units read the raw evidence counts instead, unclipped). Own-input frame: a value column 0 is "my
 * input" (same), 1 the other (diff).
 */
function evidenceProtocol(linearOnly: boolean): { network: PolicyNetwork; protocol: NeuralProtocol } {
  const scenario = loadScenario('pki');
  const made = honestNetwork(scenario, { kind: 'equivariant', encoder: [4], hidden: [], seed: 1, commitAtHorizon: true, observation: { history: 3, valueFrame: 'own-input' } });
  const spec = made.spec.equivariant!;
  const O = ownWidth(spec), P = blockWidth(spec), E = 4, width = pooledWidth(spec), mask = made.maskWidth;
  const saved = made.toJSON({ optimizer: false });
  made.dispose();
  // Encoder [P + O, E]: units (same, same − 1, diff, diff − 1) of a = direct(round 1) + 2 · mean of the relays about o.
  const encoder = new Array<number>((P + O) * E).fill(0);
  const encoderBias = [0, -1, 0, -1];
  const received = (value: number) => featureIndex(spec, 'block', 1, 'received', 1 + value); // frame of round 2: the round-1 message
  const relaysAbout = (value: number) => featureIndex(spec, 'block', 0, 'relayed', 6 + 1 + value); // mean over q of (+q → me about +p)
  for (const [unit, value] of [[0, 0], [1, 0], [2, 1], [3, 1]] as const) {
    encoder[received(value) * E + unit] = 1;
    encoder[relaysAbout(value) * E + unit] = 2;
  }
  // Policy [width, mask]: message "send my input", relay yes, wait before the last round, then commit by the evidence.
  const policy = new Array<number>(width * mask).fill(0);
  const bias = new Array<number>(mask).fill(0);
  const [message, decision, relay] = saved.spec.heads.map((h) => h.offset) as [number, number, number]; // message, decision, relay
  bias[message + 1] = 10;
  bias[relay + 1] = 10;
  for (const round of [0, 1]) policy[featureIndex(spec, 'own', 0, 'round', round) * mask + decision] = 20;
  const meanEncoded = O + 2 * P; // mean pooling: the sum over the 3 others / 3
  const commitSame = decision + 1;
  for (const [unit, sign] of [[0, 1], [1, -1], [2, -1], [3, 1]] as const) policy[(meanEncoded + unit) * mask + commitSame] = linearOnly && sign < 0 && (unit === 1 || unit === 3) ? 0 : 3 * sign;
  bias[commitSame] = 1; // my own input counts once
  // Ties to 0: in the own-input frame, "commit my input" gains ½ where my input is 0 and loses ½ where it is 1.
  policy[featureIndex(spec, 'own', 0, 'ownInput', 0) * mask + commitSame] = 0.5;
  policy[featureIndex(spec, 'own', 0, 'ownInput', 1) * mask + commitSame] = -0.5;
  const network = PolicyNetwork.fromJSON({ ...saved, weights: [encoder, encoderBias, policy, bias] });
  return { network, protocol: new NeuralProtocol(network, scenario, 'greedy') };
}

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
