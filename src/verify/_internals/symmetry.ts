/**
 * Symmetry reduction: agents a protocol treats alike (`HonestProtocol.agentRoles`) are renamed
 * into one another, so that states — and chance outcomes — that differ only by such a renaming are
 * solved once.
 *
 * A renaming π (π[i] = the new name of agent i) acts on a state by renaming every agent id in it:
 * agent i's own cells move to π(i), the envelope j→i of round s to π(j)→π(i), a relay chain
 * (o, v1, …) to (π(o), π(v1), …), decision vectors entry-wise, samples' queried ids. `permuteEpisode`
 * builds π·S in the engine; `jointKey(π·S)` is then the key of the renamed state (keys.ts).
 *
 * **Why it is sound.** Let G be the renamings that keep every agent's role (`agentRoles`). For π ∈ G:
 * 1. The protocol is equivariant: act(π·S) = π·act(S). This is what `agentRoles` claims, and
 *    `checkAgentRoles` tests it before any use, on seeded random episodes and their renamed copies
 *    driven by renamed adversary choices (a false claim is refused in one line).
 * 2. The rules are equivariant: step(π·S, π·a) = π·step(S, a) — the engine names no agent (the
 *    broadcast sender and the kings are the protocol's roles, kept fixed by G); the same check
 *    compares the two episodes' keys after every step.
 * 3. The adversary's options are equivariant: moves.ts builds them per (sender, recipient) pair
 *    and per chain from who is faulty, crashed, signed and sending — all renamed along — so the
 *    options at π·S are the renamed options at S (in another order, which no answer depends on).
 * 4. The verdict is invariant when π also keeps the chance outcome's roles: the properties (judge.ts,
 *    outcomes.ts) are symmetric in the honest agents given who is faulty and the inputs — agreement
 *    reads the multiset of inputs, broadcast the sender's (agent 0, kept apart: `verificationRoles`),
 *    interactive consistency agent j's input for entry j (so there π must keep inputs).
 * By induction over the rounds left, the optimal adversary breaks the same properties from π·S as
 * from S, in the same number of rounds, and its winning script at π·S is the renamed script.
 * Hence:
 * - **Chance outcomes** (verify.ts): outcomes o and π·o (π ∈ G: faulty set, inputs renamed) have
 *   the same answer; one representative per orbit is searched — the first of its orbit in
 *   enumeration order, so the first shortest counterexample falls on the same outcome as without
 *   the reduction — and counted with the orbit's size (every chance outcome is equally likely).
 *   A winning script for a member is the representative's, renamed.
 * - **Inside the search** (search.ts): within one chance outcome, the renamings in G that map
 *   honest agents to honest ones of equal input and Byzantine agents to Byzantine ones
 *   (`searchClasses`) map the outcome to itself and keep the verdict's context, so the memo
 *   is keyed by the least key over the state's renamings (sought among `candidateRenamings`), its answer stored renamed to that
 *   canonical state and renamed back where it is met (witness scripts, and the last-step outcome
 *   sets with the moves that reach them: `Search.rename`). Crashing agents stay put, so the crash
 *   choices (global moves) keep their order, which the last-step reduction relies on.
 * Randomised protocols are not reduced (their coins are drawn in agent order); the expectimax
 * search always runs every chance outcome.
 */
import { AdversaryActions, HonestActions, usesRelays } from '../../game/actions.js';
import { GameBatch, type EpisodeSetup } from '../../game/GameBatch.js';
import { RelayChains } from '../../game/relayChains.js';
import { nextInt, RNG_WORDS, seedStream, Stream } from '../../game/rng.js';
import { relayDepthOf, type Scenario } from '../../game/scenario.js';
import { writeRound, type RelayChoice, type ScriptRound } from '../../protocols/adversaries/scripted.js';
import type { HonestProtocol } from '../../protocols/types.js';
import { Field, envelopeIndex, visitOwn } from '../../game/view.js';
import { firstActionDifference, type ActionDifference } from './actionDifference.js';
import { jointKey } from './keys.js';
import { randomChoice, RELAY, type GlobalMove } from './moves.js';
import { UNDECIDED, type OutcomeSets } from './outcomes.js';

