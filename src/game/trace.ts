/**
 * A text rendering of one episode of a GameBatch: the inputs, a round-by-round table of who sent
 * what to whom, who decided what, and the verdict. It reads only the engine's recorded history, so
 * it renders any episode — one played by `play`, a hand-made one, or a verifier's counterexample.
 *
 * Notation (also printed as a legend under the table):
 * - `1→all`: value 1 to every other agent; `0→1,3`: value 0 to agents 1 and 3; `1#2→all`: with protocol tag 2;
 * - `@4`: arrives at the start of round 4 (only shown where timing is not sync); `@never`: after the horizon;
 * - `[0:1 3:0]→2`: a relay to agent 2 saying "0 told me 1, 3 told me 0";
 * - `sample 2=1 4=-`: the agent queried 2 (answered 1) and 4 (no answer, crashed);
 * - `*`: chosen by the adversary (Byzantine messages, relays and answers, delays, crashes).
 */
import { SILENT } from './actions.js';
import type { GameBatch } from './GameBatch.js';
import { judgeEpisode } from './judge.js';
import type { Scenario } from './scenario.js';

export interface TraceOptions {
  /** A first line naming the run, e.g. `majority vs equivocate · seed 0 · episode 3`. */
  title?: string;
  /** Prefix adversary-chosen entries with `*` (default true). */
  markAdversary?: boolean;
  /** Print the notation legend under the table (default true). */
  legend?: boolean;
}

/** One line naming every assumption of a scenario. */
export function describeScenario(s: Scenario): string {
  const parts = [`n=${s.n}`, `f=${s.f}`, s.faults, s.problem, `${s.values} values`];
  if (s.inputs !== 'uniform') parts.push(`inputs split ${s.inputs.split.join('/')}`);
  parts.push(s.timing === 'sync' ? 'sync' : `${s.timing} (maxDelay=${s.maxDelay})`, s.identity, `${s.honestActions} actions`);
  if (s.honestActions === 'slush' || s.honestActions === 'sampling') parts.push(`k=${s.sampleSize}`);
  parts.push(`R=${s.maxRounds}`);
  if (s.afterCommit === 'continue') parts.push('continue after commit');
  return `${s.name}: ${parts.join(', ')}`;
}

