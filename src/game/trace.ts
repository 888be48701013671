/**
 * A text rendering of one episode of a GameBatch: the inputs, a round-by-round table of who sent
 * what to whom, who decided what, and the verdict. It renders the engine's recorded history as read
 * by `episodeEvents` (the reading the sequence chart draws too), so it renders any episode — one
 * played by `play`, a hand-made one, or a verifier's counterexample.
 *
 * Notation (also printed as a legend under the table):
 * - `1→all`: value 1 to every other agent; `0→1,3`: value 0 to agents 1 and 3; `1#2→all`: with protocol tag 2;
 * - `@4`: arrives at the start of round 4 (only shown where timing is not sync); `@never`: after the horizon;
 * - `[0:1 3:0]→2`: a relay to agent 2 saying "0 told me 1, 3 told me 0";
 * - `sample 2=1 4=-`: the agent queried 2 (answered 1) and 4 (no answer, crashed);
 * - `*`: chosen by the adversary (Byzantine messages, relays and answers, delays, crashes).
 */
import { usesRelays, usesSamples } from './actions.js';
import { claimLabel, episodeEvents, type EpisodeEvents, type MessageEvent, type SampleEvent } from './episodeEvents.js';
import type { GameBatch } from './GameBatch.js';
import { relayDepthOf, type Scenario } from './scenario.js';

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
  if (s.honestActions === 'relay' && relayDepthOf(s) > 2) parts.push(`chains of ≤ ${relayDepthOf(s)} signatures`);
  parts.push(`R=${s.maxRounds}`);
  if (s.afterCommit === 'continue') parts.push('continue after commit');
  return `${s.name}: ${parts.join(', ')}`;
}

/** Renders episode slot b of `game` (finished or not: rounds not yet played are left out). */
export function renderTrace(game: GameBatch, b: number, options: TraceOptions = {}): string {
  if (!(Number.isInteger(b) && b >= 0 && b < game.size)) throw new RangeError(`renderTrace: episode slot ${b} is not in 0..${game.size - 1}`);
  const events = episodeEvents(game, b);
  const mark = options.markAdversary ?? true;
  const star = (adversarial: boolean): string => (mark && adversarial ? '*' : '');
  const lines: string[] = [];
  if (options.title) lines.push(options.title);
  lines.push(`scenario ${describeScenario(events.scenario)}`);
  const gst = events.gst !== null ? ` · GST=${events.gst}` : '';
  lines.push(`episode ${events.episode} of seed ${events.seed}${gst}`, '');
  lines.push(...formatTable(agentTable(events), { header: false }), '');
  lines.push(...formatTable(roundTable(events, star), { header: true }), '');
  lines.push(verdictLine(events));
  if (options.legend ?? true) lines.push(...legend(events, mark));
  return lines.join('\n') + '\n';
}

/** The verdict, e.g. `verdict: honest win (2 rounds, 6 messages; majority-correct: yes)` (also the chart's caption). */
export function verdictLine(events: EpisodeEvents): string {
  const { outcome, rounds } = events;
  const counts = `${rounds} round${rounds === 1 ? '' : 's'}, ${events.messageCount} messages`;
  const majority = events.scenario.problem === 'agreement' ? `; majority-correct: ${outcome.majorityCorrect ? 'yes' : 'no'}` : '';
  if (outcome.win) return `verdict: honest win (${counts}${majority})`;
  const broken: string[] = [];
  if (!outcome.consistent) broken.push('consistency');
  if (!outcome.valid) broken.push('validity');
  if (!outcome.terminated) broken.push('termination');
  return `verdict: adversary wins — ${broken.join(', ')} violated (${counts}${majority})`;
}

// ---------------------------------------------------------------- internals

/** `*` before an adversary-chosen entry, or '' (also '' when marks are off). */
type Star = (adversarial: boolean) => string;

function agentTable({ scenario, agents }: EpisodeEvents): string[][] {
  const rows: string[][] = [['agent', ...agents.map((a) => String(a.id))]];
  if (scenario.f > 0) rows.push(['faulty', ...agents.map((a) => (a.fault === null ? '' : a.fault === 'byzantine' ? 'byz' : a.fault))]);
  // A Byzantine agent's input plays no part in the game: shown in parentheses.
  rows.push(['input', ...agents.map((a) => (a.fault === 'byzantine' ? `(${a.input})` : String(a.input)))]);
  if (usesSamples(scenario)) rows.push(['preference', ...agents.map((a) => (a.fault === 'byzantine' ? '' : String(a.preference)))]);
  rows.push(['decided', ...agents.map((a) => a.decision ?? '-')]);
  rows.push(['in round', ...agents.map((a) => String(a.decisionRound ?? '-'))]);
  if (scenario.faults === 'crash') rows.push(['crashed in', ...agents.map((a) => String(a.crashedAt ?? '-'))]);
  return rows;
}

