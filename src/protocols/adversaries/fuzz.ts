/**
 * `fuzz`: a random-search adversary in the style of ByzzFuzz (Winter et al., "Randomized testing of
 * Byzantine fault tolerant algorithms", OOPSLA 2023) and Twins (Bano et al., 2022): faulty agents
 * behave honestly except in a few randomly chosen rounds, where their messages are corrupted
 * ("small-scope" faults), and, where timing lets it, a few rounds partition the network. Most
 * bugs need only a few well-placed faults; spreading noise over every round (`random`) mostly
 * produces episodes an honest protocol shrugs off.
 *
 * Per episode, a plan drawn from a private stream of (run seed, episode) — a pure function, so it
 * needs no state in the adversary and survives the verifier's branching:
 * - fault rounds: c uniform in 1..min(R, 3), the rounds uniform without replacement;
 * - partition rounds (partial-sync, async): d uniform in 0..min(R, 2), each with a uniformly random
 *   split of the agents into two sides.
 * Then, round by round, with choices from the episode's adversary stream:
 * - Byzantine: outside fault rounds a faulty agent mimics the protocol (its row of `honest`:
 *   message, tag, relay; a sample answer is its current preference). In a fault round, per honest
 *   recipient its message is kept, silenced or replaced by a value (uniform over these V+2
 *   choices, so recipients may be told different things), and each relay slot is a uniform claim
 *   (under pki only what the origin really signed, or withhold); sample answers are uniform too.
 * - Crash: each faulty agent crashes in one of the fault rounds or never (uniformly), its last
 *   message reaching a uniformly random subset.
 * - Omission: in fault rounds, each faulty agent's message to each recipient is dropped with
 *   probability 1/2.
 * - In a partition round every message crossing the split is delayed by 1..maxDelay rounds
 *   (uniform); messages within a side arrive on time.
 */
