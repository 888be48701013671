// What an agent sees is defined once (src/game/view.ts); these tests keep the definition complete.
import { describe, expect, it } from 'vitest';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { EPISODE_FIELDS, FIELD_NAMES, visitView } from '../../src/game/view.js';

describe('view.ts', () => {
  it.each(['ba-n4-f1', 'slush-n5', 'ic-n4-f1'])('classifies every per-episode array of the engine (%s)', (preset) => {
    // A new state array must be classified (seen by its owner, derived, or hidden), or the memo key,
    // the conformance check and the episode events cannot know whether to read it.
    const size = 7; // no per-batch scratch array has a length that is a multiple of 7 here (n ≤ 5)
    const game = new GameBatch(loadScenario(preset), { size, memorySlots: 2 });
    const perEpisode = Object.entries(game)
      .filter(([, x]) => ArrayBuffer.isView(x) && (x as Uint8Array).length % size === 0)
      .map(([name]) => name)
      .sort();
    expect(perEpisode).toEqual(Object.keys(EPISODE_FIELDS).sort());
  });

  it('visits only cells of the agent itself and envelopes addressed to it', () => {
    const scenario = loadScenario('ba-n4-f1');
    const game = new GameBatch(scenario, { size: 2 });
    game.reset();
    game.round = 3;
    const n = scenario.n, R = scenario.maxRounds;
    const visited: Array<[string, number]> = [];
    visitView(game, 1, 2, { cell: (field, index) => visited.push([FIELD_NAMES[field]!, index]) }, true);
    for (const [name, index] of visited) {
      if (name === 'msgArrival' || name === 'msgValue' || name === 'msgTag') {
        expect(index % n, `${name}[${index}] is addressed to agent 2`).toBe(2);
        expect(Math.floor(index / (R * n * n)), `${name}[${index}] is in slot 1`).toBe(1);
      } else if (name === 'relayValue') expect(Math.floor(index / n) % n).toBe(2);
      else if (name === 'lastValue' || name === 'lastSentRound') expect(Math.floor(index / n)).toBe(1 * n + 2);
      else expect(index, name).toBe(1 * n + 2);
    }
    expect(new Set(visited.map(([name]) => name))).toEqual(new Set(['input', 'preference', 'decisionRound', 'decision', 'signed', 'crashedAt', 'msgArrival', 'firstArrival', 'lastValue', 'lastSentRound']));
  });
});
