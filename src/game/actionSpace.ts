/**
 * The honest action spaces of GAME.md §6 as categorical heads, for learned policies: a policy
 * picks one option per head for every agent row, `legalMask` says which options are legal, and
 * `decode` turns the picks into the engine's HonestActions.
 *
 * | space | heads (options) |
 * |---|---|
 * | `paper` | action {send own input, commit 0, …, commit V−1} |
 * | `free` | message {silent, send 0..V−1} × decision {wait, commit 0..V−1} |
 * | `relay` | `free` × relay {no, yes} |
 * | `slush` | action {sample, commit 0, …, commit V−1} |
 * | `sampling` | query {none, sample} × preference {keep, set 0..V−1} × decision {wait, commit 0..V−1} |
 *
 * Under `interactive-consistency` the decision head becomes `commit` {wait, commit} plus one head
 * `value+p` {0..V−1} per agent slot p = 0..n−1 in RELATIVE order (p = 0 is the agent itself,
 * +p is agent (i+p) mod n); `decode` maps them back to absolute entries of the decision vector.
 *
 * **Log-probability.** The heads are independent given the observation, so a joint action's
 * log-probability is the sum over heads of log softmax(masked logits)[choice]. A head whose mask
 * leaves one option (the decision head of a decided agent) contributes log 1 = 0. The `value+p`
 * heads are read only when `commit` = commit; `isHeadUsed` says so, and a trainer should leave
 * unused heads out of the sum (they would add variance, not signal).
 *
 * Masks and choices are per row `b·n + i` (agent i of episode b), heads in the order of `heads`.
 * Rows of agents that do not act this round (`!game.needsAction(b, i)`) allow only option 0 of
 * every head, and `decode` ignores them.
 */
import { HonestActions, WAIT } from './actions.js';
import type { GameBatch } from './GameBatch.js';
import type { ActionSpaceName, Scenario } from './scenario.js';

export interface ActionHead {
  /** `action`, `message`, `decision`, `relay`, `query`, `preference`, `commit`, `value+p`. */
  readonly name: string;
  /** Number of options. */
  readonly size: number;
  /** Offset of this head's options inside a mask row. */
  readonly offset: number;
  /** One label per option, for printing. */
  readonly labels: readonly string[];
  /** The option that chooses value 0 (options valueStart … valueStart + V − 1 choose values), or −1. */
  readonly valueStart: number;
}

/** Which primitive each head drives; `value` heads carry their relative slot. */
type HeadRole = 'paper' | 'slush' | 'message' | 'decision' | 'relay' | 'query' | 'preference' | 'commit' | 'value';

export class ActionSpace {
  readonly space: ActionSpaceName;
  readonly heads: readonly ActionHead[];
  /** Number of heads (columns of `choices`). */
  readonly headCount: number;
  /** Σ head sizes (columns of a mask row). */
  readonly maskWidth: number;

  private readonly n: number;
  private readonly roles: readonly HeadRole[];
  /** Head index of each role (-1 if absent). */
  private readonly roleHead: Readonly<Record<HeadRole, number>>;
  /** Head index of `value+0` under interactive consistency, else -1. */
  private readonly firstValueHead: number;

  constructor(readonly scenario: Scenario) {
    const { n, values: V, honestActions: space } = scenario;
    this.space = space;
    this.n = n;
    const values = Array.from({ length: V }, (_, v) => String(v));
    const commits = values.map((v) => `commit ${v}`);
    const heads: ActionHead[] = [];
    const roles: HeadRole[] = [];
    let offset = 0;
    const add = (role: HeadRole, name: string, labels: string[]) => {
      const valueStart = role === 'value' ? 0 : role === 'relay' || role === 'query' || role === 'commit' ? -1 : 1;
      heads.push({ name, size: labels.length, offset, labels, valueStart });
      roles.push(role);
      offset += labels.length;
    };
    const decisionHeads = () => {
      if (scenario.problem !== 'interactive-consistency') return add('decision', 'decision', ['wait', ...commits]);
      add('commit', 'commit', ['wait', 'commit']);
      for (let p = 0; p < n; p++) add('value', `value+${p}`, values);
    };
    switch (space) {
      case 'paper':
        add('paper', 'action', ['send input', ...commits]);
        break;
      case 'slush':
        add('slush', 'action', ['sample', ...commits]);
        break;
      case 'free':
      case 'relay':
        add('message', 'message', ['silent', ...values.map((v) => `send ${v}`)]);
        decisionHeads();
        if (space === 'relay') add('relay', 'relay', ['no', 'yes']);
        break;
      case 'sampling':
        add('query', 'query', ['none', 'sample']);
        add('preference', 'preference', ['keep', ...values.map((v) => `set ${v}`)]);
        decisionHeads();
        break;
    }
    this.heads = heads;
    this.roles = roles;
    this.headCount = heads.length;
    this.maskWidth = offset;
    const roleHead = { paper: -1, slush: -1, message: -1, decision: -1, relay: -1, query: -1, preference: -1, commit: -1, value: -1 };
    roles.forEach((role, h) => {
      if (roleHead[role] < 0) roleHead[role] = h;
    });
    this.roleHead = roleHead;
    this.firstValueHead = roleHead.value;
  }

