// The trace renderer on hand-made episodes: every choice is scripted, so the expected table is exact.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { parseScenario, type ScenarioInput } from '../../src/game/scenario.js';
import { renderTrace } from '../../src/game/trace.js';

/** A one-episode batch with the given faulty set and inputs, and fresh action buffers. */
function handMade(input: ScenarioInput, faulty: number[], inputs: number[]) {
  const scenario = parseScenario({ name: 'hand-made', ...input });
  const game = new GameBatch(scenario, { size: 1, seed: 7 });
  game.reset(0);
  game.setup(0, { faulty, inputs });
  const honest = new HonestActions(1, scenario.n, scenario);
  const adversary = new AdversaryActions(1, scenario.n, scenario);
  /** Plays one round: `script` fills the cleared buffers. */
  const round = (script: (h: HonestActions, a: AdversaryActions) => void) => {
    honest.clear();
    adversary.clear();
    script(honest, adversary);
    game.step(honest, adversary);
  };
  return { game, round };
}

describe('renderTrace', () => {
  it('shows inputs, who sent what to whom, the equivocation, the decisions and the verdict', () => {
    // Arrange: n=3, agent 2 Byzantine; it tells agent 0 "0" and agent 1 "1", so the honest split.
    const { game, round } = handMade({ n: 3, f: 1, honestActions: 'free', maxRounds: 2 }, [2], [0, 1, 1]);
    round((h, a) => {
      h.message[0] = 0;
      h.message[1] = 1;
      a.message[2 * 3 + 0] = 0;
      a.message[2 * 3 + 1] = 1;
    });
    round((h) => {
      h.decision[0] = 0;
      h.decision[1] = 1;
    });

    // Act
    const trace = renderTrace(game, 0, { title: 'scripted', legend: false });

    // Assert
    expect(trace).toBe(
      [
        'scripted',
        'scenario hand-made: n=3, f=1, byzantine, agreement, 2 values, sync, authenticated, free actions, R=2',
        'episode 0 of seed 7',
        '',
        'agent     0  1  2',
        'faulty          byz',
        'input     0  1  (1)',
        'decided   0  1  -',
        'in round  2  2  -',
        '',
        'round  agent     sent       decided',
        '-----  --------  ---------  -------',
        '1      0         0→all',
        '       1         1→all',
        '       2 faulty  *0→0 *1→1',
        '2      0                    0',
        '       1                    1',
        '',
        'verdict: adversary wins — consistency violated (2 rounds, 6 messages; majority-correct: no)',
        '',
      ].join('\n'),
    );
  });

  it('leaves the adversary unmarked when asked, and prints the legend by default', () => {
    const { game, round } = handMade({ n: 3, f: 1, honestActions: 'free', maxRounds: 1 }, [0], [0, 1, 1]);
    round((h, a) => {
      h.message[1] = 1;
      a.message[0 * 3 + 2] = 0;
    });
    expect(renderTrace(game, 0, { markAdversary: false })).not.toContain('*');
    const marked = renderTrace(game, 0);
    expect(marked).toContain('*0→2');
    expect(marked).toContain('legend:');
    expect(marked).toContain('verdict: adversary wins — termination violated');
  });

  it('shows relay bundles, tags and interactive-consistency vectors', () => {
    const { game, round } = handMade({ n: 3, f: 0, problem: 'interactive-consistency', honestActions: 'relay', maxRounds: 2 }, [], [1, 0, 1]);
    round((h) => {
      for (let i = 0; i < 3; i++) {
        h.message[i] = [1, 0, 1][i]!;
        h.tag[i] = 2;
      }
    });
    round((h) => {
      h.relay[0] = 1;
      for (let i = 0; i < 3; i++) {
        h.decision[i] = 0;
        for (let j = 0; j < 3; j++) h.decisionVector[i * 3 + j] = [1, 0, 1][j]!;
      }
    });
    const trace = renderTrace(game, 0);
    expect(trace).toContain('1#2→all');
    expect(trace).toContain('[1:0 2:1]→all'); // agent 0 relays what 1 and 2 told it
    expect(trace).toContain('[1 0 1]');
    expect(trace).toContain('verdict: honest win');
  });

  it('shows arrival rounds and adversary delays where timing is not sync, and crashes', () => {
    const { game, round } = handMade({ n: 3, f: 1, faults: 'crash', timing: 'async', maxDelay: 2, honestActions: 'free', maxRounds: 4 }, [2], [0, 0, 1]);
    round((h, a) => {
      for (let i = 0; i < 3; i++) h.message[i] = [0, 0, 1][i]!;
      a.crash[2] = 1;
      a.crashDeliver[2 * 3 + 0] = 1; // agent 2's last message reaches only agent 0 ...
      a.delay[2 * 3 + 0] = 2; // ... two rounds late
    });
    round((h) => {
      h.decision[0] = 0;
      h.decision[1] = 0;
    });
    const trace = renderTrace(game, 0);
    expect(trace).toContain('0→all@2');
    expect(trace).toContain('1→0@4* *crashed');
    expect(trace).toMatch(/crashed in\s+-\s+-\s+1/);
    expect(trace).toContain('verdict: honest win (2 rounds');
  });

  it('shows sample queries with their answers, the Byzantine ones marked', () => {
    const { game, round } = handMade({ n: 4, f: 1, honestActions: 'sampling', sampleSize: 3, maxRounds: 1 }, [3], [1, 1, 1, 0]);
    round((h, a) => {
      h.query[0] = 1;
      a.sampleAnswer[3 * 4 + 0] = 0;
      h.decision[1] = 1;
    });
    const trace = renderTrace(game, 0);
    expect(trace).toMatch(/sample (\d=\*?\d ?){3}/);
    expect(trace).toContain('3=*0');
    expect(trace).toContain('sampled');
    expect(trace).toMatch(/preference\s+1\s+1\s+1/);
  });

  it('rejects a slot outside the batch', () => {
    const { game } = handMade({ n: 3, f: 0, maxRounds: 1 }, [], [0, 0, 0]);
    expect(() => renderTrace(game, 1)).toThrow(RangeError);
  });
});
