// The verifier with relay chains deeper than one hop: it enumerates a faulty relayer's claim on every
// chain, names a chain in its counterexample (`via`), and the counterexample replays in the engine.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import type { HonestProtocol } from '../../src/protocols/types.js';
import { StateLimitError } from '../../src/verify/_internals/search.js';
import { verify, type Unsafe } from '../../src/verify/verify.js';

/** Commits 1 in round 3 if a round-2 relay carried a two-agent chain claiming 1, else its input. */
const chainTrust: HonestProtocol = {
  name: 'chain-trust',
  summary: 'trusts any relayed chain of two agents',
  assumptions: 'none',
  source: 'test',
  memorySlots: 0,
  refuse: () => undefined,
  act(game, out) {
    if (game.round !== 3) return;
    const chains = game.chains!;
    for (let b = 0; b < game.size; b++)
      for (let i = 0; i < game.n; i++) {
        if (!game.needsAction(b, i)) continue;
        let decision = game.input[b * game.n + i]!;
        for (let k = 0; k < game.n; k++)
          for (let p = game.n; p < chains.count; p++) if (k !== i && game.relayedChain(b, i, k, p, 2) === 1) decision = 1;
        out.decision[b * game.n + i] = decision;
      }
  },
};

describe('verify with relay chains of 3 signatures', () => {
  it('proves Dolev–Strong safe with pki at n=3, f=1 (chains of 3 signatures)', () => {
    const result = verify({ scenario: loadScenario('bb-pki-n3-f1', ['relayDepth=3', 'maxRounds=4']), honest: 'dolev-strong' });
    expect(result.verdict).toBe('safe');
  });

  it('finds an attack through a chain, names it with `via`, and it replays', () => {
    const scenario = loadScenario({ n: 3, f: 1, honestActions: 'relay', maxRounds: 3, relayDepth: 3 });
    const result = verify({ scenario, honest: chainTrust });
    expect(result.verdict).toBe('unsafe');
    const { script, violated } = (result as Unsafe).counterexample;
    expect(violated.length).toBeGreaterThan(0); // replayed in the engine (verify checks it)
    const chainRelays = script.flatMap((round) => round.relays ?? []).filter((relay) => relay.length === 5);
    expect(chainRelays.length).toBeGreaterThan(0);
    expect((result as Unsafe).counterexample.trace).toMatch(/\*\[\d>\d:1\]/);
  });

  it('refuses a round whose options exceed the budget before allocating its probes (EIG at n=7, f=2)', () => {
    expect(() => verify({ scenario: loadScenario('ba-n7-f2'), honest: 'eig' })).toThrow(StateLimitError);
    expect(() => verify({ scenario: loadScenario('ba-n7-f2'), honest: 'eig' })).toThrow(/round 1 alone offers the adversary 2\.03e\+35 choices towards one recipient/);
  });
});
