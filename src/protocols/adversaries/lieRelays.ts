/**
 * `lie-relays`: the lie that signatures exist to stop. Faulty agents send the protocol's own direct
 * messages (their row of `honest`), but every relay claims the flipped value (v → v+1 mod V) of what
 * the origin actually sent the relayer, to every honest recipient, in every round in which
 * something arrived to relay. Runs only where such claims are legal: Byzantine faults, the relay
 * action space, identity=authenticated (under pki the engine rejects a forged signature).
 *
 * Against Dolev–Strong without signatures (n = 3, f = 1) an honest sender's value reaches the other
 * honest agent twice, once flipped, so it falls back to the default: a validity violation.
 */
import { WITHHOLD, type AdversaryActions, type HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';
import type { Scenario } from '../../game/scenario.js';
import type { Adversary } from '../types.js';
import { mimicMessage } from './mimic.js';

let flipped = new Int8Array(16);

export const lieRelaysAdversary: Adversary = {
  name: 'lie-relays',
  summary: 'protocol messages, but every relay claims the flipped value (authenticated relays)',
  refuse(scenario: Scenario): string | undefined {
    if (scenario.faults !== 'byzantine') return `lie-relays: needs faults=byzantine (got ${scenario.faults})`;
    if (scenario.honestActions !== 'relay') return `lie-relays: needs honestActions=relay (got ${scenario.honestActions})`;
    if (scenario.identity !== 'authenticated')
      return `lie-relays: needs identity=authenticated, where relayed claims carry no proof (got ${scenario.identity}; under pki use withhold-relays)`;
    return undefined;
  },

  act(game: GameBatch, honest: HonestActions, out: AdversaryActions): void {
    const { n, values: V } = game;
    for (let b = 0; b < game.size; b++) {
      if (game.done[b]) continue;
      for (let i = 0; i < n; i++) {
        const a = b * n + i;
        if (!game.faulty[a]) continue;
        mimicMessage(game, honest, out, b, i);
        // Every chain that reached it (relay chains of any depth), flipped.
        const chains = game.chains!;
        const P = game.chainSlots;
        if (flipped.length < P) flipped = new Int8Array(P);
        for (let p = 0; p < P; p++) {
          const v = chains.contains(p, i) ? WITHHOLD : game.chainReceivedNow(b, i, p);
          flipped[p] = v >= 0 ? (v + 1) % V : WITHHOLD;
        }
        for (let j = 0; j < n; j++) {
          if (j === i || game.faulty[b * n + j]) continue;
          const row = (a * n + j) * P;
          for (let p = 0; p < P; p++) if (!chains.contains(p, j)) out.relay[row + p] = flipped[p]!;
        }
      }
    }
  },
};
