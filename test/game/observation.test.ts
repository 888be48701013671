// Observations for learned policies (GAME.md §7): named slices, relative order, and each slice's
// content on hand-made episodes.
import { describe, expect, it } from 'vitest';
import { ActionSpace } from '../../src/game/actionSpace.js';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer, type ObserverOptions } from '../../src/game/observation.js';
import { fieldArray, visitView, type ViewVisitor } from '../../src/game/view.js';
import { randomAdversary } from '../../src/protocols/adversaries/random.js';
import { expectThrowsNaming, handMade, type Script } from './helpers.js';

const sendInputs = (agents: number[]): Script => (h, _a, game) => agents.forEach((i) => (h.message[i] = game.input[i]!));

/** Every agent's observation row as text. */
function describeAll(observer: Observer, game: GameBatch): string[] {
  const rows = new Float32Array(game.size * game.n * observer.size);
  observer.observe(game, rows);
  return Array.from({ length: game.n }, (_, i) => observer.describe(rows.subarray(i * observer.size, (i + 1) * observer.size)));
}

describe('Observer: the slice table', () => {
  it('honest-consensus: own input, decided, round, and the last message from +1 and +2', () => {
    const observer = new Observer(loadScenario('honest-consensus'));
    expect(observer.slices.map((s) => [s.name, s.offset, s.length])).toEqual([
      ['ownInput', 0, 2], ['decided', 2, 1], ['round', 3, 4], ['received', 7, 6],
    ]);
    expect(observer.size).toBe(13);
    expect(observer.slice('received')).toMatchObject({ groups: 2, width: 3, groupLabels: ['+1', '+2'], labels: ['none', '0', '1'] });
  });

  it.each([
    ['honest-consensus', ['ownInput', 'decided', 'round', 'received']],
    ['ba-n4-f1', ['ownInput', 'decided', 'round', 'received', 'relayed']],
    ['pki', ['ownInput', 'decided', 'round', 'received', 'relayed', 'relayedVerified']],
    ['bb-pki-n3-f1', ['ownInput', 'decided', 'round', 'senderIndex', 'received', 'relayed', 'relayedVerified']],
    ['slush-4v1', ['ownInput', 'ownPreference', 'decided', 'round', 'received', 'sampleCounts']],
    ['slush-n10', ['ownInput', 'ownPreference', 'decided', 'round', 'received', 'sampleCounts']],
  ])('%s has the slices %j', (preset, names) => {
    expect(new Observer(loadScenario(preset)).slices.map((s) => s.name)).toEqual(names);
  });

  it('adds an absolute own id only when faulty ids are fixed, and counts instead of senders when anonymous', () => {
    expect(new Observer(loadScenario('ba-n4-f1', ['faultyPlacement=fixed'])).slice('ownId')?.length).toBe(4);
    expect(new Observer(loadScenario('ba-n4-f1')).slice('ownId')).toBeUndefined();
    const anonymous = new Observer(loadScenario('honest-consensus', ['identity=anonymous']));
    expect(anonymous.slice('received')).toBeUndefined();
    expect(anonymous.slice('receivedCounts')).toMatchObject({ length: 2, encoding: 'fraction' });
  });

  it('relay groups are (relayer +p, origin +q) with q ≠ p, relayer-major', () => {
    const relayed = new Observer(loadScenario('ba-n4-f1')).slice('relayed')!;
    expect(relayed.groups).toBe(9);
    expect(relayed.groupLabels.slice(0, 4)).toEqual(['+1→+0', '+1→+2', '+1→+3', '+2→+0']);
  });

  it('stacks H frames with a history window', () => {
    const observer = new Observer(loadScenario('honest-consensus'), { history: 3 });
    expect([observer.frameSize, observer.size]).toEqual([13, 39]);
  });

  it('rejects a bad history window and a too-small output buffer', () => {
    expectThrowsNaming(() => new Observer(loadScenario('honest-consensus'), { history: 0 }), 'RangeError', 'observer: history must be an integer in 1..64 (got 0)');
    const e = handMade({ n: 3, f: 0, honestActions: 'paper', maxRounds: 2 }, { inputs: [0, 1, 1] });
    expectThrowsNaming(() => new Observer(e.scenario).observe(e.game, new Float32Array(5)), 'RangeError', 'observer: out holds 5 numbers, needs batch·n·size = 1·3·');
  });
});

