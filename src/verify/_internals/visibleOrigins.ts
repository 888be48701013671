/**
 * Origin pruning: the adversary's content that a protocol never reads is not enumerated.
 *
 * A protocol may declare `visibleOrigins(scenario)` (game/strategy.ts): the agents whose direct
 * messages, and whose relay chains (chains that *start* at them), its honest agents read. Broadcast's
 * Dolev–Strong and EIG read the sender's value and the chains from the sender, nothing else. Then a
 * faulty agent's direct message when it is not such an origin, and every relay claim on a chain from
 * another origin, are left out of the adversary's moves (moves.ts): at Dolev–Strong n=4, f=2 with pki
 * that is 1.3·10⁵ states instead of more than 4·10⁸.
 *
 * **Why it is sound.** Call the *visible part* of a state what the declared origins' messages and
 * chains put in the honest agents' views. Let A be any adversary strategy and A' the same choices with
 * every invisible field left out (silent, withheld). By induction over the rounds, the honest runs
 * under A and A' have the same visible part and the same honest actions:
 * 1. The protocol's actions are a function of the visible part — this is what `visibleOrigins`
 *    claims, and `checkVisibleOrigins` tests it before any use, on seeded episodes played twice,
 *    once with random adversary choices and once with their invisible fields removed.
 * 2. The visible part of round r's deliveries is (the adversary's visible fields, equal in A and A')
 *    plus what honest agents send: their direct messages (equal actions) and the chains their
 *    relays forward — the engine forwards chain by chain, and a forwarded chain keeps its origin, so
 *    the visible chains forwarded depend only on the visible chains held (the relay rule reads a
 *    chain's own signatures, `relayMinSignatures`).
 * 3. A' is legal whenever A is: under pki the values a faulty relayer may put on a chain are those its
 *    last honest signer signed — a chain from the same origin, visible, so equal under A and A'.
 * Equal honest actions give equal decisions, so every property has the same verdict under A and A',
 * and the adversary restricted to visible content wins exactly where the full one does.
 *
 * Delays, drops, crash deliveries and sample answers are never pruned (the protocols that declare
 * origins run without them; keeping them is the conservative side). With the symmetry reduction the
 * declared origins must be a union of role classes (`compatibleWithRoles`): a renaming that keeps
 * roles then keeps the pruned move set.
 */
import { AdversaryActions, HonestActions } from '../../game/actions.js';
import { GameBatch } from '../../game/GameBatch.js';
import { RNG_WORDS, seedStream, Stream } from '../../game/rng.js';
import type { Scenario } from '../../game/scenario.js';
import { writeRound, type ScriptRound } from '../../protocols/adversaries/scripted.js';
import type { HonestProtocol } from '../../protocols/types.js';
import { firstActionDifference } from './actionDifference.js';
import { randomChoice } from './moves.js';

const CHECK_EPISODES = 32;
const CHECK_SEED = 0x0519;

/** What `checkVisibleOrigins` found. */
export type OriginsCheck = { ok: true } | { ok: false; why: string };

/** The choices of `round` minus every direct message from, and every relay claim on a chain from, an agent outside `origins`. */
export function withoutInvisible(round: ScriptRound, origins: readonly number[]): ScriptRound {
  const out: ScriptRound = { ...round };
  if (round.messages) out.messages = round.messages.filter(([sender]) => origins.includes(sender));
  if (round.relays) out.relays = round.relays.filter(([, , origin]) => origins.includes(origin));
  return out;
}

/**
 * Tests `protocol.visibleOrigins` in `scenario` before the verifier relies on it: seeded episodes
 * (chance from the scenario, the adversary picking uniformly among moves.ts's full options, field by
 * field) each played beside a copy driven by the same choices without their invisible fields; every
 * round both copies' honest actions must be equal, agent by agent.
 */
export function checkVisibleOrigins(protocol: HonestProtocol, scenario: Scenario, origins: readonly number[]): OriginsCheck {
  const { n } = scenario;
  const name = protocol.name;
  if (!origins.every((o) => Number.isInteger(o) && o >= 0 && o < n) || new Set(origins).size !== origins.length)
    return { ok: false, why: `${name}: visibleOrigins must list distinct agents 0..${n - 1} (got ${JSON.stringify(origins)})` };
  const size = CHECK_EPISODES;
  const options = { size, memorySlots: protocol.memorySlots, seed: CHECK_SEED };
  const full = new GameBatch(scenario, options);
  const pruned = new GameBatch(scenario, options);
  full.reset(0);
  pruned.reset(0);
  const rng = new Uint32Array(RNG_WORDS);
  seedStream(rng, 0, CHECK_SEED, 0, Stream.adversary);
  const honest = [new HonestActions(size, n, scenario), new HonestActions(size, n, scenario)] as const;
  const adversary = [new AdversaryActions(size, n, scenario), new AdversaryActions(size, n, scenario)] as const;
  const tags = protocol.messageTags?.(scenario);
  for (let r = 1; r <= scenario.maxRounds; r++) {
    full.round = pruned.round = r;
    honest[0].clear();
    honest[1].clear();
    protocol.act(full, honest[0]);
    protocol.act(pruned, honest[1]);
    adversary[0].clear();
    adversary[1].clear();
    let live = 0;
    for (let b = 0; b < size; b++) {
      if (full.done[b]) continue;
      live++;
      const mismatch = firstActionDifference(full, honest[0], honest[1], b);
      if (mismatch)
        return { ok: false, why: `${name}: declares it reads only agents ${JSON.stringify(origins)}' messages and chains (visibleOrigins), but leaving the others' out changes its ${mismatch.field} (agent ${mismatch.agent}: ${mismatch.x} with everything, ${mismatch.y} with the declared origins only) in round ${r}: origin pruning is refused (fix visibleOrigins, or verify with --no-origin-pruning)` };
      const choice = randomChoice(full, b, honest[0], tags, rng);
      writeRound(full, b, choice, adversary[0]);
      writeRound(pruned, b, withoutInvisible(choice, origins), adversary[1]);
    }
    if (live === 0) break;
    full.step(honest[0], adversary[0]);
    try {
      pruned.step(honest[1], adversary[1]);
    } catch (error) {
      // A forward the full run made legal but the pruned run did not: the visible part differed.
      return { ok: false, why: `${name}: declares it reads only agents ${JSON.stringify(origins)}' messages and chains (visibleOrigins), but without the others' content the adversary's round-${r} choices become illegal (${(error as Error).message}): origin pruning is refused` };
    }
  }
  return { ok: true };
}

/** Whether every role class lies wholly inside or wholly outside `origins` (needed with the symmetry reduction). */
export function compatibleWithRoles(origins: readonly number[], roles: readonly number[]): boolean {
  const inside = new Set(origins);
  const roleInside = new Map<number, boolean>();
  for (let i = 0; i < roles.length; i++) {
    const seen = roleInside.get(roles[i]!);
    if (seen === undefined) roleInside.set(roles[i]!, inside.has(i));
    else if (seen !== inside.has(i)) return false;
  }
  return true;
}
