/**
 * `equivocate`: Byzantine agents tell different honest agents different things, chosen to split them.
 * Each honest recipient gets a target value, and every faulty agent pushes it in every round:
 * - honest inputs differ → each honest agent's own input (its majority leans its own way);
 * - honest inputs agree on v → alternately v and v+1 (mod V) across the honest agents, in id order;
 * - broadcast with a faulty sender → 0 to the first half of the honest agents, 1 to the rest;
 *   broadcast with an honest sender of v → alternately v and v+1 across the other honest agents.
 * Relays: under authenticated it claims each recipient's target about every origin; under pki it
 * forwards an honest origin's value only if that origin really signed the recipient's target, and
 * withholds otherwise. Sample answers: the querier's own current preference (it confirms each
 * querier in its lean). Direct message tags copy the protocol's.
 *
 * Against the seed paper's majority protocol at n = 3, f = 1 this is the attack the paper's
 * adversary learned: it wins exactly when the honest inputs differ (≈ 50%).
 */
import { WITHHOLD, type AdversaryActions, type HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';
import type { Scenario } from '../../game/scenario.js';
import type { Adversary } from '../types.js';
import { honestIds } from './mimic.js';

const SENDER = 0;
/** `[agent]`: the value pushed on each honest agent in the episode being attacked. */
const target = new Int8Array(16);
const ids = new Int8Array(16);

export const equivocateAdversary: Adversary = {
  name: 'equivocate',
  summary: 'different values to different honest agents, chosen to split them (Byzantine)',
  refuse(scenario: Scenario): string | undefined {
    if (scenario.faults !== 'byzantine') return `equivocate: needs faults=byzantine (got ${scenario.faults})`;
    return undefined;
  },

  act(game: GameBatch, honest: HonestActions, out: AdversaryActions): void {
    const n = game.n;
    for (let b = 0; b < game.size; b++) {
      if (game.done[b]) continue;
      splitTargets(game, b);
      for (let i = 0; i < n; i++) {
        const a = b * n + i;
        if (!game.faulty[a]) continue;
        for (let j = 0; j < n; j++) {
          if (j === i || game.faulty[b * n + j]) continue;
          const t = target[j]!;
          out.message[a * n + j] = t;
          out.tag[a * n + j] = honest.tag[a]!;
          if (game.hasRelays) {
            const chains = game.chains!;
            const P = game.chainSlots;
            const row = (a * n + j) * P;
            for (let p = 0; p < P; p++) if (!chains.contains(p, i) && !chains.contains(p, j)) out.relay[row + p] = claim(game, b, p, t);
          }
          if (game.hasSamples) out.sampleAnswer[a * n + j] = game.preference[b * n + j]!;
        }
      }
    }
  },
};

/** Fills `target` for episode b's honest agents. */
function splitTargets(game: GameBatch, b: number): void {
  const { n, values: V } = game;
  const base = b * n;
  const h = honestIds(game, b, ids);
  if (game.scenario.problem === 'broadcast') {
    if (game.faulty[base + SENDER]) {
      for (let r = 0; r < h; r++) target[ids[r]!] = r < Math.floor(h / 2) ? 0 : 1;
      return;
    }
    const v = game.input[base + SENDER]!;
    let rank = 0;
    for (let r = 0; r < h; r++) {
      const j = ids[r]!;
      target[j] = j === SENDER ? v : (v + (rank++ % 2)) % V;
    }
    return;
  }
  let differ = false;
  for (let r = 1; r < h; r++) if (game.input[base + ids[r]!] !== game.input[base + ids[0]!]) differ = true;
  for (let r = 0; r < h; r++) {
    const j = ids[r]!;
    target[j] = differ ? game.input[base + j]! : (game.input[base + j]! + (r % 2)) % V;
  }
}

/** What to claim about origin o to a recipient whose target is t (pki: only what o really signed). */
/** The target t on chain `path` where the rules allow it (pki: only what its honest signers signed). */
function claim(game: GameBatch, b: number, path: number, t: number): number {
  return (game.legalChainValues(b, path) >> t) & 1 ? t : WITHHOLD;
}
