/**
 * The adversary's choices in one round of one state, split the way the search uses them:
 * a few *global* choices (which faulty agents crash now), and for each recipient whose view still
 * matters, the list of everything that can be sent *to it* this round, as a mixed-radix product of
 * fields (a faulty sender's message, each relay claim, each delay, each crash-delivery or drop bit).
 *
 * Why per recipient: the engine delivers every envelope sender→recipient on its own, so what
 * honest h sees next round is a function of (the state, the honest sends, and the fields "to h")
 * alone. Choices to different recipients never interact within a round — the search relies on that.
 *
 * Coverage (GAME.md §6): Byzantine message {silent} ∪ V to every recipient, with a tag that some
 * honest agent uses in the same round (or 0: tags are protocol labels; the zoo's deterministic
 * protocols use none); relay claims on every chain not through the relayer (relay chains of any
 * depth), {withhold} ∪ V under authenticated, {withhold} ∪ {values the chain's last honest signer
 * really signed} under pki (any value for a chain of faulty agents only); delays 0..D for every envelope in
 * flight where the timing model lets the adversary delay; crash now or not for each live faulty
 * agent, and then which recipients still get its last message; omission drops per envelope; a
 * Byzantine agent's answer {none} ∪ V to a sample by an agent that queries this round.
 */
import { NO_ANSWER, SILENT, WITHHOLD, type AdversaryActions, type HonestActions } from '../../game/actions.js';
import type { GameBatch } from '../../game/GameBatch.js';
import type { RelayChains } from '../../game/relayChains.js';
import { nextInt } from '../../game/rng.js';
import type { ScriptRound } from '../../protocols/adversaries/scripted.js';

export const MSG = 0, RELAY = 1, DELAY = 2, DELIVER = 3, DROP = 4, SAMPLE = 5;

/** One choice the adversary makes about one envelope to one recipient. */
export interface Field {
  kind: number;
  sender: number;
  /** Relay chain: its path slot (RELAY only; slot o = the one-hop chain from origin o). */
  origin: number;
  /** MSG: SILENT or value·256 + tag; RELAY: WITHHOLD or a value; DELAY: 0..D; DELIVER, DROP: 0/1; SAMPLE: NO_ANSWER or a value. */
  choices: readonly number[];
}

/** Everything the adversary can send to one recipient this round: options 0..count−1. */
export interface RecipientMoves {
  recipient: number;
  fields: Field[];
  count: number;
}

/** One global choice (who crashes now) with the per-recipient options under it. */
export interface GlobalMove {
  crashes: number[];
  recipients: RecipientMoves[];
  /** max over recipients of `count` (1 when there is no recipient): the diagonal probe's width. */
  width: number;
}

/** Whether agent i's view can still matter: it will run the protocol after this round. */
export function staysActive(game: GameBatch, b: number, i: number, honest: HonestActions): boolean {
  const a = b * game.n + i;
  if (game.faulty[a] && game.byzantine) return false;
  if (game.crashedAt[a] !== 0) return false;
  const decided = game.decisionRound[a] !== 0 || (game.needsAction(b, i) && honest.decision[a]! >= 0);
  return !decided || game.continueAfterCommit;
}

/** Whether protocol agent j puts an envelope to anyone this round (message or relay). */
function protocolSends(game: GameBatch, b: number, j: number, honest: HonestActions): boolean {
  const a = b * game.n + j;
  if (!game.needsAction(b, j)) return false;
  return honest.message[a]! >= 0 || (game.hasRelays && honest.relay[a] === 1);
}

/**
 * The moves available in slot b of `game` (round `game.round`), given this round's honest actions.
 * `byzantineTags`: tags a Byzantine message may carry in every round besides those (a threshold
 * automaton's message types, which a faulty process may send at any time: verify/automatonSpecs.ts).
 * `visibleOrigins`: the only agents whose direct messages and chains the protocol reads, checked
 * (visibleOrigins.ts): a Byzantine agent's direct message is offered only if it is one of them, a
 * relay claim only on a chain that starts at one of them.
 */
