/**
 * `extract`: a protocol — typically a learned policy played greedily — as a readable decision
 * table over the observations it actually reaches, and a one-line rule per round ("round 1: send
 * own input; round 2: commit the majority of own and received"), so a researcher can read what was
 * learned before the verifier judges it.
 *
 * It plays episodes in the engine, records for every honest agent that acts the observation the
 * policy sees (`Observer.describe`; for a learned policy, through its own views and history window)
 * and the primitive action taken, and counts distinct (round, observation, action) rows. Each
 * round's rule is the candidate rule that explains most of that round's decisions, with the share
 * it explains; a share below 100% says the table is richer than the rule. A round that no candidate
 * explains at all (an interactive-consistency vector commit, say) has no rule: a rule that explains
 * 0% of the decisions would only mislead.
 */
import { AdversaryActions, HonestActions } from '../game/actions.js';
import { GameBatch } from '../game/GameBatch.js';
import { Observer } from '../game/observation.js';
import type { Scenario } from '../game/scenario.js';
import type { Adversary, HonestProtocol } from '../game/strategy.js';
import { NeuralProtocol, observerOptions } from '../policy/NeuralProtocol.js';

export interface ExtractOptions {
  scenario: Scenario;
  honest: HonestProtocol;
  adversary: Adversary;
  episodes?: number;
  seed?: number;
}

export interface DecisionRow {
  round: number;
  /** The observation as the policy sees it (`Observer.describe`). */
  observation: string;
  /** The primitive action taken: `send 1`, `commit 0`, `wait`, `relay`, `sample`, `prefer 1`, joined with ` + `. */
  action: string;
  count: number;
}

export interface RoundRule {
  round: number;
  rule: string;
  /** Share of the round's decisions the rule explains (more than 0: rounds no rule explains have none). */
  share: number;
  decisions: number;
}

export interface DecisionTable {
  scenario: string;
  honest: string;
  adversary: string;
  episodes: number;
  rows: DecisionRow[];
  /** One per round that some candidate rule explains in part, by round. */
  rules: RoundRule[];
}

/** A candidate rule: the action it predicts for agent i of episode b this round, as `describeAction` writes it. */
interface Rule {
  name: string;
  predict(game: GameBatch, b: number, i: number): string;
}

const RULES: readonly Rule[] = [
  { name: 'wait', predict: () => 'wait' },
  { name: 'sample', predict: () => 'sample' },
  { name: 'relay what arrived', predict: () => 'relay' },
  { name: 'send own input', predict: (g, b, i) => `send ${g.input[b * g.n + i]}` },
  { name: 'commit own input', predict: (g, b, i) => `commit ${g.input[b * g.n + i]}` },
  { name: 'commit the majority of own and received (ties → 0)', predict: (g, b, i) => `commit ${majorityOfOwnAndReceived(g, b, i)}` },
  { name: 'commit the own preference', predict: (g, b, i) => `commit ${g.preference[b * g.n + i]}` },
  ...[0, 1, 2, 3].flatMap((v) => [
    { name: `send ${v}`, predict: () => `send ${v}` },
    { name: `commit ${v}`, predict: () => `commit ${v}` },
  ]),
];

function majorityOfOwnAndReceived(game: GameBatch, b: number, i: number): number {
  const counts = [0, 0, 0, 0];
  counts[game.input[b * game.n + i]!]! += 1;
  for (let j = 0; j < game.n; j++) {
    if (j === i) continue;
    const v = game.lastReceived(b, i, j);
    if (v >= 0) counts[v]! += 1;
  }
  let best = 0;
  for (let v = 1; v < game.values; v++) if (counts[v]! > counts[best]!) best = v;
  return best;
}

/**
 * The observer whose rows the protocol decides on: a learned policy's own (its history window and
 * its message and sample views, which can tell apart rows that §7's observation merges), else §7's.
 */
function observerFor(scenario: Scenario, honest: HonestProtocol): Observer {
  return honest instanceof NeuralProtocol ? new Observer(scenario, observerOptions(honest.network.spec)) : new Observer(scenario);
}

/** Every frame of a row, newest first (`t-0: … t-1: …` with a history window). */
function describeRow(observer: Observer, row: Float32Array): string {
  return Array.from({ length: observer.history }, (_, frame) => observer.describe(row, frame)).join(' ');
}