  /** The head named `name`, or undefined. */
  head(name: string): ActionHead | undefined {
    return this.heads.find((h) => h.name === name);
  }

  /**
   * Writes `[game.size · n, maskWidth]` legality bits (1 = legal). A decided agent (acting under
   * `afterCommit` = continue) cannot commit again: its decision/commit head allows only wait, and
   * paper's and slush's single head only send / sample.
   */
  legalMask(game: GameBatch, out: Uint8Array): void {
    const { n, maskWidth, heads } = this;
    const rows = game.size * n;
    if (out.length < rows * maskWidth)
      throw new RangeError(`legalMask: out holds ${out.length} bits, needs batch·n·maskWidth = ${game.size}·${n}·${maskWidth} = ${rows * maskWidth}`);
    const decisionHead = this.decisionLikeHead();
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        const row = (b * n + i) * maskWidth;
        if (!game.needsAction(b, i)) {
          out.fill(0, row, row + maskWidth);
          for (const head of heads) out[row + head.offset] = 1;
          continue;
        }
        out.fill(1, row, row + maskWidth);
        if (game.decisionRound[b * n + i] !== 0) {
          // Only option 0 (wait / send / sample) of the head that would commit.
          const head = heads[decisionHead]!;
          out.fill(0, row + head.offset + 1, row + head.offset + head.size);
        }
      }
    }
  }

  /**
   * Forbids waiting (option 0 of the committing head: wait, send or sample) to every undecided agent
   * that acts this round, in a mask `legalMask` wrote. In the last round waiting is a certain loss
   * (termination), so a policy may drop it there.
   */
  forbidWaiting(game: GameBatch, out: Uint8Array): void {
    const { n, maskWidth } = this;
    const offset = this.heads[this.decisionLikeHead()]!.offset;
    for (let b = 0; b < game.size; b++)
      for (let i = 0; i < n; i++) if (game.needsAction(b, i) && game.decisionRound[b * n + i] === 0) out[(b * n + i) * maskWidth + offset] = 0;
  }

  /** The head whose options include committing: `decision`, `commit`, or paper's / slush's single head. */
  private decisionLikeHead(): number {
    const r = this.roleHead;
    return Math.max(r.decision, r.commit, r.paper, r.slush);
  }

  /** Whether head `h`'s choice in row `row` of `choices` affects the action (the `value+p` heads only matter on commit). */
  isHeadUsed(choices: Int32Array, row: number, h: number): boolean {
    if (this.roles[h] !== 'value') return true;
    return choices[row * this.headCount + this.roleHead.commit] === 1;
  }

  /**
   * Turns `choices` (`[game.size · n, headCount]`, option indices) into engine actions for every
   * agent that acts this round; clears `out` first. Paper's send is always the agent's own input.
   * Legality beyond the option range is the engine's to check (`step` throws IllegalActionError).
   */
  decode(game: GameBatch, choices: Int32Array, out: HonestActions): void {
    const { n, headCount: H, heads, roles } = this;
    const rows = game.size * n;
    if (choices.length < rows * H)
      throw new RangeError(`decode: choices holds ${choices.length} numbers, needs batch·n·heads = ${game.size}·${n}·${H} = ${rows * H}`);
    out.clear();
    for (let b = 0; b < game.size; b++) {
      for (let i = 0; i < n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * n + i;
        const row = a * H;
        for (let h = 0; h < H; h++) {
          const c = choices[row + h]!;
          if (!(c >= 0 && c < heads[h]!.size))
            throw new RangeError(`decode: episode slot ${b}, agent ${i}, head ${heads[h]!.name}: choice ${c} is not in 0..${heads[h]!.size - 1}`);
          switch (roles[h]!) {
            case 'paper':
              if (c === 0) out.message[a] = game.input[a]!;
              else out.decision[a] = c - 1;
              break;
            case 'slush':
              if (c === 0) out.query[a] = 1;
              else out.decision[a] = c - 1;
              break;
            case 'message':
              out.message[a] = c - 1;
              break;
            case 'decision':
              out.decision[a] = c - 1;
              break;
            case 'relay':
              out.relay[a] = c;
              break;
            case 'query':
              out.query[a] = c;
              break;
            case 'preference':
              out.preference[a] = c - 1;
              break;
            case 'commit':
              out.decision[a] = c === 1 ? 0 : WAIT;
              break;
            case 'value': {
              const p = h - this.firstValueHead;
              const j = i + p < n ? i + p : i + p - n;
              out.decisionVector[a * n + j] = c;
              break;
            }
          }
        }
      }
    }
  }
}
