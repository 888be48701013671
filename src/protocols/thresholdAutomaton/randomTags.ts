/**
 * `random-tags`: a Byzantine adversary for protocols whose messages are told apart by their tag, as
 * a threshold automaton's message types are. Each round every faulty agent sends each honest
 * recipient, independently, nothing (probability 1/2) or a message with a uniformly random tag in
 * 1..TAGS (value 0); under partial-sync and async every message gets a uniformly random delay.
 * The registry's `random` adversary sends tag 0, which no automaton counts, and `equivocate` copies
 * the tag the faulty agent's own copy would send; this one forges any message type to any subset
 * (TAGS covers the ByMC suite's automata, which have at most 7 types). Crash and omission faults: it
 * only delays. Draws come from the episode's adversary stream.
 */
import type { AdversaryActions, HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';
import type { Adversary } from '../types.js';

export const TAGS = 8;

export const randomTagsAdversary: Adversary = {
  name: 'random-tags',
  summary: `forges, per faulty agent and recipient, nothing or a message of a random tag 1..${TAGS}; random delays`,
  refuse: () => undefined,
  act(game: GameBatch, _honest: HonestActions, out: AdversaryActions): void {
    const { n } = game;
    const byzantine = game.scenario.faults === 'byzantine';
    for (let b = 0; b < game.size; b++) {
      if (game.done[b]) continue;
      if (byzantine)
        for (let i = 0; i < n; i++) {
          if (!game.faulty[b * n + i]) continue;
          for (let j = 0; j < n; j++) {
            if (j === i || game.faulty[b * n + j] || game.adversaryRandomInt(b, 2) === 0) continue;
            const e = (b * n + i) * n + j;
            out.message[e] = 0;
            out.tag[e] = 1 + game.adversaryRandomInt(b, TAGS);
          }
        }
      if (game.maxDelay > 0) for (let e = b * n * n; e < (b + 1) * n * n; e++) out.delay[e] = game.adversaryRandomInt(b, game.maxDelay + 1);
    }
  },
};
