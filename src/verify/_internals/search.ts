/**
 * The exhaustive adversary search for one chance outcome (faulty set, inputs, GST) of a
 * deterministic honest protocol, on the rules engine itself: every state is a slot of a GameBatch,
 * every branch a copy of its parent's slot, and each `step` advances a whole batch of branches at once.
 *
 * Because the honest side and the chance outcome are fixed, an adaptive adversary is no stronger
 * than a fixed sequence of choices, and the question per state is: can some sequence make the
 * honest side lose? The answer is a function of the state alone, so it is memoised on the state's
 * exact key (keys.ts). Three reductions keep the search small; each is exact:
 *
 * 1. **Per-recipient probes (the diagonal).** What honest h sees next round depends only on the
 *    state and what is sent to h (moves.ts). So one batch whose slot t gives *every* recipient its
 *    t-th option shows, for every h and every option, h's next view: max_h(options) slots instead
 *    of ∏_h(options). Options that give h the same view are merged.
 * 2. **The last step is per recipient.** If after this round every honest agent decides next round
 *    (or next round is the horizon R), the episode's outcome is h's decision for each h, each
 *    depending only on h's own option; the adversary picks them independently, so it can break a
 *    property iff it can with the per-agent *sets* of reachable decisions (outcomes.ts). The
 *    adversary's choices in round R itself are never seen by anyone within the horizon.
 * 3. **Coupling only through honest messages.** One step earlier, h's next view w_h reaches the
 *    others only through what h *sends* next round (its signature σ(w_h)); h's own final decision
 *    depends on (w_h, what the others send, what the adversary sends h). So for each combination α
 *    of signatures, the adversary's reachable decisions for h are the union over h's views with
 *    signature α_h — independent across h again. Covering every (w_h, α) pair needs only
 *    max_h |views with signature α_h| joint states per α, not their product. Where a covered
 *    state is not itself a last step, the search falls back to the full product for that α.
 *
 * 4. **Symmetry** (`SearchOptions.symmetry`, symmetry.ts, where the soundness argument is): when the
 *    protocol declares (and passed the check) which agents it treats alike, the memo is keyed by
 *    the least key over renamings of interchangeable agents (honest ones of equal role and input,
 *    Byzantine ones of equal role), the answer stored for that canonical state and renamed back where met. Then
 *    every state is memoised, the last steps too, since renamed copies of one are met often.
 * 5. **Origin pruning** (`SearchOptions.visibleOrigins`, visibleOrigins.ts, where the soundness
 *    argument is): content from agents whose messages and chains the protocol never reads (a
 *    declaration, checked) is not offered to the adversary.
 * Values are not renamed: the zoo's protocols break value symmetry (ties go to 0).
 */
import { AdversaryActions, HonestActions, usesRelays } from '../../game/actions.js';
import { RelayChains } from '../../game/relayChains.js';
import { GameBatch, replicateSlot0 } from '../../game/GameBatch.js';
import { RNG_WORDS, Stream } from '../../game/rng.js';
import { relayDepthOf, type Scenario } from '../../game/scenario.js';
import { envelopeIndex, visitEnvelope, type ViewVisitor } from '../../game/view.js';
import type { ScriptRound } from '../../protocols/adversaries/scripted.js';
import type { HonestProtocol } from '../../protocols/types.js';
import { jointKey, viewKey } from './keys.js';
import { combinations, describeOption, generateMoves, writeGlobal, writeOption, type GlobalMove, type RecipientMoves } from './moves.js';
import { judgeSets, outcomeCode, pendingOutcome, validityContext, type OutcomeSets, type ValidityContext } from './outcomes.js';
import { AgentRenamer, candidateRenamings, inverse, searchClasses } from './symmetry.js';
import { HeapGuard } from './heapGuard.js';
import type { FalsifyOptions } from './falsify.js';

