/**
 * `ben-or`: Ben-Or's randomised binary consensus for crash faults — report, propose, and flip a
 * coin when no value is safe, phase after phase, in any timing model.
 *
 * Source: M. Ben-Or, "Another Advantage of Free Choice: Completely Asynchronous Agreement
 * Protocols" (PODC 1983), crash-tolerant version as presented by M. K. Aguilera and S. Toueg,
 * "The correctness proof of Ben-Or's randomized consensus algorithm" (Distributed Computing 2012):
 *
 *   phase k = 1, 2, …  (x = own estimate, initially the input)
 *     broadcast (report, k, x); wait for n−f reports of phase k
 *     if more than n/2 reports carry v: broadcast (proposal, k, v) else broadcast (proposal, k, ?)
 *     wait for n−f proposals of phase k
 *     if ≥ f+1 proposals carry v: decide v;   if ≥ 1 carries v: x := v;   else x := a fair coin
 *
 * Assumptions: binary values; crash (or omission) faults with n > 2f — then it is safe (agreement and
 * validity) in every run and timing model, and terminates with probability → 1 as the phases grow;
 * here the horizon R bounds the phases, so termination has probability < 1 (FLP allows no better).
 * A decided agent keeps taking part (afterCommit=continue), or the others could wait forever.
 *
 * Encoding in this engine: a message's tag names its kind and phase — phase k's report is tag
 * 3(k−1)+1 with value x, its proposal tag 3(k−1)+2 with value v, or tag 3(k−1)+3 for "?" (value
 * ignored). An agent sends at most one message per round, so it advances at most one step per round
 * and phase k ≤ ⌈R/2⌉ (R ≤ 64 keeps tags < 256). The agent counts its own message and reads the
 * whole message history, each sender once. Randomness: the episode's honest stream.
 *
 * Memory slots: STEP (0 = not started; 2(k−1)+1 = report k, 2(k−1)+2 = propose k), SENT (this step's
 * broadcast is out), X (estimate), PROPOSAL (0, 1, or UNSURE for "?").
 */
import type { HonestActions } from '../game/actions.js';
import type { GameBatch } from '../game/GameBatch.js';
import type { Scenario } from '../game/scenario.js';
import type { HonestProtocol } from './types.js';
import { clearCounts } from './plurality.js';

const STEP = 0, SENT = 1, X = 2, PROPOSAL = 3;
const SLOTS = 4;
/** The proposal "?": no value held a majority of the reports. */
const UNSURE = 2;
const MAX_TAG = 255;

/** Tag of phase k's report. */
export const reportTag = (k: number): number => 3 * (k - 1) + 1;
/** Tag of phase k's proposal of a value, or of "?" when `unsure`. */
export const proposalTag = (k: number, unsure: boolean): number => 3 * (k - 1) + (unsure ? 3 : 2);

// Per-call scratch (one agent at a time): how many reports or proposals of a phase were seen.
const tally = new Int32Array(3); // [value 0, value 1, "?"]

/**
 * Counts into `tally` the phase messages that reached agent i by now, from every other sender at
 * most once: tag `tagA` counts its value, tag `tagB` (if ≥ 0) counts as "?". Returns the total.
 */
function countPhase(game: GameBatch, b: number, i: number, tagA: number, tagB: number): number {
  const { n, round } = game;
  let seen = 0; // bitmask of senders counted
  let total = 0;
  for (let s = 1; s < round; s++) {
    for (let j = 0; j < n; j++) {
      if (j === i || (seen >> j) & 1) continue;
      const arrival = game.arrivalRound(b, i, j, s);
      if (arrival === 0 || arrival > round) continue;
      const tag = game.receivedTag(b, i, j, s);
      if (tag === tagA) tally[game.received(b, i, j, s)]! += 1;
      else if (tag === tagB && tagB >= 0) tally[UNSURE]! += 1;
      else continue;
      seen |= 1 << j;
      total++;
    }
  }
  return total;
}

