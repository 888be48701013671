/**
 * `withhold-relays`: what a faulty agent can still do when it cannot forge (identity=pki).
 * Faulty agents follow the protocol's direct messages, except that a faulty origin (under
 * broadcast: a faulty sender, agent 0) sends its value to only one honest agent, picked at random
 * each round; and when the protocol relays, they forward the genuine values to a random half
 * (⌈h/2⌉ of the h honest agents) and withhold them from the rest.
 *
 * Dolev–Strong survives it: whatever one honest agent accepts, it relays to all the others.
 */
import type { AdversaryActions, HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';
import type { Scenario } from '../../game/scenario.js';
import type { Adversary } from '../types.js';
import { honestIds, mimicMessage, mimicRelay } from './mimic.js';

const SENDER = 0;
const ids = new Int8Array(16);
const reaches = new Uint8Array(16);

export const withholdRelaysAdversary: Adversary = {
  name: 'withhold-relays',
  summary: 'a faulty origin tells one honest agent; genuine relays reach only a random half (pki)',
  refuse(scenario: Scenario): string | undefined {
    if (scenario.faults !== 'byzantine') return `withhold-relays: needs faults=byzantine (got ${scenario.faults})`;
    if (scenario.honestActions !== 'relay') return `withhold-relays: needs honestActions=relay (got ${scenario.honestActions})`;
    if (scenario.identity !== 'pki') return `withhold-relays: needs identity=pki (got ${scenario.identity}; without signatures use lie-relays)`;
    return undefined;
  },

  act(game: GameBatch, honest: HonestActions, out: AdversaryActions): void {
    const n = game.n;
    const broadcast = game.scenario.problem === 'broadcast';
    for (let b = 0; b < game.size; b++) {
      if (game.done[b]) continue;
      const h = honestIds(game, b, ids);
      for (let i = 0; i < n; i++) {
        const a = b * n + i;
        if (!game.faulty[a]) continue;
        if (broadcast && i !== SENDER) mimicMessage(game, honest, out, b, i);
        else {
          reaches.fill(0);
          reaches[ids[game.adversaryRandomInt(b, h)]!] = 1;
          mimicMessage(game, honest, out, b, i, reaches);
        }
        // A random ⌈h/2⌉-subset of the honest agents (partial Fisher–Yates on `ids`).
        const half = Math.ceil(h / 2);
        for (let t = 0; t < half; t++) {
          const pick = t + game.adversaryRandomInt(b, h - t);
          const tmp = ids[t]!; ids[t] = ids[pick]!; ids[pick] = tmp;
        }
        reaches.fill(0);
        for (let t = 0; t < half; t++) reaches[ids[t]!] = 1;
        mimicRelay(game, honest, out, b, i, reaches);
      }
    }
  },
};