/** Too many states: `--max-states`. A RangeError, so the command line shows it as one line. */
export class StateLimitError extends RangeError {
  override name = 'StateLimitError';
}
/** One round's options towards a single recipient exceed the budget on their own. */
export class RoundWidthError extends StateLimitError {
  override name = 'StateLimitError';
  constructor(scenario: string, protocol: string, readonly maxStates: number, readonly round: number, readonly width: number) {
    super(`verify: more than --max-states=${maxStates} states explored (${scenario}, ${protocol}): round ${round} alone offers the adversary ${width < 1e6 ? width : width.toPrecision(3)} choices towards one recipient; raise --max-states or shrink the scenario`);
  }
}
/** The protocol drew honest randomness: `verify` hands it to the expectimax search (expectimax.ts). */
export class RandomisedProtocolError extends RangeError {
  override name = 'RandomisedProtocolError';
}

interface Bench {
  game: GameBatch;
  honest: HonestActions;
  /** This round's honest actions of the head (slot 0), kept apart from the branches' buffer. */
  headHonest: HonestActions;
  /** (branch buffer row array, head's saved row array) pairs, found once. */
  rows?: Array<[Rows, Rows]>;
  adversary: AdversaryActions;
}

/** How the final-step outcome sets of one global choice are reached: option index per recipient. */
interface FinalGlobal {
  move: GlobalMove | undefined;
  /** Per honest agent (in `honestIds` order): outcome → the probe slot (option) reaching it. */
  sets: OutcomeSets<number>;
}

export interface StateResult {
  /** Properties the adversary can break from here (outcomes.ts bits). */
  mask: number;
  /** Rounds played in the shortest violation found from here (Infinity if none). */
  depth: number;
  /** The adversary's choices from this state's round on, for that violation. */
  witness?: ScriptRound[];
  /** Set when the episode's outcome is decided by this round's choices alone (reduction 2). */
  final?: { terminal: boolean; globals: FinalGlobal[] };
}

const KIDS_CHUNK = 512;
/**
 * Last-step answers memoised per chance outcome under symmetry. They carry their outcome sets and
 * moves (kilobytes each, against a few bytes for others), and Dolev–Strong at n=4, f=2 ran out of
 * heap keeping them all; past this many, last steps are solved afresh as without symmetry.
 */
const MAX_LAST_STEP_MEMO = 100_000;

/** Switches of the searches (`VerifyOptions` passes them; not on the command line). */
export interface SearchOptions {
  /** Memoise states and merge options on their exact keys (keys.ts); default true. */
  memo?: boolean;
  /** The protocol's agent roles, checked (symmetry.ts): canonical memo keys under renamings of interchangeable honest agents. */
  symmetry?: readonly number[];
  /** The agents whose messages and chains the protocol reads, checked (visibleOrigins.ts): the adversary's other content is not enumerated. */
  visibleOrigins?: readonly number[];
  /**
   * Cheap attacks tried on each chance outcome before its search (falsify.ts); an outcome one of them
   * wins is not searched, and a search stops at the first attack it finds: whether the adversary
   * can win stays exact, which properties and how fast does not.
   */
  falsify?: FalsifyOptions;
}

/** This chance outcome's classes of interchangeable agents, and a slot to build renamed states in. */
interface Symmetry {
  renamer: AgentRenamer;
  classes: number[][];
  scratch: GameBatch;
}

export class Search {
  private readonly heap = new HeapGuard();
  /** Tags a Byzantine message may carry whatever the honest agents send (the protocol's `messageTags`). */
  private readonly messageTags: readonly number[];
  readonly R: number;
  states = 0;
  /** Per round: the probe batch (slot 0 = the head) and the children batch (slot 0 = a copy of it). */
  private readonly probes: Bench[] = [];
  private readonly kids: Bench[] = [];
  private memo = new Map<string, StateResult>();
  private lastStepsMemoised = 0;
  private honestIds: number[] = [];
  private ctx!: ValidityContext;
  private readonly rngBefore = new Uint32Array(RNG_WORDS);
  /** The scenario's relay chains (to name a relay choice in a witness), if it relays. */
  private readonly chains: RelayChains | undefined;
  private readonly renamer: AgentRenamer | undefined;
  private scratch: GameBatch | undefined;
  /** Set per chance outcome (`solveRoot`) when its group has more than the identity. */
  private symmetry: Symmetry | undefined;
  /** Stop at the first winning attack (`SearchOptions.falsify`): a state's mask is then exact only as zero or not. */
  private readonly untilWin: boolean;