export const benOrProtocol: HonestProtocol = {
  name: 'ben-or',
  summary: 'randomised binary consensus: report, propose a majority or "?", decide on f+1 proposals, else adopt a proposal or flip a coin',
  assumptions: 'binary agreement, crash or omission faults with n > 2f, afterCommit=continue, any timing; always safe, terminates with probability → 1 as R grows',
  source: 'Ben-Or 1983 (PODC), crash version as in Aguilera & Toueg 2012',
  memorySlots: SLOTS,
  refuse(scenario: Scenario): string | undefined {
    if (scenario.honestActions !== 'free' && scenario.honestActions !== 'relay')
      return `ben-or: needs honestActions free or relay (got ${scenario.honestActions})`;
    if (scenario.problem !== 'agreement') return `ben-or: needs problem=agreement (got ${scenario.problem})`;
    if (scenario.values !== 2) return `ben-or: needs values=2 (binary consensus; got ${scenario.values})`;
    if (scenario.faults === 'byzantine' && scenario.f > 0)
      return 'ben-or: implemented for crash and omission faults, byzantine needs n > 5f and another rule (got byzantine)';
    if (scenario.afterCommit !== 'continue')
      return `ben-or: needs afterCommit=continue (a decided agent keeps reporting so the others can finish; got ${scenario.afterCommit})`;
    if (scenario.identity === 'anonymous') return 'ben-or: needs identity authenticated or pki to count each sender once (got anonymous)';
    if (proposalTag(Math.ceil(scenario.maxRounds / 2), true) > MAX_TAG)
      return `ben-or: phase tags must stay < 256, needs maxRounds ≤ 170 (got ${scenario.maxRounds})`;
    return undefined;
  },
  act(game: GameBatch, out: HonestActions): void {
    const { n, f, memory, memorySlots: slots } = game;
    const quorum = n - f;
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * n + i;
        const m = a * slots;
        if (memory[m + STEP] === 0) {
          memory[m + STEP] = 1;
          memory[m + X] = game.input[a]!;
        }
        let sentThisRound = false;
        // At most three passes: finish a wait begun earlier, send the next step's message and maybe
        // finish its wait too, then stop: the step after that sends next round.
        for (;;) {
          const step = memory[m + STEP]!;
          const phase = (step + 1) >> 1;
          const reporting = (step & 1) === 1;
          if (memory[m + SENT] === 0) {
            if (sentThisRound) break;
            if (reporting) {
              out.message[a] = memory[m + X]!;
              out.tag[a] = reportTag(phase);
            } else {
              const proposal = memory[m + PROPOSAL]!;
              out.message[a] = proposal === UNSURE ? 0 : proposal;
              out.tag[a] = proposalTag(phase, proposal === UNSURE);
            }
            memory[m + SENT] = 1;
            sentThisRound = true;
          }
          clearCounts(tally, tally.length);
          let total: number;
          if (reporting) {
            total = 1 + countPhase(game, b, i, reportTag(phase), -1);
            tally[memory[m + X]!]! += 1;
          } else {
            total = 1 + countPhase(game, b, i, proposalTag(phase, false), proposalTag(phase, true));
            tally[memory[m + PROPOSAL]!]! += 1;
          }
          if (total < quorum) break;
          if (reporting) {
            memory[m + PROPOSAL] = 2 * tally[0]! > n ? 0 : 2 * tally[1]! > n ? 1 : UNSURE;
          } else {
            // All value proposals of a phase agree (each needed > n/2 reports), so at most one v has any.
            const v = tally[0]! > 0 ? 0 : tally[1]! > 0 ? 1 : -1;
            if (v >= 0 && tally[v]! >= f + 1 && game.decisionRound[a] === 0) out.decision[a] = v;
            memory[m + X] = v >= 0 ? v : game.honestRandomInt(b, 2);
          }
          memory[m + STEP] = step + 1;
          memory[m + SENT] = 0;
        }
      }
    }
  },
};