/** π[i] = the new name of agent i. */
export type Permutation = readonly number[];

/**
 * Every permutation that maps each agent to one with the same label, the identity first
 * (labels: anything comparable with ===). `limit`: stop (returning undefined) past that many.
 */
export function permutationsPreserving(labels: readonly (string | number)[], limit = Infinity): number[][] | undefined {
  const classes = new Map<string | number, number[]>();
  labels.forEach((label, i) => {
    const list = classes.get(label);
    if (list) list.push(i);
    else classes.set(label, [i]);
  });
  let size = 1;
  for (const members of classes.values()) for (let k = 2; k <= members.length; k++) size *= k;
  if (size > limit) return undefined;
  let out: number[][] = [labels.map((_, i) => i)];
  for (const members of classes.values()) {
    if (members.length < 2) continue;
    const arrangements = permutationsOf(members);
    const next: number[][] = [];
    for (const base of out)
      for (const images of arrangements) {
        const perm = [...base];
        members.forEach((agent, k) => (perm[agent] = images[k]!));
        next.push(perm);
      }
    out = next;
  }
  return out;
}

/** Every ordering of `items`, lexicographic in positions (the given order first). */
function permutationsOf(items: readonly number[]): number[][] {
  if (items.length <= 1) return [[...items]];
  const out: number[][] = [];
  items.forEach((first, k) => {
    for (const rest of permutationsOf([...items.slice(0, k), ...items.slice(k + 1)])) out.push([first, ...rest]);
  });
  return out;
}

export function inverse(perm: Permutation): number[] {
  const out = new Array<number>(perm.length);
  perm.forEach((to, from) => (out[to] = from));
  return out;
}

/**
 * The renamings one chance outcome's search may use, as classes of interchangeable agents — the
 * renamings that map the outcome to itself, so that renamed states of one search meet: honest
 * agents of equal role and equal input; Byzantine agents of equal role (no rule reads their input,
 * and they make no global move). Crashing and omitting agents stay put: their crash choices are
 * the search's global moves, whose order the last-step reduction relies on, and their inputs are
 * judged. Only classes of two or more; undefined when there is none.
 */
export function searchClasses(roles: readonly number[], setup: EpisodeSetup, byzantine: boolean): number[][] | undefined {
  const classes = new Map<string, number[]>();
  roles.forEach((role, i) => {
    const faulty = setup.faulty.includes(i);
    if (faulty && !byzantine) return;
    const label = faulty ? `byzantine/${role}` : `${role}/${setup.inputs[i]}`;
    const list = classes.get(label);
    if (list) list.push(i);
    else classes.set(label, [i]);
  });
  const out = [...classes.values()].filter((members) => members.length > 1);
  return out.length > 0 ? out : undefined;
}

/** Agents' own cells that name other agents (renamed along, so not part of a rename-invariant summary). */
const NAMES_AGENTS: ReadonlySet<number> = new Set([Field.decisionVector, Field.chainSigned]);

/**
 * A summary of agent h's view that renaming does not change (the summary of h in S is that of
 * π(h) in π·S): its own cells that name no agent, and per past round the sorted multiset of the
 * envelopes it was sent (arrival, value, tag) — who sent which forgotten.
 */
export function renameInvariant(game: GameBatch, b: number, h: number): string {
  // What a Byzantine agent was sent is in no key (keys.ts): summarising it would only split ties.
  if (game.byzantine && game.faulty[b * game.n + h]) return '';
  const parts: number[] = [];
  visitOwn(game, b, h, { cell: (field, _index, value) => void (NAMES_AGENTS.has(field) || parts.push(value)) });
  const n = game.n;
  const envelopes: number[] = [];
  for (let s = 1; s < game.round && s <= game.maxRounds; s++) {
    envelopes.length = 0;
    for (let j = 0; j < n; j++) {
      if (j === h) continue;
      const e = envelopeIndex(game, b, s, j, h);
      const arrival = game.msgArrival[e]!;
      envelopes.push(arrival === 0 ? -1 : (arrival * 512 + game.msgValue[e]! + 2) * 256 + game.msgTag[e]!);
    }
    envelopes.sort((x, y) => x - y);
    parts.push(-9, ...envelopes);
  }
  return parts.join(',');
}

