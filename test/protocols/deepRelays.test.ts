// Relay chains deeper than one hop, as the protocols that need them use them (f ≥ 2). The wins
// against every fixed adversary are in deterministic.test.ts; here the known losses and the one
// rule Dolev–Strong needs from f = 3 on.
import { describe, expect, it } from 'vitest';
import type { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import type { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { play } from '../../src/play/play.js';
import { dolevStrongProtocol } from '../../src/protocols/dolevStrong.js';
import type { Adversary, HonestProtocol } from '../../src/protocols/types.js';
import { handMade } from '../game/helpers.js';

describe('known answers at f = 2', () => {
  it('Dolev–Strong at n=4, f=2 without signatures: a lying relayer splits the honest agents', () => {
    // Dolev & Strong 1983: the f+1-round broadcast needs signatures; with authenticated channels
    // alone a faulty relayer claims the other value and an honest agent extracts two.
    const scenario = loadScenario('bb-pki-n4-f2', ['identity=authenticated']);
    const result = play({ scenario, honest: 'dolev-strong', adversary: 'lie-relays', episodes: 2_000, seed: 1 });
    expect(result.consistencyViolationRate).toBeGreaterThan(0.1);
    const signed = play({ scenario: loadScenario('bb-pki-n4-f2'), honest: 'dolev-strong', adversary: 'withhold-relays', episodes: 2_000, seed: 1 });
    expect(signed.winRate).toBe(1);
  });

  it('OM(2) at n=6, f=2 (n ≤ 3f) is broken by equivocation, as Pease, Shostak & Lamport (1980) prove it must be', () => {
    const result = play({ scenario: loadScenario('ba-n7-f2', ['n=6']), honest: 'eig', adversary: 'equivocate', episodes: 2_000, seed: 1 });
    expect(result.consistencyViolationRate).toBeGreaterThan(0.1);
  });
});

/**
 * The attack on a Dolev–Strong whose honest relays sign every chain (n=5, f=3, pki, broadcast):
 * the faulty sender 0 sends its value 1 to honest agent 1 only, one round late (round 2). If 1
 * forwards it in round 3, the chain 0→1 carries 1's signature; faulty 3 pads it with faulty 2's
 * signature and sends 0→1→2→3 (4 signatures) in round 4 to honest 4, which accepts 1 — while 1
 * never accepted anything and decides the default 0.
 */
const latePadding: Adversary = {
  name: 'late-padding',
  summary: 'a late direct value, signed by an honest relay and padded into an acceptable chain',
  refuse: () => undefined,
  act(game: GameBatch, _honest: HonestActions, out: AdversaryActions): void {
    const n = game.n;
    if (game.round === 2) out.message[0 * n + 1] = 1;
    if (game.round !== 4) return;
    const chain = game.chains!.index([0, 1, 2]);
    if ((game.legalChainValues(0, chain) >> 1) & 1) out.relay[(3 * n + 4) * game.chainSlots + chain] = 1;
  },
};

describe('Dolev–Strong signs only chains it accepted', () => {
  const scenario = { n: 5, f: 3, problem: 'broadcast', identity: 'pki', honestActions: 'relay', maxRounds: 5 } as const;

  function decisions(protocol: HonestProtocol): number[] {
    const { game, finish } = handMade(scenario, { faulty: [0, 2, 3], inputs: [1, 0, 0, 0, 0] });
    finish((honest, adversary, g) => {
      protocol.act(g, honest);
      latePadding.act(g, honest, adversary);
    });
    return [game.decision[1]!, game.decision[4]!];
  }

  it('so the padded late chain cannot be built, and the honest agents agree', () => {
    expect(decisions(dolevStrongProtocol)).toEqual([0, 0]);
  });

  it('where signing every chain lets the attack through (the rule is needed from f = 3 on)', () => {
    const signsEverything: HonestProtocol = {
      ...dolevStrongProtocol,
      act(game, out) {
        dolevStrongProtocol.act(game, out);
        out.relayMinSignatures.fill(0);
      },
    };
    expect(decisions(signsEverything)).toEqual([0, 1]);
  });
});