  /**
   * `memo: false` (the keys' cross-check, `VerifyOptions.memo`) solves every state afresh and merges no recipient
   * options, so nothing rests on keys.ts: a key that forgets something shows as a different answer.
   */
  constructor(readonly scenario: Scenario, readonly protocol: HonestProtocol, readonly maxStates: number, private readonly options: SearchOptions = {}) {
    this.R = scenario.maxRounds;
    this.chains = usesRelays(scenario) ? RelayChains.of(scenario.n, relayDepthOf(scenario)) : undefined;
    this.messageTags = protocol.messageTags?.(scenario) ?? [];
    if (options.symmetry && options.memo !== false) this.renamer = new AgentRenamer(scenario);
    this.untilWin = options.falsify !== undefined;
  }

  get distinctStates(): number {
    return this.memo.size;
  }

  /**
   * The work batch of round r: slot 0 holds the state being solved (after this round's honest
   * actions: the "head"), slots 1..size−1 its branches. Grows on demand, keeping the head.
   */
  private level(list: Bench[], r: number, branches: number): Bench {
    const have = list[r];
    if (have && have.game.size > branches) return have;
    const cap = Math.max(branches + 1, have ? have.game.size * 2 : 1);
    const bench = {
      game: new GameBatch(this.scenario, { size: cap, memorySlots: this.protocol.memorySlots }),
      honest: new HonestActions(cap, this.scenario.n, this.scenario),
      adversary: new AdversaryActions(cap, this.scenario.n, this.scenario),
      headHonest: have?.headHonest ?? new HonestActions(1, this.scenario.n, this.scenario),
    };
    if (have) {
      bench.game.copyEpisodeFrom(have.game, 0, 0);
      bench.game.round = have.game.round;
    }
    list[r] = bench;
    return bench;
  }

  /**
   * A round whose options to one recipient alone exceed the state budget is refused before its
   * probe batch is allocated (deep relay chains multiply the fields: 2·10³⁵ options at n=7, f=2).
   */
  private refuseWidth(width: number, r: number): void {
    if (this.states + width > this.maxStates)
      throw new RoundWidthError(this.scenario.name, this.protocol.name, this.maxStates, r, width);
  }

  private count(k: number): void {
    this.states += k;
    if (this.states > this.maxStates)
      throw new StateLimitError(`verify: more than --max-states=${this.maxStates} states explored (${this.scenario.name}, ${this.protocol.name}); raise --max-states or shrink the scenario`);
    const full = this.heap.check(this.states);
    if (full !== undefined) throw new StateLimitError(`verify: ${full} (${this.scenario.name}, ${this.protocol.name}); lower --max-states or shrink the scenario`);
  }

  /** Solves the root state in slot b of `root` (round 1, chance moves set). */
  solveRoot(root: GameBatch, b: number): StateResult {
    this.memo = new Map();
    this.lastStepsMemoised = 0;
    const n = root.n;
    this.honestIds = [];
    for (let i = 0; i < n; i++) if (!root.faulty[b * n + i]) this.honestIds.push(i);
    this.ctx = validityContext(root, b);
    this.symmetry = undefined;
    if (this.renamer) {
      const faulty = Array.from({ length: n }, (_, i) => i).filter((i) => root.faulty[b * n + i]);
      const inputs = Array.from(root.input.subarray(b * n, b * n + n));
      const classes = searchClasses(this.options.symmetry!, { faulty, inputs }, root.byzantine);
      this.scratch ??= new GameBatch(this.scenario, { size: 1, memorySlots: this.protocol.memorySlots });
      if (classes) this.symmetry = { renamer: this.renamer, classes, scratch: this.scratch };
    }
    return this.solve(root, b, 1);
  }

  /**
   * Solves a later state of the chance outcome `solveRoot` last solved (slot b of `game`, at
   * `game.round`), in that search's memo: a state met before, or a renaming of one, is answered
   * from it. How a caller asks about a position inside the search (the tests of renamed answers).
   */
  solveState(game: GameBatch, b: number): StateResult {
    return this.solve(game, b, game.round);
  }