/** The primitive action of agent row `a` in words (the table's action column). */
export function describeAction(game: GameBatch, out: HonestActions, a: number): string {
  const parts: string[] = [];
  const n = game.n;
  if (out.message[a]! >= 0) parts.push(`send ${out.message[a]}`);
  if (out.relay.length > 0 && out.relay[a] === 1) parts.push('relay');
  if (out.query.length > 0 && out.query[a] === 1) parts.push('sample');
  if (out.preference[a]! >= 0) parts.push(`prefer ${out.preference[a]}`);
  if (out.decision[a]! >= 0) parts.push(game.hasVector ? `commit [${Array.from(out.decisionVector.subarray(a * n, a * n + n)).join(' ')}]` : `commit ${out.decision[a]}`);
  return parts.length ? parts.join(' + ') : 'wait';
}

export function extractDecisionTable(options: ExtractOptions): DecisionTable {
  const { scenario, honest, adversary } = options;
  const episodes = options.episodes ?? 2000;
  const size = Math.min(episodes, 1024);
  const { n } = scenario;
  const game = new GameBatch(scenario, { size, seed: options.seed ?? 0, memorySlots: honest.memorySlots });
  const observer = observerFor(scenario, honest);
  const rows = new Float32Array(size * n * observer.size);
  const honestActions = new HonestActions(size, n, scenario);
  const adversaryActions = new AdversaryActions(size, n, scenario);
  const table = new Map<string, DecisionRow>();
  // Per round: decisions seen, and how many each rule explains.
  const decisions = new Map<number, number>();
  const explained = new Map<number, number[]>();

  for (let first = 0; first < episodes; first += size) {
    game.reset(first);
    while (!game.allDone) {
      observer.observe(game, rows);
      honestActions.clear();
      honest.act(game, honestActions);
      const round = game.round;
      for (let b = 0; b < Math.min(size, episodes - first); b++) {
        for (let i = 0; i < n; i++) {
          const a = b * n + i;
          if (!game.needsAction(b, i) || game.faulty[a] === 1) continue;
          const action = describeAction(game, honestActions, a);
          const observation = describeRow(observer, rows.subarray(a * observer.size, (a + 1) * observer.size));
          const key = `${round}|${observation}|${action}`;
          const row = table.get(key) ?? { round, observation, action, count: 0 };
          row.count += 1;
          table.set(key, row);
          decisions.set(round, (decisions.get(round) ?? 0) + 1);
          const hits = explained.get(round) ?? new Array<number>(RULES.length).fill(0);
          RULES.forEach((rule, k) => {
            if (rule.predict(game, b, i) === action) hits[k]! += 1;
          });
          explained.set(round, hits);
        }
      }
      adversaryActions.clear();
      adversary.act(game, honestActions, adversaryActions);
      game.step(honestActions, adversaryActions);
    }
  }

  const rules: RoundRule[] = [...decisions.keys()]
    .sort((x, y) => x - y)
    .map((round) => {
      const hits = explained.get(round)!;
      let best = 0;
      hits.forEach((h, k) => {
        if (h > hits[best]!) best = k;
      });
      const total = decisions.get(round)!;
      return { round, rule: RULES[best]!.name, share: hits[best]! / total, decisions: total };
    })
    .filter((rule) => rule.share > 0);
  const sorted = [...table.values()].sort((x, y) => x.round - y.round || y.count - x.count || x.observation.localeCompare(y.observation));
  return { scenario: scenario.name, honest: honest.name, adversary: adversary.name, episodes, rows: sorted, rules };
}

/** The rules, one line per round, then the table (at most `limit` rows per round). */
export function formatDecisionTable(t: DecisionTable, limit = 12): string {
  const lines = [`${t.honest} on ${t.scenario} vs ${t.adversary} · ${t.episodes} episodes`, ''];
  const rounds = [...new Set(t.rows.map((row) => row.round))].sort((x, y) => x - y);
  for (const round of rounds) {
    const r = t.rules.find((rule) => rule.round === round);
    const decisions = t.rows.filter((row) => row.round === round).reduce((sum, row) => sum + row.count, 0);
    lines.push(r ? `round ${round}: ${r.rule} (${(100 * r.share).toFixed(1)}% of ${r.decisions} decisions)` : `round ${round}: no candidate rule explains any of its ${decisions} decisions (see its table below)`);
  }
  lines.push('');
  for (const round of rounds) {
    const rows = t.rows.filter((row) => row.round === round);
    lines.push(`round ${round} — ${rows.length} distinct (observation, action) pairs${rows.length > limit ? `, the ${limit} most frequent` : ''}:`);
    for (const row of rows.slice(0, limit)) lines.push(`  ${String(row.count).padStart(7)}  ${row.action.padEnd(12)}  ${row.observation}`);
  }
  return lines.join('\n') + '\n';
}