import type { AdversaryActions, HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';
import { nextInt, RNG_WORDS, seedStream, STREAM_COUNT } from '../../game/rng.js';
import type { Adversary } from '../types.js';
import { mimicMessage, mimicRelay } from './mimic.js';
import { randomRelayClaims } from './random.js';

/** The episode's stream after the engine's three and `crash`'s plan stream. */
const PLAN_STREAM = STREAM_COUNT + 1;
/** The most rounds with corrupted messages, and with a partition, per episode (small scope). */
export const FUZZ_FAULT_ROUNDS = 3;
export const FUZZ_PARTITION_ROUNDS = 2;

const planState = new Uint32Array(RNG_WORDS);
/** The plan of the episode being played (R ≤ 255). */
const plan = {
  /** `[round]`: 1 if the faulty agents' messages are corrupted in that round. */
  faultRound: new Uint8Array(256),
  /** `[round]`: 0, or 1 + a bit mask of the agents on side "1" of that round's partition. */
  partition: new Int32Array(256),
  /** `[agent]`: the round a faulty agent crashes in (crash faults), 0 = never. */
  crashRound: new Uint8Array(16),
};
const order = new Uint8Array(256);

/** Fills `plan` for episode b (a pure function of the run seed and the episode). */
export function planFuzz(game: GameBatch, b: number): typeof plan {
  const R = game.maxRounds;
  seedStream(planState, 0, game.seed, game.episodeIndex[b]!, PLAN_STREAM);
  plan.faultRound.fill(0, 0, R + 1);
  plan.partition.fill(0, 0, R + 1);
  const faults = 1 + nextInt(planState, 0, Math.min(R, FUZZ_FAULT_ROUNDS));
  const chosen = chooseRounds(R, faults);
  for (let k = 0; k < faults; k++) plan.faultRound[chosen[k]!] = 1;
  for (let i = 0; i < game.n; i++) {
    // One of the fault rounds, or never: each equally likely.
    const pick = nextInt(planState, 0, faults + 1);
    plan.crashRound[i] = pick === faults ? 0 : chosen[pick]!;
  }
  if (game.maxDelay > 0) {
    const partitions = nextInt(planState, 0, Math.min(R, FUZZ_PARTITION_ROUNDS) + 1);
    const cut = chooseRounds(R, partitions);
    for (let k = 0; k < partitions; k++) plan.partition[cut[k]!] = 1 + nextInt(planState, 0, 1 << game.n);
  }
  return plan;
}

/** `count` distinct rounds of 1..R, uniformly (a partial Fisher–Yates shuffle of the plan stream). */
function chooseRounds(R: number, count: number): Uint8Array {
  for (let r = 0; r < R; r++) order[r] = r + 1;
  for (let k = 0; k < count; k++) {
    const pick = k + nextInt(planState, 0, R - k);
    const t = order[k]!;
    order[k] = order[pick]!;
    order[pick] = t;
  }
  return order;
}

export const fuzzAdversary: Adversary = {
  name: 'fuzz',
  summary: 'random search: honest-looking faulty agents corrupt messages in a few random rounds; a few random partitions (delays)',
  refuse: () => undefined,

  act(game: GameBatch, honest: HonestActions, out: AdversaryActions): void {
    const { n, round } = game;
    const faults = game.scenario.faults;
    for (let b = 0; b < game.size; b++) {
      if (game.done[b]) continue;
      const { faultRound, partition, crashRound } = planFuzz(game, b);
      const corrupt = faultRound[round] === 1;
      for (let i = 0; i < n; i++) {
        const a = b * n + i;
        if (!game.faulty[a]) continue;
        if (faults === 'byzantine') corrupt ? corruptByzantine(game, b, i, honest, out) : mimicByzantine(game, b, i, honest, out);
        else if (faults === 'crash') {
          if (crashRound[i] !== round || game.crashedAt[a] !== 0) continue;
          out.crash[a] = 1;
          for (let j = 0; j < n; j++) out.crashDeliver[a * n + j] = j === i ? 0 : game.adversaryRandomInt(b, 2);
        } else if (corrupt) for (let j = 0; j < n; j++) out.drop[a * n + j] = j === i ? 0 : game.adversaryRandomInt(b, 2);
      }
      const split = partition[round]!;
      if (split === 0 || game.maxDelay === 0) continue;
      const side = split - 1;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          if (((side >> i) & 1) !== ((side >> j) & 1)) out.delay[(b * n + i) * n + j] = 1 + game.adversaryRandomInt(b, game.maxDelay);
    }
  },
};

/** Outside fault rounds: what the protocol would have the faulty agent do. */
function mimicByzantine(game: GameBatch, b: number, i: number, honest: HonestActions, out: AdversaryActions): void {
  mimicMessage(game, honest, out, b, i);
  mimicRelay(game, honest, out, b, i);
  if (!game.hasSamples) return;
  const n = game.n;
  const a = b * n + i;
  for (let j = 0; j < n; j++) if (j !== i && !game.faulty[b * n + j]) out.sampleAnswer[a * n + j] = game.preference[a]!;
}

/** In a fault round: per honest recipient, the honest message kept, silenced or replaced; relays and sample answers uniform. */
function corruptByzantine(game: GameBatch, b: number, i: number, honest: HonestActions, out: AdversaryActions): void {
  const { n, values: V } = game;
  const a = b * n + i;
  mimicRelay(game, honest, out, b, i);
  for (let j = 0; j < n; j++) {
    if (j === i || game.faulty[b * n + j]) continue;
    const choice = game.adversaryRandomInt(b, V + 2);
    // 0: keep the honest message; 1: silent; 2..V+1: the value choice − 2.
    out.message[a * n + j] = choice === 0 ? honest.message[a]! : choice - 2;
    out.tag[a * n + j] = honest.tag[a]!;
    if (game.hasRelays) randomRelayClaims(game, b, i, j, out);
    if (game.hasSamples) out.sampleAnswer[a * n + j] = game.adversaryRandomInt(b, V + 1) - 1;
  }
}