function roundTable(events: EpisodeEvents, star: Star): string[][] {
  const { scenario, n, rounds } = events;
  const hasRelays = usesRelays(scenario);
  const hasSamples = usesSamples(scenario);
  // What each agent sent and sampled in each round, at [(round - 1) * n + agent], in recipient / slot order.
  const sent = Array.from({ length: rounds * n }, (): MessageEvent[] => []);
  for (const m of events.messages) sent[(m.sentRound - 1) * n + m.from]!.push(m);
  const sampled = Array.from({ length: rounds * n }, (): SampleEvent[] => []);
  for (const a of events.samples) sampled[(a.round - 1) * n + a.querier]!.push(a);

  const timed = scenario.timing !== 'sync';
  /** `@a` for an arrival round where timing is not sync; `*` when the adversary delayed it. */
  const arrival = (m: MessageEvent): string => (timed ? `@${m.arrivalRound > events.maxRounds ? 'never' : m.arrivalRound}${star(m.delayed)}` : '');
  const values = (ms: MessageEvent[]): string =>
    grouped(n, ms.filter((m) => m.value !== null).map((m) => ({ to: m.to, what: `${star(m.byAdversary)}${m.value}${m.tag ? `#${m.tag}` : ''}`, when: arrival(m) })));
  const relays = (ms: MessageEvent[]): string =>
    grouped(n, ms.filter((m) => m.relay).map((m) => ({ to: m.to, what: `${star(m.byAdversary)}[${m.claims.map(claimLabel).join(' ')}]`, when: arrival(m) })));
  const answers = (as: SampleEvent[]): string =>
    as.length === 0 ? '' : `sample ${as.map((a) => `${a.answerer}=${star(a.byAdversary)}${a.answer ?? '-'}`).join(' ')}`;

  const columns = ['round', 'agent', 'sent'];
  if (hasRelays) columns.push('relayed');
  if (hasSamples) columns.push('sampled');
  columns.push('decided');
  const rows: string[][] = [columns];
  for (let s = 1; s <= rounds; s++) {
    let first = true;
    for (const agent of events.agents) {
      const slot = (s - 1) * n + agent.id;
      // A crash shows where it happens: after the last sends, some of which it may have cut.
      const crash = agent.crashedAt === s ? `${star(true)}crashed` : '';
      const row = [first ? String(s) : '', agent.fault === null ? String(agent.id) : `${agent.id} faulty`, [values(sent[slot]!), crash].filter(Boolean).join(' ')];
      if (hasRelays) row.push(relays(sent[slot]!));
      if (hasSamples) row.push(answers(sampled[slot]!));
      row.push(agent.decisionRound === s ? agent.decision! : '');
      if (row.slice(2).every((cell) => cell === '')) continue;
      rows.push(row);
      first = false;
    }
    if (first) rows.push([String(s), '', '(nothing sent or decided)']);
  }
  return rows;
}

/** Groups recipients by what they received: `0→1,3 1→2@4`, or `1→all` when every other agent got the same. */
function grouped(n: number, received: ReadonlyArray<{ to: number; what: string; when: string }>): string {
  const groups = new Map<string, { what: string; when: string; recipients: number[] }>();
  for (const { to, what, when } of received) {
    const key = what + when; // unambiguous: `what` never holds an `@`, `when` is empty or starts with one
    const group = groups.get(key) ?? { what, when, recipients: [] };
    group.recipients.push(to);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ what, when, recipients }) => `${what}→${recipients.length === n - 1 ? 'all' : recipients.join(',')}${when}`).join(' ');
}

function legend({ scenario }: EpisodeEvents, mark: boolean): string[] {
  const timed = scenario.timing !== 'sync';
  const lines = ['legend: v→all value v to every other agent; v→1,3 to agents 1 and 3; v#t with protocol tag t'];
  if (timed) lines.push('        @a arrives at the start of round a (@never: after the horizon)');
  if (usesRelays(scenario)) lines.push('        [o:v]→j relay to j: "o told me v"');
  if (usesRelays(scenario) && relayDepthOf(scenario) > 2) lines.push('        [o>h:v]→j relay of a chain to j: "h told me that o told it v"');
  if (usesSamples(scenario)) lines.push('        sample j=v agent j answered v (- no answer)');
  if (mark && (scenario.f > 0 || timed)) lines.push('        * chosen by the adversary');
  return lines;
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
