// The categorical heads of GAME.md §6: which heads each action space has, what is legal, and how
// head choices decode into engine actions (relative → absolute under interactive consistency).
import { describe, expect, it } from 'vitest';
import { ActionSpace } from '../../src/game/actionSpace.js';
import { HonestActions, SILENT, WAIT } from '../../src/game/actions.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { handMade } from './helpers.js';

describe('ActionSpace: heads', () => {
  it.each([
    ['honest-consensus', [['action', 3]]],
    ['phase-king-n5-f1', [['message', 3], ['decision', 3]]],
    ['ba-n4-f1', [['message', 3], ['decision', 3], ['relay', 2]]],
    ['slush-4v1', [['action', 3]]],
    ['slush-n5', [['query', 2], ['preference', 3], ['decision', 3]]],
    ['ic-n4-f1', [['message', 3], ['commit', 2], ['value+0', 2], ['value+1', 2], ['value+2', 2], ['value+3', 2], ['relay', 2]]],
  ])('%s', (preset, heads) => {
    const space = new ActionSpace(loadScenario(preset));
    expect(space.heads.map((h) => [h.name, h.size])).toEqual(heads);
    expect(space.maskWidth).toBe(heads.reduce((sum, [, size]) => sum + (size as number), 0));
  });

  it('labels every option', () => {
    expect(new ActionSpace(loadScenario('honest-consensus')).heads[0]!.labels).toEqual(['send input', 'commit 0', 'commit 1']);
    expect(new ActionSpace(loadScenario('slush-4v1')).heads[0]!.labels).toEqual(['sample', 'commit 0', 'commit 1']);
  });
});

describe('ActionSpace: legalMask', () => {
  it('an undecided agent may pick anything; a decided one (afterCommit=continue) cannot commit again; non-acting rows allow only option 0', () => {
    const e = handMade({ n: 3, f: 0, honestActions: 'free', afterCommit: 'continue', maxRounds: 3 }, { inputs: [0, 1, 1] });
    e.round((h) => (h.decision[1] = 1));
    const space = new ActionSpace(e.scenario);
    const mask = new Uint8Array(3 * space.maskWidth);
    space.legalMask(e.game, mask);
    const row = (i: number) => [...mask.subarray(i * space.maskWidth, (i + 1) * space.maskWidth)];
    expect(row(0)).toEqual([1, 1, 1, /* decision */ 1, 1, 1]);
    expect(row(1)).toEqual([1, 1, 1, /* decision */ 1, 0, 0]);

    const halt = handMade({ n: 3, f: 0, honestActions: 'paper', maxRounds: 3 }, { inputs: [0, 1, 1] });
    halt.round((h) => {
      h.decision[0] = 0;
      h.message[1] = 1;
      h.message[2] = 1;
    });
    const paper = new ActionSpace(halt.scenario);
    const paperMask = new Uint8Array(3 * paper.maskWidth);
    paper.legalMask(halt.game, paperMask);
    expect([...paperMask]).toEqual([1, 0, 0, /* agent 1 */ 1, 1, 1, /* agent 2 */ 1, 1, 1]);
  });

  it('rejects a too-small buffer', () => {
    const e = handMade({ n: 3, f: 0, honestActions: 'paper', maxRounds: 3 }, { inputs: [0, 1, 1] });
    expect(() => new ActionSpace(e.scenario).legalMask(e.game, new Uint8Array(2))).toThrow('legalMask: out holds 2 bits, needs batch·n·maskWidth = 1·3·3 = 9');
  });
});