describe('Observer: contents', () => {
  it('in round 1 nothing has arrived; own input and round are one-hot', () => {
    const e = handMade({ n: 3, f: 0, honestActions: 'paper', maxRounds: 4 }, { inputs: [1, 0, 1] });
    expect(describeAll(new Observer(e.scenario), e.game)[0]).toBe('ownInput=1 decided=0 round=1 received=[+1:none +2:none]');
  });

  it('"received" is in relative order: +p is agent (i+p) mod n', () => {
    const e = handMade({ n: 3, f: 0, values: 3, honestActions: 'free', maxRounds: 3 }, { inputs: [0, 1, 2] });
    e.round(sendInputs([0, 1, 2]));
    e.round((h) => (h.decision[1] = 2));
    expect(describeAll(new Observer(e.scenario), e.game)).toEqual([
      'ownInput=0 decided=0 round=3 received=[+1:1 +2:2]',
      'ownInput=1 decided=1 round=3 received=[+1:2 +2:0]',
      'ownInput=2 decided=0 round=3 received=[+1:0 +2:1]',
    ]);
  });

  it('relabelling the agents by a rotation rotates the rows: no absolute id can be singled out', () => {
    const inputs = [0, 1, 1, 0];
    const rotated = [inputs[3]!, inputs[0]!, inputs[1]!, inputs[2]!]; // agent i+1 plays the old agent i
    const play = (x: number[]) => {
      const e = handMade({ n: 4, f: 0, honestActions: 'relay', maxRounds: 3 }, { inputs: x });
      e.round(sendInputs([0, 1, 2, 3]));
      e.round((h) => {
        h.relay[(x === inputs ? 2 : 3)] = 1;
      });
      return describeAll(new Observer(e.scenario), e.game);
    };
    const before = play(inputs), after = play(rotated);
    for (let i = 0; i < 4; i++) expect(after[(i + 1) % 4]).toBe(before[i]);
  });

  it('"relayed" shows what each relayer says each origin told it, on arrival', () => {
    const e = handMade({ n: 4, f: 1, honestActions: 'relay', maxRounds: 3 }, { faulty: [3], inputs: [1, 0, 1, 0] });
    e.round(sendInputs([0, 1, 2]));
    e.round((h) => (h.relay[2] = 1));
    const agent0 = describeAll(new Observer(e.scenario), e.game)[0]!;
    // Relayer 2 is +2 for agent 0: "you (+0) told me 1, +1 told me 0, +3 told me nothing".
    expect(agent0).toContain('+2→+0:1 +2→+1:0 +2→+3:none');
    expect(agent0).toContain('+1→+0:none');
  });

  it('under pki a relayed value is marked verified', () => {
    const e = handMade({ n: 4, f: 1, identity: 'pki', honestActions: 'relay', maxRounds: 3 }, { faulty: [3], inputs: [1, 0, 1, 0] });
    e.round(sendInputs([0, 1, 2]));
    e.round((h) => (h.relay[2] = 1));
    expect(describeAll(new Observer(e.scenario), e.game)[0]).toContain('relayedVerified=[+1→+0:0 +1→+2:0 +1→+3:0 +2→+0:1 +2→+1:1 +2→+3:0');
  });

  it('"relayed" keeps only the relays that arrived at the start of this round', () => {
    const e = handMade({ n: 4, f: 0, honestActions: 'relay', maxRounds: 4 }, { inputs: [1, 0, 1, 0] });
    e.round(sendInputs([0, 1, 2, 3]));
    e.round((h) => (h.relay[2] = 1));
    e.round();
    expect(describeAll(new Observer(e.scenario), e.game)[0]).toContain('+2→+0:none');
  });

  it('"senderIndex" is the broadcast sender\'s relative index', () => {
    const e = handMade({ n: 3, f: 0, problem: 'broadcast', honestActions: 'free', maxRounds: 2 }, { inputs: [1, 0, 0] });
    const rows = describeAll(new Observer(e.scenario), e.game);
    expect(rows.map((r) => /senderIndex=(\S+)/.exec(r)?.[1])).toEqual(['+0', '+2', '+1']);
  });

  it('"ownId" is absolute under fixed placement', () => {
    const e = handMade({ n: 3, f: 1, faultyPlacement: 'fixed', honestActions: 'free', maxRounds: 2 }, { faulty: [2], inputs: [1, 0, 0] });
    expect(describeAll(new Observer(e.scenario), e.game).map((r) => /ownId=(\S+)/.exec(r)?.[1])).toEqual(['0', '1', '2']);
  });

  it('"receivedCounts" (anonymous) counts this round\'s arrivals by value, as a fraction of n−1', () => {
    const e = handMade({ n: 4, f: 0, identity: 'anonymous', honestActions: 'free', maxRounds: 3 }, { inputs: [0, 1, 1, 0] });
    e.round(sendInputs([0, 1, 2, 3]));
    expect(describeAll(new Observer(e.scenario), e.game)[0]).toContain('receivedCounts=0:0.333,1:0.667');
    e.round();
    expect(describeAll(new Observer(e.scenario), e.game)[0]).toContain('receivedCounts=0:0,1:0');
  });

  it('"sampleCounts" counts the answers of the agent\'s last sample; "ownPreference" follows the preference', () => {
    const e = handMade({ n: 5, f: 0, honestActions: 'sampling', sampleSize: 4, maxRounds: 4 }, { inputs: [0, 0, 1, 1, 1] });
    e.round((h) => (h.query[0] = 1));
    e.round((h) => (h.preference[0] = 1));
    const row = describeAll(new Observer(e.scenario), e.game)[0]!;
    expect(row).toContain('ownInput=0 ownPreference=1');
    expect(row).toContain('sampleCounts=0:0.25,1:0.75'); // the round-1 sample: agents 1..4 hold 0, 1, 1, 1
  });

  it('the sample record shows, per other agent and round, the answer it gave to the agent\'s sample', () => {
    // k = n−1: every sample asks everyone, so the record is known without the chance draw.
    const e = handMade({ n: 4, f: 0, honestActions: 'slush', sampleSize: 3, maxRounds: 3 }, { inputs: [0, 1, 1, 0] });
    const observer = new Observer(e.scenario, { sampleView: 'record' });
    expect(observer.slice('sampleRecord')).toMatchObject({ groups: 9, width: 3 });
    expect(describeAll(observer, e.game)[0]).toContain('sampleRecord=[+1@r1:none +1@r2:none +1@r3:none');
    e.round((h) => [0, 1, 2, 3].forEach((i) => (h.query[i] = 1)));
    // Round 1 answered with the inputs; Slush then moved the preferences to 1, 0, 0, 1.
    e.round((h) => {
      h.query[0] = 1;
      [1, 2, 3].forEach((i) => (h.decision[i] = 0));
    });
    const row = describeAll(observer, e.game)[0]!;
    expect(row).toContain('+1@r1:1 +1@r2:0 +1@r3:none');
    expect(row).toContain('+2@r1:1 +2@r2:0 +2@r3:none');
    expect(row).toContain('+3@r1:0 +3@r2:1 +3@r3:none');
    expect(row).toContain('sampleCounts=0:0.667,1:0.333'); // the counts of the last sample stay
    // Agent 1 did not sample in round 2: its record of round 2 is empty.
    expect(describeAll(observer, e.game)[1]).toContain('+1@r1:1 +1@r2:none');
  });

  it('the sample record needs an action space with samples', () => {
    expect(() => new Observer(loadScenario('honest-consensus'), { sampleView: 'record' })).toThrow('sampleView record: needs the slush or sampling action space (got paper)');
  });

  it('a history window shows the previous rounds\' frames, zeros before round 1, and forgets them on reset', () => {
    const e = handMade({ n: 3, f: 0, honestActions: 'paper', maxRounds: 4 }, { inputs: [1, 0, 1] });
    const observer = new Observer(e.scenario, { history: 2 });
    const rows = new Float32Array(3 * observer.size);
    const frames = (i: number) => [0, 1].map((t) => observer.describe(rows.subarray(i * observer.size, (i + 1) * observer.size), t));
    observer.observe(e.game, rows);
    const round1 = frames(0);
    expect(round1[1]).toBe('t-1: ownInput=- decided=0 round=- received=[+1:- +2:-]');
    e.round(sendInputs([0, 1, 2]));
    observer.observe(e.game, rows);
    expect(frames(0)).toEqual(['t-0: ownInput=1 decided=0 round=2 received=[+1:0 +2:1]', round1[0]!.replace('t-0', 't-1')]);
    e.game.reset(0);
    observer.observe(e.game, rows);
    expect(frames(0)[1]).toBe(round1[1]);
  });

  it('a history window reads the record, not earlier calls: a fresh observer, or one called out of order, sees the same frames', () => {
    const e = handMade({ n: 4, f: 1, identity: 'pki', honestActions: 'relay', maxRounds: 3 }, { faulty: [0], inputs: [0, 1, 1, 0] });
    const every = new Observer(e.scenario, { history: 3 });
    const rows = new Float32Array(4 * every.size);
    every.observe(e.game, rows);
    e.round((h) => [1, 2, 3].forEach((i) => (h.message[i] = e.game.input[i]!)));
    every.observe(e.game, rows);
    e.round((h) => [1, 2, 3].forEach((i) => (h.relay[i] = 1)));
    every.observe(e.game, rows);
    const fresh = new Observer(e.scenario, { history: 3 });
    const again = new Float32Array(rows.length);
    fresh.observe(e.game, again);
    expect(Array.from(again)).toEqual(Array.from(rows));
    expect(fresh.describe(again.subarray(1 * fresh.size, 2 * fresh.size), 1)).toContain('received=[+1:1 +2:0 +3:none]');
  });

  it('the accepted view holds a value of o sent by o in round 1 or relayed in round 2 — not what o says later, nor relays of round 3', () => {
    const e = handMade({ n: 4, f: 1, identity: 'pki', honestActions: 'relay', maxRounds: 4 }, { faulty: [0], inputs: [0, 1, 1, 0] });
    const observer = new Observer(e.scenario, { messageView: 'accepted' });
    expect(observer.slices.map((s) => s.name)).toEqual(['ownInput', 'decided', 'round', 'accepted']);
    const rows = new Float32Array(4 * observer.size);
    const seen = (i: number) => {
      observer.observe(e.game, rows);
      return observer.describe(rows.subarray(i * observer.size, (i + 1) * observer.size));
    };
    expect(seen(1)).toBe('ownInput=1 decided=0 round=1 accepted=[+1:- +2:- +3:-]');
    // Round 1: the faulty agent 0 tells agent 1 "1" only; the honest agents send their inputs.
    e.round((h, a) => {
      [1, 2, 3].forEach((i) => (h.message[i] = e.game.input[i]!));
      a.message[0 * 4 + 1] = 1;
    });
    expect(seen(1)).toBe('ownInput=1 decided=0 round=2 accepted=[+1:{1} +2:{0} +3:{1}]');
    expect(seen(2)).toBe('ownInput=1 decided=0 round=2 accepted=[+1:{0} +2:- +3:{1}]');
    // Round 2: everyone relays; the faulty agent now tells agent 2 "0" directly — too late to count.
    e.round((h, a) => {
      [1, 2, 3].forEach((i) => (h.relay[i] = 1));
      a.message[0 * 4 + 2] = 0;
    });
    // Agent 2 now holds agent 0's "1" through agent 1's relay, and not the late "0".
    expect(seen(2)).toBe('ownInput=1 decided=0 round=3 accepted=[+1:{0} +2:{1} +3:{1}]');
    // Round 3: agent 2 relays the late "0" to everyone; a relay of round 3 carries too few signatures.
    const before = seen(3);
    expect(before).toBe('ownInput=0 decided=0 round=3 accepted=[+1:{1} +2:{1} +3:{1}]');
    e.round((h) => {
      h.relay[2] = 1;
    });
    expect(seen(3)).toBe(before.replace('round=3', 'round=4'));
    expect(() => new Observer(loadScenario('ba-n4-f1'), { messageView: 'accepted' })).toThrow('observer: messageView accepted: needs identity=pki and relay actions (got authenticated, relay)');
    expect(() => new Observer(loadScenario('bb-pki-n4-f2'), { messageView: 'accepted' })).toThrow('observer: messageView accepted: reads one-hop relays only, needs relayDepth=2 (got 3)');
  });
});

