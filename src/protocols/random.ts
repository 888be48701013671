/**
 * The `random` honest baseline: uniformly random legal actions, head by head, in any scenario.
 * It is the floor every learned protocol must beat.
 */
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import type { HonestProtocol } from './types.js';

export const randomProtocol: HonestProtocol = {
  name: 'random',
  summary: 'uniformly random legal actions (a baseline)',
  assumptions: 'none; correct only by luck',
  source: 'baseline',
  memorySlots: 0,
  refuse: () => undefined,
  act(game: GameBatch, out: HonestActions): void {
    const { n, values: V, scenario } = game;
    const space = scenario.honestActions;
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * n + i;
        const undecided = game.decisionRound[a] === 0;
        switch (space) {
          case 'paper': {
            // One head: {send own input, commit 0..V-1}; a decided agent (continue) may only send or stay silent.
            const choice = game.honestRandomInt(b, undecided ? 1 + V : 2);
            if (choice === 0) out.message[a] = game.input[a]!;
            else if (undecided) out.decision[a] = choice - 1;
            break;
          }
          case 'slush': {
            const choice = game.honestRandomInt(b, 1 + V);
            if (choice === 0 || !undecided) out.query[a] = 1;
            else out.decision[a] = choice - 1;
            break;
          }
          case 'sampling':
            out.query[a] = game.honestRandomInt(b, 2);
            out.preference[a] = game.honestRandomInt(b, 1 + V) - 1;
            if (undecided) commitAtRandom(game, b, i, out);
            break;
          default: // free, relay
            out.message[a] = game.honestRandomInt(b, 1 + V) - 1;
            if (space === 'relay') out.relay[a] = game.honestRandomInt(b, 2);
            if (undecided) commitAtRandom(game, b, i, out);
        }
      }
    }
  },
};

function commitAtRandom(game: GameBatch, b: number, i: number, out: HonestActions): void {
  const { n, values: V } = game;
  const a = b * n + i;
  if (!game.hasVector) {
    out.decision[a] = game.honestRandomInt(b, 1 + V) - 1;
    return;
  }
  if (game.honestRandomInt(b, 2) === 0) return;
  out.decision[a] = 0;
  for (let j = 0; j < n; j++) out.decisionVector[a * n + j] = game.honestRandomInt(b, V);
}