  /**
   * Fills branch slots 1..count of round r's batch with the head's state (round r, this round's
   * honest actions already chosen) and idles the rest and the head (so that `step` leaves it be).
   * The honest actions are copied, not recomputed: the protocol is deterministic and every slot
   * holds the same state (and `act` may have side effects on memory, already in the head's state).
   */
  private load(bench: Bench, r: number, count: number): void {
    const game = bench.game;
    game.done[0] = 0;
    game.replicateFirstEpisode(count);
    // Row 0 of the honest actions is restored from the head's own copy (a probe's `clear` wipes it).
    for (const [rows, saved] of bench.rows ?? (bench.rows = rowPairs(bench.honest, bench.headHonest).filter(([x]) => x.length > 0))) {
      rows.set(saved, 0);
      replicateSlot0(rows, saved.length, count);
    }
    game.done[0] = 1;
    for (let t = count + 1; t < game.size; t++) game.done[t] = 1;
    game.round = r;
    bench.adversary.clear();
  }

  private solve(src: GameBatch, b: number, r: number): StateResult {
    const sym = this.symmetry;
    // Without symmetry, states one round before the horizon are never memoised (see the end), so
    // they need no key; with it, every state before the horizon is, under its canonical key.
    let key: string | undefined;
    let canonical: number[] | undefined; // the renaming that gives the canonical state; undefined: the identity
    if (sym && r < this.R) ({ key, canonical } = this.canonicalKey(sym, src, b));
    else if (r + 1 < this.R && this.options.memo !== false) key = jointKey(src, b);
    const known = key === undefined ? undefined : this.memo.get(key);
    // Stored as the canonical state's answer (π·S's, π = canonical): the state met, π⁻¹ of that, gets it renamed by π⁻¹.
    if (known) return canonical ? this.rename(known, inverse(canonical)) : known;
    const result = this.solveFresh(src, b, r);
    if (key !== undefined && (!result.final || (sym && this.lastStepsMemoised++ < MAX_LAST_STEP_MEMO))) this.memo.set(key, canonical ? this.rename(result, canonical) : result);
    return result;
  }

  /** The least joint key over the state's candidate renamings (symmetry.ts), and the renaming that gives it. */
  private canonicalKey(sym: Symmetry, src: GameBatch, b: number): { key: string; canonical: number[] | undefined } {
    let key: string | undefined;
    let canonical: number[] | undefined;
    sym.scratch.round = src.round;
    for (const perm of candidateRenamings(src, b, sym.classes)) {
      const identity = perm.every((to, from) => to === from);
      if (!identity) sym.renamer.permuteEpisode(src, b, sym.scratch, 0, perm);
      const renamed = identity ? jointKey(src, b) : jointKey(sym.scratch, 0);
      if (key === undefined || renamed < key) {
        key = renamed;
        canonical = identity ? undefined : perm;
      }
    }
    return { key: key!, canonical };
  }

  /** A state's answer for the state renamed by `perm`: the witness and the last-step sets (with the moves reaching them) renamed. */
  private rename(result: StateResult, perm: readonly number[]): StateResult {
    const renamer = this.symmetry!.renamer;
    const out: StateResult = { mask: result.mask, depth: result.depth };
    if (result.witness) out.witness = result.witness.map((round) => renamer.renameRound(round, perm));
    if (result.final)
      out.final = {
        terminal: result.final.terminal,
        globals: result.final.globals.map((g) => ({ move: g.move && renamer.renameMove(g.move, perm), sets: renamer.renameSets(g.sets, this.honestIds, perm) })),
      };
    return out;
  }

