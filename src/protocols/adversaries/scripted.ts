/**
 * `scripted`: replays a recorded list of adversary choices, round by round — the form in which the
 * verifier returns a counterexample, so that `play` / `runEpisodes` can replay it in the engine.
 *
 * A script is plain JSON-friendly data: entry r−1 holds round r's choices as sparse lists (anything
 * not listed is the default: silent, withhold, no delay, no crash, no drop). Agent ids are absolute.
 * In each live episode it writes only choices the rules let that episode's faulty agents make
 * (entries for a sender that is not faulty there are skipped), so it can run in any episode; the
 * verifier's counterexample reproduces its violation on the setup stored with it.
 */
import type { AdversaryActions, HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';
import type { Adversary } from '../types.js';

/** One round of adversary choices (absolute agent ids). */
export interface ScriptRound {
  /** `[sender, recipient, value, tag]`: a faulty sender's direct message. */
  messages?: Array<[number, number, number, number]>;
  /**
   * `[relayer, recipient, origin, value]`: a faulty relayer's claim (authenticated) or forward
   * (pki) of origin's value; with a fifth entry `[…, via]`, of the chain origin → via… → relayer
   * (relay chains deeper than one hop).
   */
  relays?: Array<RelayChoice>;
  /** `[sender, recipient, delay]`: extra rounds before this round's envelope arrives. */
  delays?: Array<[number, number, number]>;
  /** Faulty agents that crash this round (crash faults). */
  crashes?: number[];
  /** `[sender, recipient]`: the crashing agent's last message still reaches this recipient. */
  crashDeliver?: Array<[number, number]>;
  /** `[sender, recipient]`: a faulty agent's message to this recipient is dropped (omission faults). */
  drops?: Array<[number, number]>;
  /** `[faulty, querier, value]`: a Byzantine agent's answer when the querier's sample asks it (else: no answer). */
  sampleAnswers?: Array<[number, number, number]>;
}

/** One relay choice of a script: one hop, or through the relayers `via` (origin first, relayer not included). */
export type RelayChoice = [number, number, number, number] | [number, number, number, number, number[]];

/** Round r's choices are `script[r − 1]`; rounds past the end are "do nothing". */
export type AdversaryScript = readonly ScriptRound[];

/** An adversary that replays `script` in every episode of the batch. */
export function createScriptedAdversary(script: AdversaryScript, name = 'scripted'): Adversary {
  return {
    name,
    summary: 'replays a recorded script of adversary choices (a verifier counterexample)',
    refuse: () => undefined,
    act(game: GameBatch, _honest: HonestActions, out: AdversaryActions): void {
      const choices = script[game.round - 1];
      if (!choices) return;
      for (let b = 0; b < game.size; b++) if (!game.done[b]) writeRound(game, b, choices, out);
    },
  };
}

/** Writes one round of choices into slot b of `out` (the verifier uses this too). */
export function writeRound(game: GameBatch, b: number, choices: ScriptRound, out: AdversaryActions): void {
  const n = game.n;
  const faulty = (i: number) => game.faulty[b * n + i] === 1;
  for (const [i, j, v, tag] of choices.messages ?? []) {
    if (!faulty(i)) continue;
    out.message[(b * n + i) * n + j] = v;
    out.tag[(b * n + i) * n + j] = tag;
  }
  for (const [i, j, o, v, via] of choices.relays ?? []) {
    if (!faulty(i)) continue;
    const path = via === undefined || via.length === 0 ? o : game.chains!.index([o, ...via]);
    if (path < 0) throw new RangeError(`scripted: relay chain ${[o, ...(via ?? [])].join('>')} by ${i} is not a chain of this scenario (distinct agents, at most relayDepth−1 before the relayer)`);
    out.relay[((b * n + i) * n + j) * game.chainSlots + path] = v;
  }
  for (const [i, j, d] of choices.delays ?? []) out.delay[(b * n + i) * n + j] = d;
  for (const i of choices.crashes ?? []) if (faulty(i)) out.crash[b * n + i] = 1;
  for (const [i, j] of choices.crashDeliver ?? []) if (faulty(i)) out.crashDeliver[(b * n + i) * n + j] = 1;
  for (const [i, j] of choices.drops ?? []) if (faulty(i)) out.drop[(b * n + i) * n + j] = 1;
  for (const [i, j, v] of choices.sampleAnswers ?? []) if (faulty(i)) out.sampleAnswer[(b * n + i) * n + j] = v;
}
