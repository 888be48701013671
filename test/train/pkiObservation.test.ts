// Why learned honest policies stop at 87.5% on `pki` (README, results): their observation (GAME.md
// §7, one frame) holds the LAST direct message from each agent, so a faulty agent that speaks again
// in round 2 overwrites what it said in round 1. OM(1)/EIG computed from that observation is
// breakable; the same rule on the round-1 values (what a history window of 2 frames would show)
// is proven safe.
import { describe, expect, it } from 'vitest';
import type { HonestActions } from '../../src/game/actions.js';
import type { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer } from '../../src/game/observation.js';
import type { HonestProtocol } from '../../src/game/strategy.js';
import { eigProtocol } from '../../src/protocols/eig.js';
import { verify } from '../../src/verify/verify.js';

/** Plurality with ties → the smaller value (eig's rule). */
function plurality(values: number[], V: number): number {
  const counts = new Array<number>(V).fill(0);
  for (const v of values) if (v >= 0) counts[v]! += 1;
  let best = 0;
  for (let v = 1; v < V; v++) if (counts[v]! > counts[best]!) best = v;
  return best;
}

/** OM(1) (send, relay, decide) whose round-3 rule takes agent j's direct value from `direct`. */
function eigReading(name: string, direct: (game: GameBatch, b: number, i: number, j: number) => number): HonestProtocol {
  return {
    ...eigProtocol,
    name,
    act(game: GameBatch, out: HonestActions): void {
      const { n, values: V, round } = game;
      for (let b = 0; b < game.size; b++)
        for (let i = 0; i < n; i++) {
          if (!game.needsAction(b, i)) continue;
          const a = b * n + i;
          if (round === 1) out.message[a] = game.input[a]!;
          else if (round === 2) out.relay[a] = 1;
          else if (round === 3) {
            const vals: number[] = [];
            for (let j = 0; j < n; j++) {
              if (j === i) vals.push(game.input[a]!);
              else {
                const heard = [direct(game, b, i, j)];
                for (let k = 0; k < n; k++) if (k !== i && k !== j) heard.push(game.relayed(b, i, k, j, 2));
                vals.push(plurality(heard, V));
              }
            }
            out.decision[a] = plurality(vals, V);
          }
        }
    },
  };
}

describe('pki: what the learned honest policy can see', () => {
  const scenario = loadScenario('pki');

  it('the observation\'s `received` slice is the last direct value (game.lastReceived), and there is no history frame', () => {
    const observer = new Observer(scenario);
    expect(observer.history).toBe(1);
    expect(observer.size).toBe(observer.frameSize);
  });

  it('EIG on the last received values is breakable; on the round-1 values (a second frame) it is proven safe', () => {
    const memoryless = verify({ scenario, honest: eigReading('eig-last-received', (g, b, i, j) => g.lastReceived(b, i, j)) });
    expect(memoryless.verdict).toBe('unsafe');
    // 12 of the 32 chance outcomes; no single-frame policy can go below 12.5% (README: the 4-cube argument).
    expect(memoryless.worstCaseLossRate).toBe(0.375);
    const twoFrames = verify({ scenario, honest: eigReading('eig-round-1', (g, b, i, j) => g.received(b, i, j, 1)) });
    expect(twoFrames.verdict).toBe('safe');
    expect(twoFrames.worstCaseLossRate).toBe(0);
  });
});