  private solveFresh(src: GameBatch, b: number, r: number): StateResult {
    // The honest actions of this round, on one copy: they fix the adversary's options.
    const head = this.level(this.probes, r, 0);
    const offset = head.game.streamOffset(0, Stream.honest);
    head.game.copyEpisodeFrom(src, b, 0);
    for (let t = 1; t < head.game.size; t++) head.game.done[t] = 1;
    head.game.round = r;
    this.rngBefore.set(head.game.rng.subarray(offset, offset + RNG_WORDS));
    head.honest.clear();
    this.protocol.act(head.game, head.honest);
    for (const [saved, rows] of rowPairs(head.headHonest, head.honest)) saved.set(rows.subarray(0, saved.length), 0);
    for (let w = 0; w < RNG_WORDS; w++)
      if (head.game.rng[offset + w] !== this.rngBefore[w])
        throw new RandomisedProtocolError(`verify: ${this.protocol.name} draws honest randomness (round ${r}); the exhaustive search covers deterministic protocols only`);

    const n = src.n;
    let undecided = 0;
    for (const h of this.honestIds) if (head.game.decisionRound[h] === 0 && head.honest.decision[h]! < 0) undecided++;
    if (undecided === 0 || r === this.R) return this.terminal(head, r);

    const moves = generateMoves(head.game, 0, head.honest, this.messageTags, this.options.visibleOrigins);
    const result: StateResult = { mask: 0, depth: Infinity };
    const finals: FinalGlobal[] = [];
    let allFinal = true;
    for (const move of moves) {
      const K = move.width;
      this.refuseWidth(K, r);
      const probe = this.level(this.probes, r, K);
      this.load(probe, r, K);
      for (let t = 0; t < K; t++) {
        writeGlobal(probe.game, 1 + t, move, probe.adversary);
        for (const m of move.recipients) writeOption(probe.game, 1 + t, m, Math.min(t, m.count - 1), probe.adversary);
      }
      probe.game.step(probe.honest, probe.adversary);
      this.count(K);

      // Views at r+1, needed only if the next step might not be the last.
      const lastStepNext = r + 1 === this.R;
      const views = lastStepNext ? undefined : move.recipients.map((m) => Array.from({ length: m.count }, (_, t) => (this.options.memo === false ? String(t) : viewKey(probe.game, 1 + t, m.recipient))));

      // Round r+1's honest actions: the decisions taken at r+1. When r+1 = R they are all that is
      // left to see; otherwise round r+1 is played with a neutral adversary, to read what each agent
      // sends in it (its signature) and who has decided.
      probe.honest.clear();
      this.protocol.act(probe.game, probe.honest);
      let final = lastStepNext;
      if (!lastStepNext) {
        probe.adversary.clear();
        probe.game.step(probe.honest, probe.adversary);
        this.count(K);
        final = true;
        for (const m of move.recipients) {
          if (probe.game.faulty[m.recipient]) continue;
          for (let t = 0; t < m.count && final; t++) if (probe.game.decisionRound[(1 + t) * n + m.recipient] === 0) final = false;
        }
      }
      if (final) {
        const sets = this.finalSets(probe, move, lastStepNext);
        finals.push({ move, sets });
        const verdict = judgeSets(sets, this.ctx);
        if (verdict.mask) this.merge(result, verdict.mask, r + 1, [this.describe(move, verdict.picks!)]);
        if (this.untilWin && result.mask) return result; // not `final`: its sets cover only the moves seen
        continue;
      }
      allFinal = false;
      this.solveCoupled(r, move, probe.game, views!, result);
      if (this.untilWin && result.mask) return result;
    }
    // A last-step state is cheap to solve again (one probe) and its key is never met twice in
    // practice (the full history is in it): only the others are memoised (`solve`), unless
    // renamed copies of it are met (symmetry).
    if (allFinal) result.final = { terminal: false, globals: finals };
    return result;
  }

  /** A state whose round ends the episode: its outcome is fixed, whatever the adversary does. */
  private terminal(head: Bench, r: number): StateResult {
    head.adversary.clear();
    head.game.step(head.honest, head.adversary);
    this.count(1);
    const sets: OutcomeSets<number> = this.honestIds.map((h) => new Map([[outcomeCode(head.game, 0, h), 0]]));
    const verdict = judgeSets(sets, this.ctx);
    const result: StateResult = { mask: verdict.mask, depth: verdict.mask ? r : Infinity, final: { terminal: true, globals: [{ move: undefined, sets }] } };
    if (verdict.mask) result.witness = [{}];
    return result;
  }

