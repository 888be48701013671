// The `summary` sample view (GAME.md §10.16): per other agent, its input if the agent's round-1
// sample heard it, whether it answered that input again in round 2, its latest answer, and that
// answer where it differs from the round-2 one.
import { describe, expect, it } from 'vitest';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer } from '../../src/game/observation.js';
import { parseTrainConfig, resolveTrainConfig } from '../../src/train/config.js';
import { handMade } from './helpers.js';

function describeAgent(observer: Observer, game: GameBatch, i: number): string {
  const rows = new Float32Array(game.size * game.n * observer.size);
  observer.observe(game, rows);
  return observer.describe(rows.subarray(i * observer.size, (i + 1) * observer.size));
}

describe('sample view summary', () => {
  it('slush-3v2: four per-other slices in place of the record, 69 numbers a row', () => {
    const observer = new Observer(loadScenario('slush-3v2'), { sampleView: 'summary' });
    expect(observer.slices.map((s) => [s.name, s.groups, s.width])).toEqual([
      ['ownInput', 1, 2], ['ownPreference', 1, 2], ['decided', 1, 1], ['round', 1, 10], ['received', 4, 3], ['sampleCounts', 1, 2],
      ['sampleInput', 4, 3], ['sampleKept', 4, 2], ['sampleLast', 4, 3], ['sampleMoved', 4, 2],
    ]);
    expect(observer.size).toBe(69);
    expect(observer.slice('sampleRecord')).toBeUndefined();
    for (const name of ['sampleInput', 'sampleKept', 'sampleLast', 'sampleMoved'] as const) expect(observer.slice(name)?.others).toBe('other');
  });

  it('reads who answered what off a hand-made episode', () => {
    // The sampling space: queries and preferences are scripted, and k = n−1 asks everyone.
    const e = handMade({ n: 4, f: 0, honestActions: 'sampling', sampleSize: 3, maxRounds: 5 }, { inputs: [0, 1, 1, 0] });
    const observer = new Observer(e.scenario, { sampleView: 'summary' });
    expect(describeAgent(observer, e.game, 0)).toContain('sampleInput=[+1:unknown +2:unknown +3:unknown] sampleKept=[+1:- +2:- +3:-] sampleLast=[+1:none +2:none +3:none] sampleMoved=[+1:- +2:- +3:-]');
    // Round 1: only agent 0 samples (answers: the inputs 1, 1, 0); agent 1 then prefers 0.
    e.round((h) => {
      h.query[0] = 1;
      h.preference[1] = 0;
    });
    expect(describeAgent(observer, e.game, 0)).toContain('sampleInput=[+1:1 +2:1 +3:0] sampleKept=[+1:- +2:- +3:-] sampleLast=[+1:1 +2:1 +3:0] sampleMoved=[+1:- +2:- +3:-]');
    // Round 2: agents 0 and 3 sample (agent 0 hears 0, 1, 0; agent 3 hears 0, 0, 1); agent 3 then prefers 1.
    e.round((h) => {
      h.query[0] = 1;
      h.query[3] = 1;
      h.preference[3] = 1;
    });
    // Round 3: agents 0 and 3 sample (agent 0 hears 0, 1, 1); agent 2 then prefers 0.
    e.round((h) => {
      h.query[0] = 1;
      h.query[3] = 1;
      h.preference[2] = 0;
    });
    // Agent 1 answered 1, 0, 0: it left its input. Agent 2 answered 1, 1, 1: it kept it. Agent 3
    // answered 0, 0, 1: it kept its input through round 2, then moved to 1.
    expect(describeAgent(observer, e.game, 0)).toContain('sampleInput=[+1:1 +2:1 +3:0] sampleKept=[+1:- +2:{1} +3:{0}] sampleLast=[+1:0 +2:1 +3:1] sampleMoved=[+1:- +2:- +3:{1}]');
    // Round 4: agent 3 samples (it hears 0, 0, 0).
    e.round((h) => {
      h.query[3] = 1;
    });
    // Agent 3 first sampled in round 2: it knows no input. Its others +1, +2, +3 are agents 0, 1, 2;
    // agent 2 answered 1 in rounds 2 and 3, then 0.
    expect(describeAgent(observer, e.game, 3)).toContain('sampleInput=[+1:unknown +2:unknown +3:unknown] sampleKept=[+1:- +2:- +3:-] sampleLast=[+1:0 +2:0 +3:0] sampleMoved=[+1:- +2:- +3:{0}]');
  });

  it('needs an action space with samples; a bad value names the key and the rule', () => {
    expect(() => new Observer(loadScenario('honest-consensus'), { sampleView: 'summary' })).toThrow('sampleView summary: needs the slush or sampling action space (got paper)');
    expect(() => resolveTrainConfig(parseTrainConfig({ scenario: 'pki', observation: { sampleView: 'summary' } }))).toThrow('train: sampleView summary: needs the slush or sampling action space (got relay)');
    expect(() => parseTrainConfig({ scenario: 'slush-3v2', observation: { sampleView: 'sums' } })).toThrow('train: observation.sampleView="sums": must be one of counts, record, summary');
  });
});
