/**
 * Where two honest action buffers of one state disagree: what the verifier's declaration checks
 * (agent roles, symmetry.ts; visible origins, visibleOrigins.ts) look for between an original run
 * and its copy. Each check words the difference its own way.
 */
import type { HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';

/** One action entry on which the copies disagree. */
export interface ActionDifference {
  /** The action (`message`, `decision`, `decisionVector`, …). */
  field: string;
  /** The agent in the first buffer (its counterpart in the second is the renamed agent). */
  agent: number;
  /** For actions with an entry per agent (`decisionVector`): the entry, in the first buffer's names. */
  entry?: number;
  x: number;
  y: number;
}

/**
 * The first honest action of slot b on which `x` and `y` disagree, or undefined: agent i's action in
 * `x` against agent perm(i)'s in `y`, and an entry naming agent j against entry perm(j) (no `perm`:
 * the identity). Agents that need no action, and Byzantine agents (whose protocol actions are never
 * played: the adversary acts for them), are skipped.
 */
export function firstActionDifference(game: GameBatch, x: HonestActions, y: HonestActions, b: number, perm?: readonly number[]): ActionDifference | undefined {
  const n = game.n;
  const to = (i: number) => (perm ? perm[i]! : i);
  for (const field of Object.keys(x) as Array<keyof HonestActions>) {
    const xs = x[field];
    const ys = y[field];
    if (!ArrayBuffer.isView(xs) || !ArrayBuffer.isView(ys)) continue;
    const xa = xs as unknown as ArrayLike<number>;
    const ya = ys as unknown as ArrayLike<number>;
    const perAgent = xa.length / (x.size * n); // entries per agent: 1, n (one per agent named), or 0 (unused here)
    for (let i = 0; i < n; i++) {
      if (!game.needsAction(b, i) || (game.byzantine && game.faulty[b * n + i] === 1)) continue;
      const from = b * n + i;
      const into = b * n + to(i);
      if (perAgent === 1) {
        if (xa[from] !== ya[into]) return { field, agent: i, x: xa[from]!, y: ya[into]! };
        continue;
      }
      for (let j = 0; j < perAgent; j++) {
        const at = from * perAgent + j;
        const renamed = into * perAgent + (perAgent === n ? to(j) : j);
        if (xa[at] !== ya[renamed]) return { field, agent: i, entry: j, x: xa[at]!, y: ya[renamed]! };
      }
    }
  }
  return undefined;
}