  /** Per honest agent, its outcome in each probe slot (its own option t). */
  private finalSets(probe: Bench, move: GlobalMove, pending: boolean): OutcomeSets<number> {
    return this.honestIds.map((h) => {
      const set = new Map<number, number>();
      const m = move.recipients.find((x) => x.recipient === h);
      const options = m ? m.count : 1;
      for (let t = 0; t < options; t++) {
        const code = pending ? pendingOutcome(probe.game, probe.honest, 1 + t, h) : outcomeCode(probe.game, 1 + t, h);
        if (!set.has(code)) set.set(code, t);
      }
      return set;
    });
  }

  /** One round of choices: the global move and, per honest agent, the option picked for it. */
  private describe(move: GlobalMove | undefined, picks: readonly number[]): ScriptRound {
    const round: ScriptRound = {};
    if (move?.crashes.length) round.crashes = [...move.crashes];
    if (!move) return round;
    this.honestIds.forEach((h, k) => {
      const m = move.recipients.find((x) => x.recipient === h);
      if (m) describeOption(this.chains, m, Math.min(picks[k]!, m.count - 1), round);
    });
    return round;
  }

  private merge(result: StateResult, mask: number, depth: number, witness: ScriptRound[]): void {
    result.mask |= mask;
    if (depth < result.depth) {
      result.depth = depth;
      result.witness = witness;
    }
  }

  /** What agent h sent in round `s` of slot t (what the others will see of it): its signature. */
  private signature(game: GameBatch, t: number, h: number, s: number): string {
    const parts: number[] = [];
    const into: ViewVisitor = { cell: (_field, _index, value) => parts.push(value) };
    for (let j = 0; j < game.n; j++) {
      if (j === h) continue;
      const e = envelopeIndex(game, t, s, h, j);
      if (game.msgArrival[e] === 0) parts.push(-9);
      else visitEnvelope(game, e, into); // what j will read of it (game/view.ts)
    }
    return parts.join(',');
  }

  /** Reduction 3, with the full product as the fallback. */
  private solveCoupled(r: number, move: GlobalMove, probe: GameBatch, views: string[][], result: StateResult): void {
    // Per recipient: distinct next views (a representative option each), grouped by signature.
    const classes = move.recipients.map((m, k) => {
      const seen = new Set<string>();
      const bySignature = new Map<string, number[]>();
      for (let t = 0; t < m.count; t++) {
        const view = views[k]![t]!;
        if (seen.has(view)) continue;
        seen.add(view);
        const sig = this.signature(probe, 1 + t, m.recipient, r + 1);
        const list = bySignature.get(sig);
        if (list) list.push(t);
        else bySignature.set(sig, [t]);
      }
      return [...bySignature.values()];
    });

    const alpha = new Array<number>(classes.length).fill(0);
    for (;;) {
      const members = classes.map((c, k) => c[alpha[k]!]!);
      this.solveClass(r, move, members, result);
      if (this.untilWin && result.mask) return;
      let k = 0;
      while (k < alpha.length && ++alpha[k]! === classes[k]!.length) alpha[k++] = 0;
      if (k === alpha.length) break;
    }
  }