/**
 * The renamings among which the canonical state is sought: within each class, those that put the
 * class's agents in order of their rename-invariant summaries (agents with equal summaries in every
 * order). This set is defined by the orbit alone — for σ in the group, the candidates of σ·S are
 * those of S composed with σ⁻¹, giving the same renamed states — so the least key over them is the
 * same for every state of the orbit: a canonical key, at the cost of a handful of renamings
 * instead of the whole group.
 */
export function candidateRenamings(game: GameBatch, b: number, classes: readonly (readonly number[])[]): number[][] {
  let out: number[][] = [Array.from({ length: game.n }, (_, i) => i)];
  for (const members of classes) {
    const summary = new Map(members.map((h) => [h, renameInvariant(game, b, h)]));
    const order = [...members].sort((x, y) => (summary.get(x)! < summary.get(y)! ? -1 : summary.get(x)! > summary.get(y)! ? 1 : x - y));
    // Runs of equal summaries: each may take its positions in any order.
    const runs: number[][] = [];
    order.forEach((h, k) => {
      if (k > 0 && summary.get(h) === summary.get(order[k - 1]!)) runs[runs.length - 1]!.push(k);
      else runs.push([k]);
    });
    let placements: number[][] = [order];
    for (const run of runs) {
      if (run.length < 2) continue;
      const next: number[][] = [];
      for (const placed of placements)
        for (const arrangement of permutationsOf(run.map((k) => placed[k]!))) {
          const copy = [...placed];
          run.forEach((k, t) => (copy[k] = arrangement[t]!));
          next.push(copy);
        }
      placements = next;
    }
    const widened: number[][] = [];
    for (const perm of out)
      for (const placed of placements) {
        const copy = [...perm];
        placed.forEach((agent, k) => (copy[agent] = members[k]!));
        widened.push(copy);
      }
    out = widened;
  }
  return out;
}

/** Renames agents in states, scripts and the search's answers, for one scenario. */
export class AgentRenamer {
  readonly n: number;
  private readonly chains: RelayChains | undefined;
  private readonly slotMaps = new Map<string, Int32Array>();

  constructor(readonly scenario: Scenario) {
    this.n = scenario.n;
    this.chains = usesRelays(scenario) ? RelayChains.of(scenario.n, relayDepthOf(scenario)) : undefined;
  }

  /** Chain slot p → the slot of the renamed chain. */
  slotMap(perm: Permutation): Int32Array {
    const key = perm.join(',');
    let map = this.slotMaps.get(key);
    if (!map) {
      const chains = this.chains;
      map = new Int32Array(chains ? chains.count : 0);
      for (let p = 0; p < map.length; p++) map[p] = chains!.index(chains!.agents(p).map((a) => perm[a]!));
      this.slotMaps.set(key, map);
    }
    return map;
  }