describe('Observer: reads only what the agent can see (view.ts)', () => {
  /** Random legal honest choices for every agent of `game` (the mask's first option where the draw is illegal). */
  function randomChoices(space: ActionSpace, game: GameBatch, mask: Uint8Array, choices: Int32Array): void {
    space.legalMask(game, mask);
    for (let row = 0; row < game.size * game.n; row++)
      for (let h = 0; h < space.headCount; h++) {
        const head = space.heads[h]!;
        let c = game.honestRandomInt(Math.floor(row / game.n), head.size);
        if (!mask[row * space.maskWidth + head.offset + c]) c = 0;
        choices[row * space.headCount + h] = c;
      }
  }

  it.each<[string, string[], ObserverOptions]>([
    ['honest-consensus', [], { history: 3 }],
    ['byzantine-breaking', ['faultyPlacement=fixed'], {}],
    ['ba-n4-f1', [], { history: 2 }],
    ['pki', [], { history: 3 }],
    ['pki', ['maxRounds=4'], { messageView: 'accepted', history: 2 }],
    ['bb-pki-n3-f1', [], {}],
    ['ic-n4-f1', [], {}],
    ['slush-3v2', [], { sampleView: 'record', history: 2 }],
    ['slush-3v2', [], { sampleView: 'summary', history: 2 }],
    ['slush-n5', [], { history: 3 }],
    ['async-crash', ['maxRounds=8'], { history: 3 }],
    ['async-crash', ['maxRounds=8', 'identity=anonymous'], { history: 2 }],
    ['partial-sync-crash', ['maxRounds=8', 'honestActions=relay'], { history: 2 }],
  ])('%s %j %j: agent h\'s rows depend only on the cells visitView visits for h', (preset, overrides, options) => {
    // Episode y with agent h's view transplanted from episode x must show h exactly x's rows: if the
    // observer read any other cell, a learned policy could tell apart states the verifier's memo key
    // (which holds the view) merges, and the conformance check would miss what the policy peeks at.
    const scenario = loadScenario(preset, overrides);
    const size = 12;
    const game = new GameBatch(scenario, { size, seed: 5 });
    const pair = new GameBatch(scenario, { size: 2, seed: 5 });
    const observer = new Observer(scenario, options);
    const space = new ActionSpace(scenario);
    const mask = new Uint8Array(size * scenario.n * space.maskWidth);
    const choices = new Int32Array(size * scenario.n * space.headCount);
    const honest = new HonestActions(size, scenario.n, scenario);
    const adversary = new AdversaryActions(size, scenario.n, scenario);
    const rows = new Float32Array(2 * scenario.n * observer.size);
    const transplant: ViewVisitor = {
      cell(field, index, value) {
        const array = fieldArray(pair, field) as Uint8Array;
        array[index + array.length / 2] = value; // slot 0's cell → slot 1's
      },
    };
    const n = scenario.n;
    let compared = 0, transplanted = 0;
    game.reset(0);
    while (!game.allDone) {
      for (let x = 0; x < size; x++)
        for (let h = 0; h < n; h++) {
          pair.copyEpisodeFrom(game, x, 0);
          pair.copyEpisodeFrom(game, (x + 1) % size, 1);
          pair.round = game.round;
          observer.observe(pair, rows);
          const before = rows.slice((n + h) * observer.size, (n + h + 1) * observer.size);
          visitView(pair, 0, h, transplant, true);
          observer.observe(pair, rows);
          const own = Array.from(rows.subarray(h * observer.size, (h + 1) * observer.size));
          const after = Array.from(rows.subarray((n + h) * observer.size, (n + h + 1) * observer.size));
          expect(after, `round ${game.round}, agent ${h}, view of episode ${x} in episode ${(x + 1) % size}`).toEqual(own);
          compared++;
          if (before.some((v, c) => v !== own[c])) transplanted++;
        }
      randomChoices(space, game, mask, choices);
      space.decode(game, choices, honest);
      adversary.clear();
      randomAdversary.act(game, honest, adversary);
      game.step(honest, adversary);
    }
    // The transplant changed the rows often: the comparison above was not between equal episodes.
    expect(transplanted).toBeGreaterThan(compared / 4);
  });
});