  /** One signature combination α: per recipient, the options whose views carry signature α_h. */
  private solveClass(r: number, move: GlobalMove, members: number[][], result: StateResult): void {
    const width = Math.max(1, ...members.map((m) => m.length));
    const covering: number[][] = [];
    for (let idx = 0; idx < width; idx++) covering.push(members.map((m) => m[Math.min(idx, m.length - 1)]!));
    const covered = this.solveChildren(r, move, covering);

    if (covered.every((c) => c.result.final)) {
      const firstLive = covered.find((c) => !c.result.final!.terminal);
      const globals = firstLive ? firstLive.result.final!.globals.length : 1;
      for (let gi = 0; gi < globals; gi++) {
        // Union over covered children of each honest agent's reachable outcomes, remembering where from.
        const sets: OutcomeSets<{ child: number; option: number }> = this.honestIds.map(() => new Map());
        covered.forEach((c, idx) => {
          const fin = c.result.final!;
          const g = fin.terminal ? fin.globals[0]! : fin.globals[gi]!;
          g.sets.forEach((set, k) => {
            for (const [code, option] of set) if (!sets[k]!.has(code)) sets[k]!.set(code, { child: idx, option });
          });
        });
        const verdict = judgeSets(sets, this.ctx);
        if (!verdict.mask) continue;
        // Round r: each honest recipient gets the member of the child its pick came from; round r+1:
        // the option picked there (sparse entries "to h", so they combine into one joint choice).
        const now: ScriptRound = {};
        if (move.crashes.length) now.crashes = [...move.crashes];
        const next: ScriptRound = {};
        move.recipients.forEach((m, k) => {
          const h = m.recipient;
          const hk = this.honestIds.indexOf(h);
          const child = hk >= 0 ? verdict.picks![hk]!.child : 0;
          describeOption(this.chains, m, covering[child]![k]!, now);
        });
        this.honestIds.forEach((h, hk) => {
          const pick = verdict.picks![hk]!;
          const fin = covered[pick.child]!.result.final!;
          if (fin.terminal) return;
          const g = fin.globals[gi]!;
          if (g.move?.crashes.length) next.crashes = [...g.move.crashes];
          const m = g.move?.recipients.find((x) => x.recipient === h);
          if (m) describeOption(this.chains, m, Math.min(pick.option, m.count - 1), next);
        });
        this.merge(result, verdict.mask, r + 2, [now, next]);
      }
      return;
    }

    // Fallback: every combination of the members.
    const combos = combinations(members);
    for (const { options, result: child } of this.solveChildren(r, move, combos)) {
      if (!child.mask) continue;
      const now: ScriptRound = {};
      if (move.crashes.length) now.crashes = [...move.crashes];
      move.recipients.forEach((m, k) => describeOption(this.chains, m, options[k]!, now));
      this.merge(result, child.mask, child.depth, [now, ...child.witness!]);
      if (this.untilWin) return;
    }
  }

  /** Plays round r from (src, b) once per joint choice (option per recipient) and solves each child. */
  private solveChildren(r: number, move: GlobalMove, choices: number[][]): Array<{ options: number[]; result: StateResult }> {
    const out: Array<{ options: number[]; result: StateResult }> = [];
    for (let first = 0; first < choices.length; first += KIDS_CHUNK) {
      const chunk = choices.slice(first, first + KIDS_CHUNK);
      const kids = this.level(this.kids, r, chunk.length);
      const head = this.probes[r]!;
      head.game.done[0] = 0;
      kids.game.copyEpisodeFrom(head.game, 0, 0);
      if (kids.headHonest !== head.headHonest) {
        kids.headHonest = head.headHonest;
        delete kids.rows;
      }
      this.load(kids, r, chunk.length);
      chunk.forEach((options, t) => {
        writeGlobal(kids.game, 1 + t, move, kids.adversary);
        move.recipients.forEach((m: RecipientMoves, k) => writeOption(kids.game, 1 + t, m, options[k]!, kids.adversary));
      });
      kids.game.step(kids.honest, kids.adversary);
      this.count(chunk.length);
      for (let t = 0; t < chunk.length; t++) {
        const result = this.solve(kids.game, 1 + t, r + 1);
        out.push({ options: chunk[t]!, result });
        // Only the fallback reads a child's mask alone; a covered child's sets are unioned with the others'.
        if (this.untilWin && result.mask && !result.final) return out;
      }
    }
    return out;
  }
}

type Rows = Int8Array | Uint8Array;

/** The typed arrays of two action buffers, pairwise (found by enumeration, so none is ever missed). */
function rowPairs<T extends object>(dst: T, src: T): Array<[Rows, Rows]> {
  const pairs: Array<[Rows, Rows]> = [];
  for (const name of Object.keys(dst) as Array<keyof T>) {
    const a = dst[name], b = src[name];
    if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) pairs.push([a as unknown as Rows, b as unknown as Rows]);
  }
  return pairs;
}
