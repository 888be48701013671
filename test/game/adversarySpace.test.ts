// The learned adversary's heads (GAME.md §6): which heads each scenario has, what is legal (pki
// cannot forge), how choices decode into AdversaryActions, and what it observes (everything).
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions, SILENT, WITHHOLD } from '../../src/game/actions.js';
import { AdversarySpace, refuseAdversarySpace } from '../../src/game/adversarySpace.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { handMade } from './helpers.js';

describe('AdversarySpace: heads', () => {
  it('byzantine-breaking: one message head per honest recipient, {silent, 0, 1}', () => {
    const space = new AdversarySpace(loadScenario('byzantine-breaking'));
    expect(space.heads.map((h) => [h.name, h.size])).toEqual([['msg f0→h0', 3], ['msg f0→h1', 3]]);
    expect(space.heads[0]!.labels).toEqual(['silent', '0', '1']);
  });

  it('pki (n=4, f=1): 3 message heads and 3 × 2 relay heads (origin ≠ relayer, ≠ recipient)', () => {
    const space = new AdversarySpace(loadScenario('pki'));
    expect(space.messageHeads).toBe(3);
    expect(space.headCount).toBe(3 + 3 * 2);
    expect(space.heads[3]!.name).toBe('relay f0→h0:h1');
    expect(space.heads[3]!.labels).toEqual(['withhold', '0', '1']);
    expect(space.maskWidth).toBe(9 * 3);
  });

  it('f = 0 under sync timing: no heads; crash, async and sampling scenarios are no longer refused', () => {
    expect(new AdversarySpace(loadScenario('honest-consensus')).headCount).toBe(0);
    expect(refuseAdversarySpace(loadScenario('async-crash'))).toBeUndefined();
    expect(refuseAdversarySpace(loadScenario('slush-4v1', ['f=1', 'inputs="uniform"']))).toBeUndefined();
    expect(new AdversarySpace(loadScenario('async-crash')).headCount).toBeGreaterThan(0);
  });
});

describe('AdversarySpace: legalMask and decode', () => {
  it('pki: forwarding a value is legal only if the honest origin signed it; ended episodes allow option 0 only', () => {
    // n=4, agent 3 faulty; round 1 the honest agents send their inputs (signatures count from round 2).
    const e = handMade({ n: 4, f: 1, identity: 'pki', honestActions: 'relay', maxRounds: 3, faultyPlacement: 'fixed' }, { faulty: [3], inputs: [0, 1, 1, 0] });
    e.round((h) => {
      for (let i = 0; i < 3; i++) h.message[i] = e.game.input[i]!;
    });
    const space = new AdversarySpace(e.scenario);
    const mask = new Uint8Array(space.maskWidth);
    space.legalMask(e.game, mask);
    // Honest order relative to the faulty agent 3: 0, 1, 2. Head 3 is relay f0→h0 about origin h1 = agent 1 (signed 1 only).
    const head = (name: string) => space.heads.find((h) => h.name === name)!;
    const options = (name: string) => [...mask.subarray(head(name).offset, head(name).offset + 3)];
    expect(options('relay f0→h0:h1')).toEqual([1, 0, 1]);
    expect(options('relay f0→h1:h0')).toEqual([1, 1, 0]);
    expect(options('msg f0→h2')).toEqual([1, 1, 1]);
    e.game.done[0] = 1;
    space.legalMask(e.game, mask);
    expect(space.heads.map((h) => [...mask.subarray(h.offset, h.offset + h.size)])).toEqual(space.heads.map(() => [1, 0, 0]));
  });

  it('decode writes messages per (faulty, honest recipient) in order relative to the faulty agent, and relays per origin', () => {
    const e = handMade({ n: 4, f: 1, honestActions: 'relay', maxRounds: 3 }, { faulty: [1], inputs: [0, 1, 1, 0] });
    const space = new AdversarySpace(e.scenario);
    const choices = new Int32Array(space.headCount);
    // Honest order relative to faulty agent 1: 2, 3, 0. Messages: silent to 2, 0 to 3, 1 to 0.
    choices.set([0, 1, 2]);
    const claim = space.heads.findIndex((h) => h.name === 'relay f0→h0:h1'); // to agent 2 about agent 3
    choices[claim] = 2;
    const out = new AdversaryActions(1, 4, e.scenario);
    const honest = new HonestActions(1, 4, e.scenario);
    honest.tag[1] = 5;
    space.decode(e.game, choices, honest, out);
    expect([out.message[1 * 4 + 2], out.message[1 * 4 + 3], out.message[1 * 4 + 0]]).toEqual([SILENT, 0, 1]);
    expect(out.tag[1 * 4 + 3]).toBe(5);
    expect(out.relay[(1 * 4 + 2) * 4 + 3]).toBe(1);
    expect(out.relay[(1 * 4 + 2) * 4 + 0]).toBe(WITHHOLD);
    e.round(undefined);
    expect(() => space.decode(e.game, new Int32Array(space.headCount).fill(7), honest, out)).toThrow(/choice 7 is not in 0\.\.2/);
  });
});

describe('AdversarySpace: observe', () => {
  it('sees every input, the honest plan of this round, and the round; every number in [0, 1]', () => {
    const e = handMade({ n: 3, f: 1, honestActions: 'paper', maxRounds: 2 }, { faulty: [0], inputs: [1, 0, 1] });
    const space = new AdversarySpace(e.scenario);
    const honest = new HonestActions(1, 3, e.scenario);
    honest.message.set([1, 0, 1]);
    const obs = new Float32Array(space.obsSize);
    space.observe(e.game, honest, obs);
    expect(space.obsSize).toBe(2 + 2 * (2 + 1 + 2 + 3 + 3) + (2 + 3) + 3 * 2 * 3);
    expect([...obs.subarray(0, 2)]).toEqual([1, 0]); // round 1
    // Honest agent h0 = agent 1 (input 0, plans to send 0), h1 = agent 2 (input 1).
    expect([...obs.subarray(2, 4)]).toEqual([1, 0]);
    expect([...obs.subarray(7, 10)]).toEqual([0, 1, 0]);
    expect([...obs.subarray(13, 15)]).toEqual([0, 1]);
    expect(obs.every((x) => x >= 0 && x <= 1)).toBe(true);
  });
});
