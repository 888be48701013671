/**
 * `random`: every choice the adversary has, drawn uniformly from the legal ones (a baseline).
 * - Byzantine: per (faulty agent, honest recipient) a message in {silent, 0..V−1}; per relay slot
 *   (faulty relayer, honest recipient, origin) {withhold, any value} under authenticated, and under
 *   pki {withhold} ∪ the values the origin has really signed (honest origins; a faulty origin signs
 *   anything); per sample query an answer in {none, 0..V−1}.
 * - Crash: each faulty agent crashes in a uniformly random round of 1..R or never (a hazard of
 *   1/(R−r+2) in round r), its last message reaching a uniformly random subset.
 * - Omission: each faulty agent's message to each recipient is dropped with probability 1/2.
 * - Partial-sync / async: every message gets a uniformly random delay in 0..maxDelay.
 * All draws come from the episode's adversary stream.
 */
import { WITHHOLD, type AdversaryActions, type HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';
import type { Adversary } from '../types.js';

export const randomAdversary: Adversary = {
  name: 'random',
  summary: 'uniformly random legal choices: messages, relays, sample answers, crashes, drops, delays',
  refuse: () => undefined,

  act(game: GameBatch, _honest: HonestActions, out: AdversaryActions): void {
    const { n, scenario } = game;
    const faults = scenario.faults;
    const delays = game.maxDelay > 0;
    for (let b = 0; b < game.size; b++) {
      if (game.done[b]) continue;
      for (let i = 0; i < n; i++) {
        const a = b * n + i;
        if (!game.faulty[a]) continue;
        if (faults === 'byzantine') randomByzantine(game, b, i, out);
        else if (faults === 'crash') randomCrash(game, b, i, out);
        else for (let j = 0; j < n; j++) out.drop[a * n + j] = game.adversaryRandomInt(b, 2);
      }
      if (delays) {
        const bound = game.maxDelay + 1;
        for (let e = b * n * n; e < (b + 1) * n * n; e++) out.delay[e] = game.adversaryRandomInt(b, bound);
      }
    }
  },
};

function randomByzantine(game: GameBatch, b: number, i: number, out: AdversaryActions): void {
  const { n, values: V } = game;
  const a = b * n + i;
  for (let j = 0; j < n; j++) {
    if (j === i || game.faulty[b * n + j]) continue;
    out.message[a * n + j] = game.adversaryRandomInt(b, V + 1) - 1;
    if (game.hasRelays) randomRelayClaims(game, b, i, j, out);
    if (game.hasSamples) out.sampleAnswer[a * n + j] = game.adversaryRandomInt(b, V + 1) - 1;
  }
}

/**
 * Faulty relayer i's relay to j: a uniform claim on every chain not through the relayer or the
 * recipient (at depth 2, slot o is the one-hop chain from o).
 */
export function randomRelayClaims(game: GameBatch, b: number, i: number, j: number, out: AdversaryActions): void {
  const chains = game.chains!;
  const P = game.chainSlots;
  const row = ((b * game.n + i) * game.n + j) * P;
  for (let p = 0; p < P; p++) if (!chains.contains(p, i) && !chains.contains(p, j)) out.relay[row + p] = randomClaim(game, b, p);
}

/** A uniform claim on chain slot `path`: withhold or a value, restricted under pki to what the chain's last honest signer signed. */
function randomClaim(game: GameBatch, b: number, path: number): number {
  const V = game.values;
  if (!game.pki) return game.adversaryRandomInt(b, V + 1) - 1;
  const signed = game.legalChainValues(b, path);
  if (signed === (1 << V) - 1) return game.adversaryRandomInt(b, V + 1) - 1;
  let choices = 0;
  for (let v = 0; v < V; v++) choices += (signed >> v) & 1;
  let pick = game.adversaryRandomInt(b, choices + 1);
  if (pick === 0) return WITHHOLD;
  for (let v = 0; v < V; v++) if ((signed >> v) & 1 && --pick === 0) return v;
  return WITHHOLD;
}

function randomCrash(game: GameBatch, b: number, i: number, out: AdversaryActions): void {
  const n = game.n;
  const a = b * n + i;
  if (game.crashedAt[a] !== 0) return;
  // Rounds r..R and "never" remain: crashing now with probability 1/(R−r+2) makes every option equally likely.
  if (game.adversaryRandomInt(b, game.maxRounds - game.round + 2) !== 0) return;
  out.crash[a] = 1;
  for (let j = 0; j < n; j++) out.crashDeliver[a * n + j] = game.adversaryRandomInt(b, 2);
}
