/**
 * Shared moves of the fixed adversaries: what the honest protocol would have a faulty agent do
 * this round (its row of `HonestActions`), copied into the adversary's per-recipient buffers, and
 * who the honest agents are. Reads the engine only through its public state and view accessors.
 */
import { SILENT, type AdversaryActions, type HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';

/**
 * Copies faulty agent i's honest direct message (value and tag) to every recipient j with
 * `to[j] = 1` (all recipients when `to` is undefined).
 */
export function mimicMessage(game: GameBatch, honest: HonestActions, out: AdversaryActions, b: number, i: number, to?: Uint8Array): void {
  const n = game.n;
  const a = b * n + i;
  const v = honest.message[a]!;
  if (v < 0) return;
  const tag = honest.tag[a]!;
  for (let j = 0; j < n; j++) {
    if (j === i || (to !== undefined && to[j] === 0)) continue;
    out.message[a * n + j] = v;
    out.tag[a * n + j] = tag;
  }
}

let forwarded = new Int8Array(16);

/**
 * If the protocol has faulty agent i relay this round, forwards what an honest relay would (the
 * genuine values that just arrived, so it is legal under pki) to every recipient with `to[j] = 1`.
 */
export function mimicRelay(game: GameBatch, honest: HonestActions, out: AdversaryActions, b: number, i: number, to?: Uint8Array): void {
  const n = game.n;
  const a = b * n + i;
  if (!game.hasRelays || honest.relay[a] !== 1) return;
  // Every chain an honest relay would forward (relay chains of any depth: GameBatch.fillBundle).
  const chains = game.chains!;
  const P = game.chainSlots;
  const minSignatures = honest.relayMinSignatures[a]!;
  if (forwarded.length < P) forwarded = new Int8Array(P);
  for (let p = 0; p < P; p++)
    forwarded[p] = chains.contains(p, i) || chains.length[p]! + 1 < minSignatures ? SILENT : game.chainReceivedNow(b, i, p);
  for (let j = 0; j < n; j++) {
    if (j === i || (to !== undefined && to[j] === 0)) continue;
    const row = (a * n + j) * P;
    for (let p = 0; p < P; p++) out.relay[row + p] = forwarded[p]!;
  }
}

/** Writes the ids of episode b's honest agents, in id order, into `ids`; returns how many. */
export function honestIds(game: GameBatch, b: number, ids: Int8Array): number {
  let h = 0;
  for (let i = 0; i < game.n; i++) if (!game.faulty[b * game.n + i]) ids[h++] = i;
  return h;
}
