// The message-sequence chart: one arrow per message the engine counted, decisions as marks, the
// trace's verdict as caption, on a scripted episode and on replayed episodes of each kind of history.
import { describe, expect, it } from 'vitest';
import { episodeEvents } from '../../src/game/episodeEvents.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { renderTrace, verdictLine } from '../../src/game/trace.js';
import { playEpisode } from '../../src/play/play.js';
import { scriptedEquivocation } from '../game/helpers.js';
import { renderSequenceChart } from '../../src/report/sequenceChart.js';
import { boxesOverlap, expectWellFormedSvg, strokePoints, svgTexts, textBoxes } from './svg.js';

/** Arrows of any kind (message, relay, sample answer). */
const arrows = (svg: string) => [...svg.matchAll(/<g class="arrow (message|relay|sample)"/g)].map((m) => m[1]!);

describe('sequence chart of a scripted equivocation', () => {
  // n=3, agent 2 Byzantine tells agent 0 "0" and agent 1 "1"; the honest split (as in trace.test.ts).
  const { game, honest, round } = scriptedEquivocation();
  round(() => {
    honest.decision[0] = 0;
    honest.decision[1] = 1;
  });
  const svg = renderSequenceChart(game, 0, { title: 'scripted <equivocation> & split' });

  it('draws one arrow per message, the adversary\'s in red, each from sender to recipient', () => {
    expectWellFormedSvg(svg);
    expect(game.messageCount[0]).toBe(6);
    expect(arrows(svg)).toEqual(Array(6).fill('message'));
    const ends = [...svg.matchAll(/data-from="(\d)" data-to="(\d)" data-sent="(\d)" data-arrival="(\d)"/g)].map((m) => m.slice(1).join(''));
    expect(ends.sort()).toEqual(['0112', '0212', '1012', '1212', '2012', '2112']);
    // The two Byzantine arrows use the adversary's arrowhead; the four honest ones the honest one.
    expect([...svg.matchAll(/marker-end="url\(#head-adversary\)"/g)].length).toBe(2 + 1); // + its legend entry
    expect([...svg.matchAll(/marker-end="url\(#head-honest\)"/g)].length).toBe(4 + 1);
  });

  it('marks the decisions and the faulty lifeline, and captions the verdict of the trace', () => {
    const decisions = [...svg.matchAll(/<g class="decision" data-agent="(\d)" data-round="(\d)">/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(decisions).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const texts = svgTexts(svg);
    expect(texts).toContain('decides 0');
    expect(texts).toContain('decides 1');
    expect(texts).toContain('agent 2 · byz');
    expect(texts).toContain('(input 1)');
    const verdict = renderTrace(game, 0).split('\n').find((line) => line.startsWith('verdict:'))!;
    expect(verdict).toMatch(/adversary wins — consistency violated/);
    expect(texts).toContain(verdict);
    expect(texts).toContain('scripted <equivocation> & split'); // escaped in the file, intact when read
  });
});

describe('sequence chart of replayed episodes', () => {
  const CASES: Array<[string, string, string, number, string[]]> = [
    // scenario, honest, adversary, episode, scenario overrides
    ['byzantine-breaking', 'majority', 'equivocate', 3, []],
    ['ba-n4-f1', 'eig', 'lie-relays', 1, []],
    ['slush-4v1', 'slush', 'silent', 0, []],
    ['async-crash', 'ben-or', 'crash', 2, []],
    ['async-crash', 'ben-or', 'random', 1, []],
    ['partial-sync-crash', 'ben-or', 'crash', 0, ['maxRounds=8']],
    ['ic-n4-f1', 'eig', 'equivocate', 0, []],
  ];

  it.each(CASES)('%s (%s vs %s, episode %d): arrows match the history, decisions match the agents', (name, honest, adversary, episode, set) => {
    const game = playEpisode(loadScenario(name, set), honest, adversary, 0, episode);
    const events = episodeEvents(game, 0);
    const svg = renderSequenceChart(game, 0);

    expectWellFormedSvg(svg);
    const kinds = arrows(svg);
    // One arrow per message the engine counted: an envelope is one, a sample query k answers.
    expect(kinds).toHaveLength(game.messageCount[0]!);
    expect(kinds.filter((k) => k === 'relay')).toHaveLength(events.messages.filter((m) => m.relay).length);
    expect(kinds.filter((k) => k === 'sample')).toHaveLength(events.samples.length);
    const decided = events.agents.filter((a) => a.decisionRound !== null);
    expect([...svg.matchAll(/<g class="decision"/g)]).toHaveLength(decided.length);
    expect([...svg.matchAll(/<g class="crash"/g)]).toHaveLength(events.agents.filter((a) => a.crashedAt !== null).length);
    expect(svgTexts(svg)).toContain(verdictLine(events));
  });
});

describe('sequence chart legibility', () => {
  const CASES: Array<[string, string, string, number, string[]]> = [
    // short synchronous episodes
    ['byzantine-breaking', 'majority', 'equivocate', 3, []],
    ['ba-n4-f1', 'eig', 'lie-relays', 1, []],
    ['ic-n4-f1', 'eig', 'equivocate', 0, []],
    ['slush-4v1', 'slush', 'silent', 0, []],
    // asynchronous ones, where every label carries its arrival round and messages outlive the episode
    ['async-crash', 'ben-or', 'crash', 2, []],
    ['async-crash', 'ben-or', 'random', 7, []],
    ['partial-sync-crash', 'ben-or', 'crash', 0, ['maxRounds=8']],
    // long: 13 rounds and 156 messages; 24 rounds and 155 messages
    ['partial-sync-crash', 'ben-or', 'crash', 7, []],
    ['partial-sync-crash', 'ben-or', 'random', 7, []],
  ];

  it.each(CASES)('%s (%s vs %s, episode %d): no two labels overlap, and no arrow or lifeline crosses the verdict', (name, honest, adversary, episode, set) => {
    const game = playEpisode(loadScenario(name, set), honest, adversary, 0, episode);
    const svg = renderSequenceChart(game, 0, { title: `${honest} vs ${adversary} · seed 0 · episode ${episode}` });

    const boxes = textBoxes(svg);
    const overlapping = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => boxesOverlap(a, b)).map((b) => `"${a.text}" and "${b.text}"`));
    expect(overlapping).toEqual([]);

    const verdict = boxes.find((b) => b.className === 'verdict')!;
    expect(verdict.text).toBe(verdictLine(episodeEvents(game, 0)));
    const through = strokePoints(svg).filter((p) => p.x >= verdict.left - 2 && p.x <= verdict.right + 2 && p.y >= verdict.top - 2 && p.y <= verdict.bottom + 2);
    expect(through).toEqual([]);
    // Everything drawn fits the picture.
    const [, width, height] = svg.match(/<svg[^>]* width="([\d.]+)" height="([\d.]+)"/)!.map(Number);
    for (const box of boxes) expect(box.right, box.text).toBeLessThanOrEqual(width!);
    expect(Math.max(...strokePoints(svg).map((p) => p.y))).toBeLessThan(verdict.top);
    expect(verdict.bottom).toBeLessThan(height!);
  });
});
