/**
 * Exact keys for memoisation: an agent's view key, and a state's joint key, as strings of char
 * codes (exact, so two states share a key only if they are equal in everything that can matter —
 * never a hash collision).
 *
 * What can matter for the rest of an episode, given the chance outcome (fixed per search):
 * - for an agent that still runs the protocol: everything it can read — input, preference, decision,
 *   memory, every envelope addressed to it (arrived or still in flight: value, tag, arrival
 *   round, relay contents), and whom its samples queried and what they answered; plus what it
 *   signed (the adversary's legal pki claims about it);
 * - for an honest agent that has decided and halts: its decision and what it signed;
 * - for a faulty agent: when it crashed (Byzantine agents carry no state the rules use);
 * - the round.
 * Everything else in the engine (message counts, first arrivals, random streams, the faulty agents'
 * own histories) affects no protocol action, no adversary option and no verdict.
 */
import type { GameBatch } from '../../game/GameBatch.js';

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

/** Appends agent h's view (everything it can read, now or later) to the scratch key. */
function pushView(game: GameBatch, b: number, h: number): void {
  const n = game.n;
  const a = b * n + h;
  push(game.input[a]!);
  push(game.preference[a]!);
  push(game.decisionRound[a]!);
  push(game.decision[a]!);
  if (game.hasVector) for (let j = 0; j < n; j++) push(game.decisionVector[a * n + j]!);
  push(game.signed[a]!);
  for (let m = 0; m < game.memorySlots; m++) {
    const x = game.memory[a * game.memorySlots + m]!;
    push(x & 0xffff);
    push(x >>> 16);
  }
  const R = game.maxRounds;
  for (let s = 1; s < game.round && s <= R; s++) {
    for (let j = 0; j < n; j++) {
      if (j === h) continue;
      const e = ((b * R + s - 1) * n + j) * n + h;
      const arrival = game.msgArrival[e]!;
      push(arrival);
      if (arrival === 0) continue;
      push(game.msgValue[e]!);
      push(game.msgTag[e]!);
      if (game.hasRelays) for (let o = 0; o < n; o++) push(game.relayValue[e * n + o]!);
    }
    if (game.hasSamples) {
      const k = game.sampleSize;
      const base = ((b * R + s - 1) * n + h) * k;
      for (let t = 0; t < k; t++) {
        push(game.sampleWho[base + t]!);
        push(game.sampleAnswer[base + t]!);
      }
    }
  }
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
    } else pushView(game, b, i);
  }
  return flush();
}