  /** Writes π·(slot b of src) into slot d of dst (same scenario and memory slots); `dst.round` is the caller's. */
  permuteEpisode(src: GameBatch, b: number, dst: GameBatch, d: number, perm: Permutation): void {
    dst.copyEpisodeFrom(src, b, d); // episode-wide cells (done, GST, streams, counts) stay as they are
    const n = this.n;
    const R = src.maxRounds;
    // chainSlots is set without relays too; then there are no relay cells.
    const P = src.relayValue.length > 0 ? src.chainSlots : 0;
    const slot = P > 0 ? this.slotMap(perm) : undefined;
    const S = src.memorySlots;
    // One explicit loop per array: a loop over a list of arrays of mixed element types is several times slower.
    for (let i = 0; i < n; i++) {
      const from = b * n + i;
      const to = d * n + perm[i]!;
      dst.faulty[to] = src.faulty[from]!;
      dst.input[to] = src.input[from]!;
      dst.preference[to] = src.preference[from]!;
      dst.decision[to] = src.decision[from]!;
      dst.decisionRound[to] = src.decisionRound[from]!;
      dst.crashedAt[to] = src.crashedAt[from]!;
      dst.firstArrival[to] = src.firstArrival[from]!;
      dst.signed[to] = src.signed[from]!;
      for (let m = 0; m < S; m++) dst.memory[to * S + m] = src.memory[from * S + m]!;
      for (let j = 0; j < n; j++) {
        const pf = from * n + j;
        const pt = to * n + perm[j]!;
        dst.lastValue[pt] = src.lastValue[pf]!;
        dst.lastSentRound[pt] = src.lastSentRound[pf]!;
      }
      if (src.hasVector) for (let j = 0; j < n; j++) dst.decisionVector[to * n + perm[j]!] = src.decisionVector[from * n + j]!;
      if (src.chainSigned.length > 0) for (let p = 0; p < P; p++) dst.chainSigned[to * P + slot![p]!] = src.chainSigned[from * P + p]!;
    }
    // Rounds not played yet hold their initial cells in both (copied above).
    const played = Math.min(R, src.round - 1);
    for (let s = 1; s <= played; s++) {
      for (let j = 0; j < n; j++) {
        const rowFrom = ((b * R + s - 1) * n + j) * n;
        const rowTo = ((d * R + s - 1) * n + perm[j]!) * n;
        for (let i = 0; i < n; i++) {
          const ef = rowFrom + i;
          const et = rowTo + perm[i]!;
          dst.msgValue[et] = src.msgValue[ef]!;
          dst.msgTag[et] = src.msgTag[ef]!;
          dst.msgArrival[et] = src.msgArrival[ef]!;
          if (P > 0) for (let p = 0; p < P; p++) dst.relayValue[et * P + slot![p]!] = src.relayValue[ef * P + p]!;
        }
      }
    }
    for (let s = 1; s <= R; s++)
      for (let j = 0; j < n; j++) {
        if (src.preferenceHistory.length > 0) dst.preferenceHistory[(d * R + s - 1) * n + perm[j]!] = src.preferenceHistory[(b * R + s - 1) * n + j]!;
        const k = src.sampleSize;
        if (src.hasSamples)
          for (let t = 0; t < k; t++) {
            const xf = ((b * R + s - 1) * n + j) * k + t;
            const xt = ((d * R + s - 1) * n + perm[j]!) * k + t;
            const who = src.sampleWho[xf]!;
            dst.sampleWho[xt] = who >= 0 ? perm[who]! : who;
            dst.sampleAnswer[xt] = src.sampleAnswer[xf]!;
          }
      }
  }

  renameSetup(setup: EpisodeSetup, perm: Permutation): EpisodeSetup {
    const inputs = new Array<number>(this.n);
    setup.inputs.forEach((v, i) => (inputs[perm[i]!] = v));
    const faulty = setup.faulty.map((i) => perm[i]!).sort((x, y) => x - y);
    return setup.gst === undefined ? { faulty, inputs } : { faulty, inputs, gst: setup.gst };
  }

  renameRound(round: ScriptRound, perm: Permutation): ScriptRound {
    const p = (i: number) => perm[i]!;
    const out: ScriptRound = {};
    if (round.messages) out.messages = round.messages.map(([i, j, v, t]) => [p(i), p(j), v, t]);
    if (round.relays) out.relays = round.relays.map((c): RelayChoice => (c[4] === undefined ? [p(c[0]), p(c[1]), p(c[2]), c[3]] : [p(c[0]), p(c[1]), p(c[2]), c[3], c[4].map(p)]));
    if (round.delays) out.delays = round.delays.map(([i, j, d]) => [p(i), p(j), d]);
    if (round.crashes) out.crashes = round.crashes.map(p);
    if (round.crashDeliver) out.crashDeliver = round.crashDeliver.map(([i, j]) => [p(i), p(j)]);
    if (round.drops) out.drops = round.drops.map(([i, j]) => [p(i), p(j)]);
    if (round.sampleAnswers) out.sampleAnswers = round.sampleAnswers.map(([i, j, v]) => [p(i), p(j), v]);
    return out;
  }