describe('ActionSpace: decode', () => {
  it('paper: option 0 sends the agent\'s own input, option 1+v commits v', () => {
    const e = handMade({ n: 3, f: 0, honestActions: 'paper', maxRounds: 3 }, { inputs: [1, 0, 1] });
    const space = new ActionSpace(e.scenario);
    space.decode(e.game, Int32Array.from([0, 0, 2]), e.honest);
    expect([...e.honest.message]).toEqual([1, 0, SILENT]);
    expect([...e.honest.decision]).toEqual([WAIT, WAIT, 1]);
  });

  it('slush: option 0 samples, 1+v commits v', () => {
    const e = handMade({ n: 5, f: 0, honestActions: 'slush', maxRounds: 3 }, { inputs: [1, 0, 1, 0, 0] });
    new ActionSpace(e.scenario).decode(e.game, Int32Array.from([0, 1, 2, 0, 0]), e.honest);
    expect([...e.honest.query]).toEqual([1, 0, 0, 1, 1]);
    expect([...e.honest.decision]).toEqual([WAIT, 0, 1, WAIT, WAIT]);
  });

  it('sampling: query, preference (keep | set v) and decision heads', () => {
    const e = handMade({ n: 4, f: 0, honestActions: 'sampling', sampleSize: 2, maxRounds: 3 }, { inputs: [1, 0, 1, 0] });
    new ActionSpace(e.scenario).decode(e.game, Int32Array.from([1, 0, 0, 0, 2, 1, 0, 1, 0, 1, 1, 2]), e.honest);
    expect([...e.honest.query]).toEqual([1, 0, 0, 1]);
    expect([...e.honest.preference]).toEqual([-1, 1, 0, 0]);
    expect([...e.honest.decision]).toEqual([WAIT, 0, WAIT, 1]);
  });

  it('relay: message, decision and relay heads', () => {
    const e = handMade({ n: 4, f: 1, honestActions: 'relay', maxRounds: 3 }, { faulty: [3], inputs: [1, 0, 1, 0] });
    new ActionSpace(e.scenario).decode(e.game, Int32Array.from([2, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]), e.honest);
    expect([...e.honest.message]).toEqual([1, SILENT, 0, SILENT]);
    expect([...e.honest.decision]).toEqual([WAIT, 0, WAIT, WAIT]);
    expect([...e.honest.relay]).toEqual([1, 0, 0, 0]);
  });

  it('interactive consistency: value heads are relative slots, decoded to absolute vector entries', () => {
    const e = handMade({ n: 3, f: 0, problem: 'interactive-consistency', honestActions: 'free', values: 3, maxRounds: 3 }, { inputs: [0, 1, 2] });
    const space = new ActionSpace(e.scenario);
    expect(space.heads.map((h) => h.name)).toEqual(['message', 'commit', 'value+0', 'value+1', 'value+2']);
    // Agent 1 commits: own slot (+0) = 1, +1 (agent 2) = 2, +2 (agent 0) = 0. Agent 2 waits.
    const choices = Int32Array.from([0, 0, 0, 0, 0, /* agent 1 */ 0, 1, 1, 2, 0, /* agent 2 */ 0, 0, 2, 2, 2]);
    space.decode(e.game, choices, e.honest);
    expect([...e.honest.decision]).toEqual([WAIT, 0, WAIT]);
    expect([...e.honest.decisionVector.subarray(3, 6)]).toEqual([0, 1, 2]);
    expect(space.isHeadUsed(choices, 1, 3)).toBe(true);
    expect(space.isHeadUsed(choices, 2, 3)).toBe(false);
    expect(space.isHeadUsed(choices, 2, 0)).toBe(true);
    e.game.step(e.honest, e.adversary);
    expect([...e.game.decisionVector.subarray(3, 6)]).toEqual([0, 1, 2]);
  });

  it('ignores the rows of agents that do not act, and clears the buffer first', () => {
    const e = handMade({ n: 3, f: 0, honestActions: 'free', maxRounds: 3 }, { inputs: [0, 1, 1] });
    e.round((h) => (h.decision[0] = 0));
    const out = new HonestActions(1, 3, e.scenario);
    out.message.fill(1);
    new ActionSpace(e.scenario).decode(e.game, Int32Array.from([2, 2, 1, 0, 0, 0]), out);
    expect([...out.message]).toEqual([SILENT, 0, SILENT]);
    expect([...out.decision]).toEqual([WAIT, WAIT, WAIT]);
  });

  it('rejects a choice outside its head', () => {
    const e = handMade({ n: 3, f: 0, honestActions: 'paper', maxRounds: 3 }, { inputs: [0, 1, 1] });
    expect(() => new ActionSpace(e.scenario).decode(e.game, Int32Array.from([0, 3, 0]), e.honest)).toThrow('decode: episode slot 0, agent 1, head action: choice 3 is not in 0..2');
  });
});
