/**
 * `silent`: faulty agents do nothing. Byzantine agents send nothing, relay nothing and answer no
 * sample; crashing agents crash in round 1 before sending; omission agents drop everything.
 * Delays stay 0.
 */
import type { AdversaryActions, HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';
import type { Adversary } from '../types.js';

export const silentAdversary: Adversary = {
  name: 'silent',
  summary: 'faulty agents send nothing (crash: crash at once; omission: drop everything)',
  refuse: () => undefined,
  act(game: GameBatch, _honest: HonestActions, out: AdversaryActions): void {
    const { n, scenario } = game;
    if (scenario.faults === 'byzantine') return; // cleared buffers are already silence
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        const a = b * n + i;
        if (!game.faulty[a]) continue;
        if (scenario.faults === 'crash') out.crash[a] = 1;
        else for (let j = 0; j < n; j++) out.drop[a * n + j] = 1;
      }
    }
  },
};