export function generateMoves(game: GameBatch, b: number, honest: HonestActions, byzantineTags: readonly number[] = [], visibleOrigins?: readonly number[]): GlobalMove[] {
  const { n, values: V, round: r } = game;
  const base = b * n;
  const faults = game.scenario.faults;
  const faulty: number[] = [];
  for (let i = 0; i < n; i++) if (game.faulty[base + i]) faulty.push(i);
  const timing = game.scenario.timing;
  const delayable = game.maxDelay > 0 && (timing === 'async' || (timing === 'partial-sync' && r < game.gst[b]!));

  // Tags a Byzantine message may carry this round: 0 and every tag an honest sender uses now.
  const tags = new Set<number>([0, ...byzantineTags]);
  for (let j = 0; j < n; j++) if (!game.faulty[base + j] && game.needsAction(b, j) && honest.message[base + j]! >= 0) tags.add(honest.tag[base + j]!);
  const messageChoices = [SILENT];
  for (let v = 0; v < V; v++) for (const t of tags) messageChoices.push(v * 256 + t);
  const answerChoices = [NO_ANSWER, ...Array.from({ length: V }, (_, v) => v)];

  const globals: number[][] = [[]];
  if (faults === 'crash') {
    for (const i of faulty) {
      if (game.crashedAt[base + i] !== 0) continue;
      const more = globals.map((g) => [...g, i]);
      globals.push(...more);
    }
  }

  const delays = Array.from({ length: game.maxDelay + 1 }, (_, d) => d);
  return globals.map((crashes) => {
    const recipients: RecipientMoves[] = [];
    for (let h = 0; h < n; h++) {
      if (!staysActive(game, b, h, honest) || crashes.includes(h)) continue;
      const fields: Field[] = [];
      for (let j = 0; j < n; j++) {
        if (j === h) continue;
        const byzantineSender = game.byzantine && game.faulty[base + j] === 1;
        if (byzantineSender) {
          if (!visibleOrigins || visibleOrigins.includes(j)) fields.push({ kind: MSG, sender: j, origin: -1, choices: messageChoices });
          if (game.hasRelays) {
            const chains = game.chains!;
            for (let p = 0, P = game.chainSlots; p < P; p++) {
              if (chains.contains(p, j)) continue;
              if (visibleOrigins && !visibleOrigins.includes(chains.first[p]!)) continue;
              const claims = [WITHHOLD];
              const legal = game.legalChainValues(b, p);
              for (let v = 0; v < V; v++) if ((legal >> v) & 1) claims.push(v);
              fields.push({ kind: RELAY, sender: j, origin: p, choices: claims });
            }
          }
          if (delayable) fields.push({ kind: DELAY, sender: j, origin: -1, choices: delays });
          if (game.hasSamples && game.needsAction(b, h) && honest.query[base + h] === 1) fields.push({ kind: SAMPLE, sender: j, origin: -1, choices: answerChoices });
          continue;
        }
        if (!protocolSends(game, b, j, honest)) continue;
        if (game.faulty[base + j] && faults === 'crash' && crashes.includes(j)) fields.push({ kind: DELIVER, sender: j, origin: -1, choices: [0, 1] });
        if (game.faulty[base + j] && faults === 'omission') fields.push({ kind: DROP, sender: j, origin: -1, choices: [0, 1] });
        if (delayable) fields.push({ kind: DELAY, sender: j, origin: -1, choices: delays });
      }
      let count = 1;
      for (const f of fields) count *= f.choices.length;
      recipients.push({ recipient: h, fields, count });
    }
    let width = 1;
    for (const m of recipients) width = Math.max(width, m.count);
    return { crashes, recipients, width };
  });
}

/**
 * One uniformly random choice among the moves of slot b, drawn field by field from `rng` (an
 * option's index can pass 2^53 with deep relay chains): what the declaration checks play
 * (symmetry.ts, visibleOrigins.ts).
 */