/** Renders episode slot b of `game` (finished or not: rounds not yet played are left out). */
export function renderTrace(game: GameBatch, b: number, options: TraceOptions = {}): string {
  if (!(Number.isInteger(b) && b >= 0 && b < game.size)) throw new RangeError(`renderTrace: episode slot ${b} is not in 0..${game.size - 1}`);
  const mark = options.markAdversary ?? true;
  const view = new EpisodeView(game, b, mark);
  const lines: string[] = [];
  if (options.title) lines.push(options.title);
  lines.push(`scenario ${describeScenario(game.scenario)}`);
  const gst = game.scenario.timing === 'partial-sync' ? ` · GST=${game.gst[b]}` : '';
  lines.push(`episode ${game.episodeIndex[b]} of seed ${game.seed}${gst}`, '');
  lines.push(...formatTable(view.agentTable(), { header: false }), '');
  lines.push(...formatTable(view.roundTable(), { header: true }), '');
  lines.push(view.verdict());
  if (options.legend ?? true) lines.push(...view.legend());
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- internals

class EpisodeView {
  private readonly n: number;
  private readonly base: number;
  private readonly roundsShown: number;
  private readonly byzantine: boolean;
  private readonly timed: boolean;

  constructor(private readonly game: GameBatch, private readonly b: number, private readonly mark: boolean) {
    this.n = game.n;
    this.base = b * game.n;
    const played = game.roundsPlayed[b]!;
    this.roundsShown = played > 0 ? played : Math.min(game.round - 1, game.maxRounds);
    this.byzantine = game.scenario.faults === 'byzantine';
    this.timed = game.scenario.timing !== 'sync';
  }

  private isFaulty(i: number): boolean {
    return this.game.faulty[this.base + i] === 1;
  }

  /** Whether agent i's moves are the adversary's (a Byzantine faulty agent). */
  private isAdversarial(i: number): boolean {
    return this.byzantine && this.isFaulty(i);
  }

  private star(adversarial: boolean): string {
    return this.mark && adversarial ? '*' : '';
  }

  private agentLabel(i: number): string {
    return this.isFaulty(i) ? `${i} faulty` : String(i);
  }

  private decisionText(i: number): string {
    const { game } = this;
    const a = this.base + i;
    if (game.decisionRound[a] === 0) return '-';
    if (!game.hasVector) return String(game.decision[a]);
    const entries: number[] = [];
    for (let j = 0; j < this.n; j++) entries.push(game.decisionVector[a * this.n + j]!);
    return `[${entries.join(' ')}]`;
  }

  agentTable(): string[][] {
    const { game, n } = this;
    const agents = Array.from({ length: n }, (_, i) => i);
    const rows: string[][] = [['agent', ...agents.map(String)]];
    if (game.f > 0) rows.push(['faulty', ...agents.map((i) => (this.isFaulty(i) ? (this.byzantine ? 'byz' : game.scenario.faults) : ''))]);
    // A Byzantine agent's input plays no part in the game: shown in parentheses.
    rows.push(['input', ...agents.map((i) => (this.isAdversarial(i) ? `(${game.input[this.base + i]})` : String(game.input[this.base + i])))]);
    if (game.hasSamples) rows.push(['preference', ...agents.map((i) => (this.isAdversarial(i) ? '' : String(game.preference[this.base + i])))]);
    rows.push(['decided', ...agents.map((i) => this.decisionText(i))]);
    rows.push(['in round', ...agents.map((i) => (game.decisionRound[this.base + i] ? String(game.decisionRound[this.base + i]) : '-'))]);
    if (game.scenario.faults === 'crash')
      rows.push(['crashed in', ...agents.map((i) => (game.crashedAt[this.base + i] ? String(game.crashedAt[this.base + i]) : '-'))]);
    return rows;
  }

  private envelope(s: number, sender: number, recipient: number): number {
    const { game, n } = this;
    return ((this.b * game.maxRounds + s - 1) * n + sender) * n + recipient;
  }

  /** `@a` for an arrival round where timing is not sync; `*` when the adversary delayed it. */
  private arrivalText(s: number, arrival: number): string {
    if (!this.timed) return '';
    const when = arrival > this.game.maxRounds ? 'never' : String(arrival);
    return `@${when}${this.star(arrival > s + 1)}`;
  }

  /** Groups recipients by the text they received: `0→1,3 1→2`, or `1→all` when everyone got the same. */
  private grouped(i: number, received: (j: number) => string | undefined): string {
    const groups = new Map<string, number[]>();
    for (let j = 0; j < this.n; j++) {
      if (j === i) continue;
      const text = received(j);
      if (text === undefined) continue;
      const list = groups.get(text) ?? [];
      list.push(j);
      groups.set(text, list);
    }
    const parts: string[] = [];
    for (const [text, recipients] of groups) {
      const at = text.indexOf('@');
      const [what, when] = at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at)];
      const who = recipients.length === this.n - 1 ? 'all' : recipients.join(',');
      parts.push(`${what}→${who}${when}`);
    }
    return parts.join(' ');
  }

  private sentText(s: number, i: number): string {
    const { game } = this;
    const adversarial = this.isAdversarial(i);
    return this.grouped(i, (j) => {
      const e = this.envelope(s, i, j);
      const arrival = game.msgArrival[e]!;
      const v = game.msgValue[e]!;
      if (arrival === 0 || v === SILENT) return undefined;
      const tag = game.msgTag[e]! ? `#${game.msgTag[e]}` : '';
      return `${this.star(adversarial)}${v}${tag}${this.arrivalText(s, arrival)}`;
    });
  }

  private relayText(s: number, i: number): string {
    const { game, n } = this;
    if (!game.hasRelays) return '';
    const adversarial = this.isAdversarial(i);
    return this.grouped(i, (j) => {
      const e = this.envelope(s, i, j);
      const arrival = game.msgArrival[e]!;
      if (arrival === 0) return undefined;
      const claims: string[] = [];
      for (let o = 0; o < n; o++) {
        const v = game.relayValue[e * n + o]!;
        if (v !== SILENT) claims.push(`${o}:${v}`);
      }
      // An envelope with neither a direct value nor a claim is an empty relay; one with only a value is no relay.
      if (claims.length === 0 && game.msgValue[e] !== SILENT) return undefined;
      return `${this.star(adversarial)}[${claims.join(' ')}]${this.arrivalText(s, arrival)}`;
    });
  }

  private sampleText(s: number, i: number): string {
    const { game, n } = this;
    if (!game.hasSamples || !game.sampled(this.b, i, s)) return '';
    const k = game.sampleSize;
    const first = ((this.b * game.maxRounds + s - 1) * n + i) * k;
    const answers: string[] = [];
    for (let t = 0; t < k; t++) {
      const who = game.sampleWho[first + t]!;
      const answer = game.sampleAnswer[first + t]!;
      answers.push(`${who}=${this.star(this.isAdversarial(who))}${answer < 0 ? '-' : answer}`);
    }
    return `sample ${answers.join(' ')}`;
  }

  roundTable(): string[][] {
    const { game, n } = this;
    const columns = ['round', 'agent', 'sent'];
    if (game.hasRelays) columns.push('relayed');
    if (game.hasSamples) columns.push('sampled');
    columns.push('decided');
    const rows: string[][] = [columns];
    for (let s = 1; s <= this.roundsShown; s++) {
      let first = true;
      for (let i = 0; i < n; i++) {
        const a = this.base + i;
        // A crash shows where it happens: after the last sends, some of which it may have cut.
        const crash = game.crashedAt[a] === s ? `${this.star(true)}crashed` : '';
        const row = [first ? String(s) : '', this.agentLabel(i), [this.sentText(s, i), crash].filter(Boolean).join(' ')];
        if (game.hasRelays) row.push(this.relayText(s, i));
        if (game.hasSamples) row.push(this.sampleText(s, i));
        row.push(game.decisionRound[a] === s ? this.decisionText(i) : '');
        if (row.slice(2).every((cell) => cell === '')) continue;
        rows.push(row);
        first = false;
      }
      if (first) rows.push([String(s), '', '(nothing sent or decided)']);
    }
    return rows;
  }

  verdict(): string {
    const { game, b } = this;
    const outcome = judgeEpisode(game, b);
    const rounds = `${this.roundsShown} round${this.roundsShown === 1 ? '' : 's'}, ${game.messageCount[b]} messages`;
    const majority = game.scenario.problem === 'agreement' ? `; majority-correct: ${outcome.majorityCorrect ? 'yes' : 'no'}` : '';
    if (outcome.win) return `verdict: honest win (${rounds}${majority})`;
    const broken: string[] = [];
    if (!outcome.consistent) broken.push('consistency');
    if (!outcome.valid) broken.push('validity');
    if (!outcome.terminated) broken.push('termination');
    return `verdict: adversary wins — ${broken.join(', ')} violated (${rounds}${majority})`;
  }

  legend(): string[] {
    const lines = ['legend: v→all value v to every other agent; v→1,3 to agents 1 and 3; v#t with protocol tag t'];
    if (this.timed) lines.push('        @a arrives at the start of round a (@never: after the horizon)');
    if (this.game.hasRelays) lines.push('        [o:v]→j relay to j: "o told me v"');
    if (this.game.hasSamples) lines.push('        sample j=v agent j answered v (- no answer)');
    if (this.mark && (this.game.f > 0 || this.timed)) lines.push('        * chosen by the adversary');
    return lines;
  }
}

/** Left-aligned columns separated by two spaces; with a header, a dashed rule under it. */
function formatTable(rows: readonly string[][], { header }: { header: boolean }): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, cell.length)));
  const line = (row: readonly string[]) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  const out = rows.map(line);
  if (header && rows.length > 0) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return out;
}
