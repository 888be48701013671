/**
 * `crash`: crash-at-random. Each faulty agent stops at a uniformly random round c in 1..R+1
 * (R+1 = never); in round c its last message and relay reach a uniformly random subset of the others.
 * - Crash faults: the engine crashes it in round c (it runs the honest protocol until then).
 * - Byzantine faults: it mimics the honest protocol (its row of `honest`: message, tag, relay)
 *   before c, and is silent from c+1 on.
 * - Omission faults: nothing is dropped before c, everything from c+1 on.
 * The crash round c is a pure function of (run seed, episode, agent), drawn from a private stream of
 * the episode, so it stays fixed across rounds without any state in the adversary (and survives the
 * verifier's branching). The subset in round c comes from the adversary stream.
 */
import type { AdversaryActions, HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';
import { nextInt, RNG_WORDS, seedStream, STREAM_COUNT } from '../../game/rng.js';
import type { Adversary } from '../types.js';
import { mimicMessage, mimicRelay } from './mimic.js';

/** The episode's stream after the engine's chance, honest and adversary streams. */
const PLAN_STREAM = STREAM_COUNT;
const planState = new Uint32Array(RNG_WORDS);
/** `[agent]`: crash round of each agent in the episode being played. */
const crashRound = new Uint8Array(16);
/** `[recipient]`: 1 = the crashing agent's last message reaches it. */
const lastReaches = new Uint8Array(16);

/** Fills `crashRound` for episode b: uniform in 1..R+1 for every agent, in id order. */
export function planCrashes(game: GameBatch, b: number, rounds: Uint8Array = crashRound): void {
  seedStream(planState, 0, game.seed, game.episodeIndex[b]!, PLAN_STREAM);
  for (let i = 0; i < game.n; i++) rounds[i] = 1 + nextInt(planState, 0, game.maxRounds + 1);
}

export const crashAdversary: Adversary = {
  name: 'crash',
  summary: 'each faulty agent stops at a uniformly random round (or never); Byzantine ones follow the protocol until then',
  refuse: () => undefined,

  act(game: GameBatch, honest: HonestActions, out: AdversaryActions): void {
    const { n, round } = game;
    const faults = game.scenario.faults;
    for (let b = 0; b < game.size; b++) {
      if (game.done[b]) continue;
      planCrashes(game, b);
      for (let i = 0; i < n; i++) {
        const a = b * n + i;
        if (!game.faulty[a]) continue;
        const c = crashRound[i]!;
        if (round > c) {
          if (faults === 'omission') for (let j = 0; j < n; j++) out.drop[a * n + j] = 1;
          continue; // crash: already crashed; Byzantine: silent
        }
        if (round < c) {
          if (faults === 'byzantine') {
            mimicMessage(game, honest, out, b, i);
            mimicRelay(game, honest, out, b, i);
          }
          continue;
        }
        for (let j = 0; j < n; j++) lastReaches[j] = j === i ? 0 : game.adversaryRandomInt(b, 2);
        if (faults === 'crash') {
          out.crash[a] = 1;
          for (let j = 0; j < n; j++) out.crashDeliver[a * n + j] = lastReaches[j]!;
        } else if (faults === 'omission') {
          for (let j = 0; j < n; j++) out.drop[a * n + j] = 1 - lastReaches[j]!;
        } else {
          mimicMessage(game, honest, out, b, i, lastReaches);
          mimicRelay(game, honest, out, b, i, lastReaches);
        }
      }
    }
  },
};