export function randomChoice(game: GameBatch, b: number, honest: HonestActions, byzantineTags: readonly number[] | undefined, rng: Uint32Array): ScriptRound {
  const moves = generateMoves(game, b, honest, byzantineTags);
  const move = moves[nextInt(rng, 0, moves.length)]!;
  const choice: ScriptRound = move.crashes.length ? { crashes: [...move.crashes] } : {};
  for (const m of move.recipients)
    for (const field of m.fields) describeOption(game.chains, { recipient: m.recipient, fields: [field], count: field.choices.length }, nextInt(rng, 0, field.choices.length), choice);
  return choice;
}

/** Writes the global choice into slot b. */
export function writeGlobal(game: GameBatch, b: number, move: GlobalMove, out: AdversaryActions): void {
  for (const i of move.crashes) out.crash[b * game.n + i] = 1;
}

/** Writes option `option` of recipient moves `m` into slot b (mixed radix, first field fastest). */
export function writeOption(game: GameBatch, b: number, m: RecipientMoves, option: number, out: AdversaryActions): void {
  const n = game.n;
  const h = m.recipient;
  let rest = option;
  for (const field of m.fields) {
    const len = field.choices.length;
    const c = field.choices[rest % len]!;
    rest = Math.floor(rest / len);
    const pair = (b * n + field.sender) * n + h;
    switch (field.kind) {
      case MSG:
        if (c >= 0) {
          out.message[pair] = c >> 8;
          out.tag[pair] = c & 255;
        }
        break;
      case RELAY:
        out.relay[pair * game.chainSlots + field.origin] = c;
        break;
      case DELAY:
        out.delay[pair] = c;
        break;
      case DELIVER:
        out.crashDeliver[pair] = c;
        break;
      case DROP:
        out.drop[pair] = c;
        break;
      case SAMPLE:
        out.sampleAnswer[pair] = c;
        break;
    }
  }
}

/** Adds option `option` of recipient moves `m` to a script round (sparse, JSON-friendly). */
export function describeOption(chains: RelayChains | undefined, m: RecipientMoves, option: number, into: ScriptRound): void {
  const h = m.recipient;
  let rest = option;
  for (const field of m.fields) {
    const len = field.choices.length;
    const c = field.choices[rest % len]!;
    rest = Math.floor(rest / len);
    switch (field.kind) {
      case MSG:
        if (c >= 0) (into.messages ??= []).push([field.sender, h, c >> 8, c & 255]);
        break;
      case RELAY:
        if (c < 0) break;
        if (chains === undefined || chains.length[field.origin] === 1) (into.relays ??= []).push([field.sender, h, field.origin, c]);
        else {
          const [origin, ...via] = chains.agents(field.origin);
          (into.relays ??= []).push([field.sender, h, origin!, c, via]);
        }
        break;
      case DELAY:
        if (c > 0) (into.delays ??= []).push([field.sender, h, c]);
        break;
      case DELIVER:
        if (c === 1) (into.crashDeliver ??= []).push([field.sender, h]);
        break;
      case DROP:
        if (c === 1) (into.drops ??= []).push([field.sender, h]);
        break;
      case SAMPLE:
        if (c !== NO_ANSWER) (into.sampleAnswers ??= []).push([field.sender, h, c]);
        break;
    }
  }
}

/**
 * Every combination that picks one entry of each list, the first list varying fastest (the order
 * the searches solve and report children in). One empty combination for no lists.
 */
export function combinations<T>(lists: readonly (readonly T[])[]): T[][] {
  const out: T[][] = [];
  const index = new Array<number>(lists.length).fill(0);
  for (;;) {
    out.push(lists.map((list, k) => list[index[k]!]!));
    let k = 0;
    while (k < index.length && ++index[k]! === lists[k]!.length) index[k++] = 0;
    if (k === index.length) return out;
  }
}