  renameMove(move: GlobalMove, perm: Permutation): GlobalMove {
    const slot = this.chains ? this.slotMap(perm) : undefined;
    return {
      crashes: move.crashes.map((i) => perm[i]!),
      width: move.width,
      // Fields keep their order, so option t decodes to the renamed choices of option t.
      recipients: move.recipients.map((m) => ({
        recipient: perm[m.recipient]!,
        count: m.count,
        fields: m.fields.map((f) => ({ ...f, sender: perm[f.sender]!, origin: f.kind === RELAY ? slot![f.origin]! : f.origin })),
      })),
    };
  }

  /** Outcome sets per honest agent (`honestIds` order, kept by the renaming), codes renamed (IC vectors). */
  renameSets<T>(sets: OutcomeSets<T>, honestIds: readonly number[], perm: Permutation): OutcomeSets<T> {
    const out: OutcomeSets<T> = new Array(sets.length);
    const V = this.scenario.values;
    const vector = this.scenario.problem === 'interactive-consistency';
    sets.forEach((set, k) => {
      const to = honestIds.indexOf(perm[honestIds[k]!]!);
      if (!vector) {
        out[to] = set;
        return;
      }
      const renamed = new Map<number, T>();
      for (const [code, at] of set) renamed.set(code === UNDECIDED ? code : this.renameVectorCode(code, V, perm), at);
      out[to] = renamed;
    });
    return out;
  }

  /** A decision vector coded base V (entry j at V^j, outcomes.ts) with its entries renamed. */
  private renameVectorCode(code: number, V: number, perm: Permutation): number {
    const entries = new Array<number>(this.n);
    for (let j = 0; j < this.n; j++) {
      entries[perm[j]!] = code % V;
      code = Math.floor(code / V);
    }
    let out = 0;
    for (let j = this.n - 1; j >= 0; j--) out = out * V + entries[j]!;
    return out;
  }
}

/**
 * The protocol's roles as the verifier uses them: broadcast's sender (agent 0) is judged apart
 * (its input is the one to agree on), so it gets a role of its own whatever the protocol declares.
 */
export function verificationRoles(roles: readonly number[], scenario: Scenario): number[] {
  const out = [...roles];
  if (scenario.problem === 'broadcast' && out.some((role, i) => i > 0 && role === out[0])) out[0] = Math.min(...out) - 1;
  return out;
}

// ---------------------------------------------------------------- checking a protocol's claim

const CHECK_EPISODES = 24;
const CHECK_SEED = 0x5eed;

/** What `checkAgentRoles` found. */
export type RolesCheck = { ok: true } | { ok: false; why: string } | { ok: 'randomised' };

/**
 * Tests `protocol.agentRoles` in `scenario` before the verifier relies on it: seeded random
 * episodes (chance from the scenario, the adversary picking uniformly among moves.ts's options)
 * each run beside a copy renamed by a random role-keeping permutation and driven by the renamed
 * choices; every round the copy's honest actions must be the renamed actions, and after every step
 * the copy's state the renamed state. A protocol that draws honest randomness is not checked
 * (`randomised`): the reduction is not used for it.
 */
