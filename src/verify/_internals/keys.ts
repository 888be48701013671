/**
 * Exact keys for memoisation: an agent's view key, and a state's joint key, as strings of char
 * codes (exact, so two states share a key only if they are equal in everything that can matter —
 * never a hash collision).
 *
 * What can matter for the rest of an episode, given the chance outcome (fixed per search):
 * - for an agent that still runs the protocol: everything it can read, as game/view.ts defines it
 *   (own state, what it signed — the adversary's legal pki claims about it —, every envelope
 *   addressed to it, arrived or in flight, and its samples);
 * - for an honest agent that has decided and halts: its decision and what it signed;
 * - for a faulty agent: when it crashed (Byzantine agents carry no state the rules use);
 * - the round.
 * Everything else in the engine (message counts, first arrivals, random streams, the faulty agents'
 * own histories) affects no protocol action, no adversary option and no verdict.
 */
import type { GameBatch } from '../../game/GameBatch.js';
import { Field, visitView, type ViewVisitor } from '../../game/view.js';

const scratch: number[] = [];

function push(x: number): void {
  scratch.push(x + 2); // −1 (silent) and −2 never collide with a separator; all < 65536
}

function flush(): string {
  let out = '';
  for (let i = 0; i < scratch.length; i += 4096) out += String.fromCharCode(...scratch.slice(i, i + 4096));
  scratch.length = 0;
  return out;
}

/** Pushes every number of an agent's view (game/view.ts) to the scratch key; memory words in two halves. */
const keyVisitor: ViewVisitor = {
  cell(field, _index, value) {
    if (field === Field.memory) {
      push(value & 0xffff);
      push(value >>> 16);
    } else push(value);
  },
};

/** Appends agent h's view (everything it can read, now or later: game/view.ts) to the scratch key. */
function pushView(game: GameBatch, b: number, h: number): void {
  visitView(game, b, h, keyVisitor);
}

/** Key of agent h's view in slot b (used to merge recipient options that lead to the same view). */
export function viewKey(game: GameBatch, b: number, h: number): string {
  pushView(game, b, h);
  return flush();
}

/** Key of the whole state in slot b (see the module comment for why this is exact). */
export function jointKey(game: GameBatch, b: number): string {
  const n = game.n;
  push(game.round);
  for (let i = 0; i < n; i++) {
    const a = b * n + i;
    push(-2); // separator
    if (game.faulty[a]) {
      push(game.crashedAt[a]!);
      if (game.byzantine || game.crashedAt[a] !== 0) continue;
    }
    const halted = game.decisionRound[a] !== 0 && !game.continueAfterCommit;
    if (halted) {
      push(game.decision[a]!);
      if (game.hasVector) for (let j = 0; j < n; j++) push(game.decisionVector[a * n + j]!);
      push(game.signed[a]!);
      // Its signatures on chains (pki, deeper relays) still bound what the adversary may forward.
      for (let p = 0, P = game.chainSigned.length > 0 ? game.chainSlots : 0; p < P; p++) push(game.chainSigned[a * P + p]!);
    } else pushView(game, b, i);
  }
  return flush();
}
