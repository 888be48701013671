// The one reading of an episode's recorded history (behind the trace and the sequence chart): exact on a
// scripted episode, finished or not, and on replayed episodes with relays, samples, delays and crashes.
import { describe, expect, it } from 'vitest';
import { episodeEvents } from '../../src/game/episodeEvents.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { renderTrace, verdictLine } from '../../src/game/trace.js';
import { playEpisode } from '../../src/play/play.js';
import { scriptedEquivocation } from './helpers.js';

describe('episodeEvents of a scripted equivocation', () => {
  // Arrange: n=3, agent 2 Byzantine tells agent 0 "0" and agent 1 "1"; the honest split (as in trace.test.ts).
  const { game, honest, round } = scriptedEquivocation();

  it('reads an unfinished episode as far as it has been played', () => {
    const events = episodeEvents(game, 0);
    expect(events.rounds).toBe(1);
    expect(events.messages.map((m) => `${m.from}→${m.to}:${m.value}`)).toEqual(['0→1:0', '0→2:0', '1→0:1', '1→2:1', '2→0:0', '2→1:1']);
    expect(events.agents.every((a) => a.decision === null && a.decisionRound === null)).toBe(true);
  });

  it('reads every envelope, agent and the verdict of the finished episode', () => {
    round(() => {
      honest.decision[0] = 0;
      honest.decision[1] = 1;
    });
    const events = episodeEvents(game, 0);

    expect(events).toMatchObject({ n: 3, seed: 7, episode: 0, rounds: 2, maxRounds: 2, gst: null, messageCount: 6, samples: [] });
    expect(events.agents).toEqual([
      { id: 0, fault: null, input: 0, preference: null, decision: '0', decisionRound: 2, crashedAt: null },
      { id: 1, fault: null, input: 1, preference: null, decision: '1', decisionRound: 2, crashedAt: null },
      { id: 2, fault: 'byzantine', input: 1, preference: null, decision: null, decisionRound: null, crashedAt: null },
    ]);
    expect(events.messages[4]).toEqual({ from: 2, to: 0, sentRound: 1, arrivalRound: 2, value: 0, tag: 0, claims: [], relay: false, byAdversary: true, delayed: false });
    expect(events.messages.filter((m) => m.byAdversary).map((m) => m.from)).toEqual([2, 2]);
    expect(events.outcome).toMatchObject({ win: false, consistent: false });
    // The trace words the verdict once, for itself and for the chart.
    expect(verdictLine(events)).toMatch(/^verdict: adversary wins — consistency violated \(2 rounds, 6 messages; majority-correct: /);
    expect(renderTrace(game, 0).split('\n')).toContain(verdictLine(events));
  });

  it('refuses a slot outside the batch', () => {
    expect(() => episodeEvents(game, 1)).toThrow(RangeError);
  });
});

describe('episodeEvents of replayed episodes', () => {
  it('reads relays, samples, delays and crashes', () => {
    const relays = episodeEvents(playEpisode(loadScenario('ba-n4-f1', []), 'eig', 'lie-relays', 0, 1), 0);
    expect(relays.messages.some((m) => m.relay && m.claims.length > 0)).toBe(true);
    expect(relays.messages.some((m) => m.relay && m.byAdversary)).toBe(true);

    const slush = episodeEvents(playEpisode(loadScenario('slush-4v1', []), 'slush', 'silent', 0, 0), 0);
    expect(slush.samples.length % 3).toBe(0);
    expect(slush.samples.every((s) => s.answer !== null && s.querier !== s.answerer)).toBe(true);
    expect(slush.agents.every((a) => a.preference !== null)).toBe(true);

    // The random adversary delays messages; the crash adversary crashes its agent (episode 2: in round 3).
    const delayed = episodeEvents(playEpisode(loadScenario('async-crash', []), 'ben-or', 'random', 0, 1), 0);
    expect(delayed.messages.some((m) => m.delayed && m.arrivalRound > m.sentRound + 1)).toBe(true);
    expect(delayed.messages.filter((m) => m.delayed).every((m) => !m.byAdversary)).toBe(true); // crash faults: the adversary only delays and crashes
    const crashed = episodeEvents(playEpisode(loadScenario('async-crash', []), 'ben-or', 'crash', 0, 2), 0);
    expect(crashed.agents.filter((a) => a.crashedAt !== null).map((a) => a.fault)).toEqual(['crash']);
  });
});