export function checkAgentRoles(protocol: HonestProtocol, scenario: Scenario, roles: readonly number[]): RolesCheck {
  const { n } = scenario;
  const name = protocol.name;
  if (roles.length !== n || !roles.every((r) => Number.isInteger(r))) return { ok: false, why: `${name}: agentRoles must give an integer role to each of the n=${n} agents (got ${JSON.stringify(roles)})` };
  const classes = [...new Set(roles)].map((role) => roles.flatMap((r, i) => (r === role ? [i] : []))).filter((members) => members.length > 1);
  if (classes.length === 0) return { ok: true };
  const renamer = new AgentRenamer(scenario);
  const size = CHECK_EPISODES;
  const options = { size, memorySlots: protocol.memorySlots, seed: CHECK_SEED };
  const original = new GameBatch(scenario, options);
  const renamed = new GameBatch(scenario, options);
  const expected = new GameBatch(scenario, { ...options, size: 1 });
  original.reset(0);
  const rng = new Uint32Array(RNG_WORDS);
  seedStream(rng, 0, CHECK_SEED, 0, Stream.adversary);
  // A uniformly random role-keeping renaming per episode (drawn, not enumerated: n! grows fast), one that moves someone.
  const randomRenaming = (): number[] => {
    const perm = Array.from({ length: n }, (_, i) => i);
    for (const members of classes) {
      const images = [...members];
      for (let k = images.length - 1; k > 0; k--) {
        const t = nextInt(rng, 0, k + 1);
        [images[k], images[t]] = [images[t]!, images[k]!];
      }
      members.forEach((agent, k) => (perm[agent] = images[k]!));
    }
    return perm.every((to, from) => to === from) ? randomRenaming() : perm;
  };
  const perms = Array.from({ length: size }, randomRenaming);
  for (let b = 0; b < size; b++) renamer.permuteEpisode(original, b, renamed, b, perms[b]!);
  const honest = [new HonestActions(size, n, scenario), new HonestActions(size, n, scenario)] as const;
  const adversary = [new AdversaryActions(size, n, scenario), new AdversaryActions(size, n, scenario)] as const;
  const before = new Uint32Array(original.rng);
  for (let r = 1; r <= scenario.maxRounds; r++) {
    original.round = renamed.round = r;
    honest[0].clear();
    honest[1].clear();
    before.set(original.rng);
    protocol.act(original, honest[0]);
    if (!equalArrays(before, original.rng)) return { ok: 'randomised' };
    protocol.act(renamed, honest[1]);
    adversary[0].clear();
    adversary[1].clear();
    let live = 0;
    for (let b = 0; b < size; b++) {
      if (original.done[b]) continue;
      live++;
      const perm = perms[b]!;
      const mismatch = firstActionDifference(original, honest[0], honest[1], b, perm);
      if (mismatch)
        return { ok: false, why: `${name}: declares agents with equal agentRoles ${JSON.stringify(roles)} interchangeable, but renaming them (${describePerm(perm)}) changes its ${describeRenamed(mismatch, perm)} in round ${r}: the symmetry reduction is refused (fix agentRoles, or verify with --no-symmetry)` };
      const choice = randomChoice(original, b, honest[0], protocol.messageTags?.(scenario), rng);
      writeRound(original, b, choice, adversary[0]);
      writeRound(renamed, b, renamer.renameRound(choice, perm), adversary[1]);
    }
    if (live === 0) break;
    original.step(honest[0], adversary[0]);
    renamed.step(honest[1], adversary[1]);
    for (let b = 0; b < size; b++) {
      expected.round = renamed.round;
      renamer.permuteEpisode(original, b, expected, 0, perms[b]!);
      if (jointKey(expected, 0) !== jointKey(renamed, b))
        return { ok: false, why: `${name}: the state after round ${r} is not the renamed state when agents are renamed (${describePerm(perms[b]!)}): the rules or the protocol's memory depend on agent names; the symmetry reduction is refused (verify with --no-symmetry)` };
    }
  }
  return { ok: true };
}

function equalArrays(x: Uint32Array, y: Uint32Array): boolean {
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  return true;
}

function describePerm(perm: Permutation): string {
  return perm.map((to, from) => (to === from ? '' : `${from}→${to}`)).filter(Boolean).join(' ');
}

/** Which action of which agent the renaming changed: an agent's own action with both values, an entry naming agents by its index. */
function describeRenamed(d: ActionDifference, perm: Permutation): string {
  return d.entry === undefined ? `${d.field} (agent ${d.agent}: ${d.x}, renamed agent ${perm[d.agent]}: ${d.y})` : `${d.field}[${d.entry}] (agent ${d.agent})`;
}
