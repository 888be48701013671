/**
 * The targets of PPO's auxiliary majority loss (`ppo.majorityCoef`): for every honest decision of
 * a rollout, the honest inputs' plurality value of its episode (game/inputMajority.ts), written in
 * the deciding agent's value frame as its network reads values (policy/valueFrame.ts: value v is
 * (v − input) mod V in the own-input and symmetric frames). −1 where values tie: no target.
 *
 * Must run after the honest side's rollout and before the game is reset (the league's adversary
 * rollout replays the same GameBatch).
 */
import type { GameBatch } from '../game/GameBatch.js';
import { honestInputPlurality } from '../game/inputMajority.js';
import type { ValueFrame } from '../policy/valueFrame.js';
import type { SideStorage } from './rollout.js';

export function recordMajorityTargets(storage: SideStorage, game: GameBatch, valueFrame: ValueFrame): void {
  const { n, values } = game.scenario;
  if (storage.rowsPerEpisode !== n) throw new RangeError(`majority targets: an honest storage has ${n} rows per episode (got ${storage.rowsPerEpisode})`);
  const episodes = storage.rowsPerRound / n;
  const tally = new Int32Array(values);
  for (let b = 0; b < episodes; b++) {
    const majority = honestInputPlurality(game, b, tally);
    for (let i = 0; i < n; i++) {
      const row = b * n + i;
      const target = majority < 0 ? -1 : valueFrame === 'absolute' ? majority : (majority - game.input[row]! + values) % values;
      for (let r = 0; r < storage.maxRounds; r++) storage.majorityTarget[r * storage.rowsPerRound + row] = target;
    }
  }
  storage.majorityTargetsRecorded = true;
}
