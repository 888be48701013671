// A threshold automaton as an honest protocol: every ByMC file runs, conforms, and each rule of the
// reading (docs/THRESHOLD_AUTOMATA.md) is pinned by a hand-made episode.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../../src/game/actions.js';
import { checkProtocol } from '../../../src/game/conformance.js';
import { GameBatch } from '../../../src/game/GameBatch.js';
import { parseScenario, type Scenario } from '../../../src/game/scenario.js';
import { play } from '../../../src/play/play.js';
import { getProtocol } from '../../../src/protocols/registry.js';
import { automatonProtocol, type AutomatonProtocol } from '../../../src/protocols/thresholdAutomaton/protocol.js';
import { RefusedError } from '../../../src/protocols/types.js';
import { SMALLEST, ta } from './smallest.js';


function scenario(n: number, f: number, faults: 'byzantine' | 'crash', extra: Record<string, unknown> = {}): Scenario {
  return parseScenario({ name: 'ta', n, f, faults, timing: 'async', maxDelay: 2, maxRounds: 10, honestActions: 'free', ...extra });
}


describe('every ByMC file as a protocol, at its smallest size', () => {
  it.each(SMALLEST)('%s at n=%i, f=%i (%s) plays inside its assumptions, keeps agreement and conforms', (file, n, f, faults, params) => {
    const s = scenario(n, f, faults);
    const protocol = getProtocol(ta(file, params), s) as AutomatonProtocol;
    expect(protocol.warnings(s)).toEqual([]);
    for (const adversary of faults === 'crash' ? ['crash', 'random'] : ['equivocate', 'random']) {
      const result = play({ scenario: s, honest: protocol, adversary, episodes: 300, seed: 3 });
      expect(result.episodes).toBe(300);
      // nbacr has no agreement of its own ("needs a consensus algorithm, which we don't have here").
      if (file !== 'nbacr') expect(result.consistencyViolationRate).toBe(0);
    }
    const check = checkProtocol(protocol, s, { episodes: 16 });
    expect(check).toMatchObject({ ok: true });
  });
});

/** One episode of `protocol`, with chosen inputs and faulty agents and a scripted adversary. */
function episode(protocol: AutomatonProtocol, s: Scenario, setup: { faulty: number[]; inputs: number[] }) {
  const game = new GameBatch(s, { size: 1, seed: 1, memorySlots: protocol.memorySlots });
  game.reset(0);
  game.setup(0, setup);
  const honest = new HonestActions(1, s.n, s);
  const adversary = new AdversaryActions(1, s.n, s);
  const sent: number[][] = []; // per round, the tag each agent sent (0 = none)
  const round = (script?: (out: AdversaryActions) => void) => {
    honest.clear();
    protocol.act(game, honest);
    sent.push(Array.from({ length: s.n }, (_, i) => (honest.message[i]! >= 0 ? honest.tag[i]! : 0)));
    adversary.clear();
    script?.(adversary);
    game.step(honest, adversary);
  };
  /** The faulty agent `from` sends message type `type` (tag type + 1) to `to` this round. */
  const byzantine = (from: number, to: number, type: number) => (out: AdversaryActions) => {
    out.message[from * s.n + to] = 0;
    out.tag[from * s.n + to] = type + 1;
  };
  return { game, round, sent, byzantine };
}

describe('the reading of a threshold automaton, one hand-made episode per rule (strb, n=4, T=1, F=1)', () => {
  const s = scenario(4, 1, 'byzantine');
  const strb = () => automatonProtocol(ta('strb', 'T=1'));
  const NSNT = 0; // strb's one message type: the rules that increment nsnt

  it('a rule that increments a counter broadcasts that message type; one without a true guard waits', () => {
    const { round, sent } = episode(strb(), s, { faulty: [3], inputs: [1, 0, 0, 0] });
    round();
    // loc1 -> locSE when (true) do { nsnt' == nsnt + 1 }: agent 0 sends; loc0 needs T + 1 echoes.
    expect(sent[0]).toEqual([NSNT + 1, 0, 0, 0]);
  });

  it('a guard nsnt >= T + 1 - F reads received >= T + 1: one correct echo is not enough', () => {
    const { round, sent } = episode(strb(), s, { faulty: [3], inputs: [1, 0, 0, 0] });
    round();
    round();
    // ByMC's literal counter reading (1 correct sender >= T + 1 - F = 1) would echo here; a concrete receiver needs 2.
    expect(sent[1]!.slice(1, 3)).toEqual([0, 0]);
  });

  it("a faulty sender counts in each receiver's own count, to whom it chose to send (equivocation)", () => {
    const e = episode(strb(), s, { faulty: [3], inputs: [1, 0, 0, 0] });
    e.round(e.byzantine(3, 1, NSNT)); // the faulty agent echoes to agent 1 only
    e.round();
    expect(e.sent[1]![1]).toBe(NSNT + 1); // agent 1: agent 0 + the faulty echo = 2 = T + 1
    expect(e.sent[1]![2]).toBe(0); // agent 2 heard agent 0 only
    // Its own echo counts at once: agents 0, 3 and itself make N - T = 3, so it accepts in the same round.
    expect(e.game.decision[1]).toBe(1);
    expect(e.game.decisionRound[1]).toBe(2);
  });

  it('each sender counts once per message type, however often it sends', () => {
    const e = episode(strb(), s, { faulty: [3], inputs: [0, 0, 0, 0] });
    e.round(e.byzantine(3, 1, NSNT));
    e.round(e.byzantine(3, 1, NSNT));
    e.round();
    expect(e.sent.map((row) => row[1])).toEqual([0, 0, 0]); // two messages from one sender: 1 < T + 1
  });

  it('entering an accepting location commits its value; unforgeability holds when no correct process starts with 1', () => {
    const { round, game } = episode(strb(), s, { faulty: [3], inputs: [1, 1, 1, 0] });
    for (let r = 0; r < 3; r++) round();
    expect([game.decision[0], game.decision[1], game.decision[2]]).toEqual([1, 1, 1]);
    const r = play({ scenario: s, honest: strb(), adversary: 'random', episodes: 400, seed: 5 });
    expect(r.validityViolationRate).toBe(0);
  });

  it('a message of a tag that is no message type is ignored', () => {
    const e = episode(strb(), s, { faulty: [3], inputs: [1, 0, 0, 0] });
    e.round(e.byzantine(3, 1, 7)); // tag 8: strb has one type
    e.round();
    expect(e.sent[1]![1]).toBe(0);
  });
});

describe('contradicting messages (bosco, n=4, T=1, F=1)', () => {
  it("a receiver keeps a sender's first of two message types no correct process sends together", () => {
    const s = scenario(4, 1, 'byzantine');
    const bosco = automatonProtocol(ta('bosco', 'T=1'));
    const model = bosco.compiled(4, 1);
    const [ZERO, ONE] = [0, 1]; // bosco's types: "0" (nsnt0, nsnt01) and "1" (nsnt1, nsnt01)
    expect(model.exclusiveTypes).toEqual([1 << ONE, 1 << ZERO]);
    const e = episode(bosco, s, { faulty: [3], inputs: [0, 0, 0, 0] });
    e.round((out) => {
      e.byzantine(3, 0, ONE)(out);
      out.delay[1 * 4 + 0] = 1; // the correct zeros reach agent 0 in round 3, with the faulty agent's second message
      out.delay[2 * 4 + 0] = 1;
    });
    e.round(e.byzantine(3, 0, ZERO));
    e.round();
    // Agent 0 holds zeros from 0, 1, 2 and, from agent 3, "1" then "0": the "0" is ignored, so nsnt0 = 3
    // and 2 * 3 < N + 3T + 1: no fast decision; it falls back to the underlying consensus with 0 (locU0).
    // Counting both, nsnt0 = 4 would decide 0 at once (locD0).
    expect(e.game.decisionRound[0]).toBe(0);
    expect(model.locations[e.game.memory[0]! - 1]).toBe('locU0');
  });
});

describe('fault models, parameters and assumptions', () => {
  it('a file that models crashes by its own locations refuses Byzantine faults; its protocol never enters them', () => {
    expect(() => getProtocol(ta('cc', 'T=1'), scenario(3, 1, 'byzantine'))).toThrow(RefusedError);
    expect(() => getProtocol(ta('cc', 'T=1'), scenario(3, 1, 'byzantine'))).toThrow(/models crash faults \(its location locCR\), needs faults=crash/);
    const model = automatonProtocol(ta('c1cs', 'T=1')).compiled(4, 1);
    const crashed = model.locations.indexOf('locCR');
    expect(model.rulesFrom.flat().some((rule) => rule.to === crashed)).toBe(false);
    // bcrb has both: Byzantine slack in its guards (Fb) and a crash location.
    expect(() => getProtocol(ta('bcrb', 'Tb=1,Tc=0,Fb=1,Fc=0'), scenario(4, 1, 'byzantine'))).not.toThrow();
  });

  it('names a missing or unknown parameter in one line', () => {
    expect(() => getProtocol(ta('strb'), scenario(4, 1, 'byzantine'))).toThrow(/strb\.ta: parameter T needs a value: --param T=<integer>$/);
    expect(() => getProtocol(ta('strb', 'T=1,X=2'), scenario(4, 1, 'byzantine'))).toThrow(/--param X: the automaton has no parameter X \(its parameters: N, T, F\)/);
    expect(() => getProtocol(ta('strb', 'T=1,F=2'), scenario(4, 1, 'byzantine'))).toThrow(/F comes from the scenario/);
  });

  it('runs outside its assumptions with a warning naming the broken one', () => {
    const s = scenario(3, 1, 'byzantine');
    const protocol = getProtocol(ta('strb', 'T=1'), s) as AutomatonProtocol;
    expect(protocol.warnings(s)).toEqual([expect.stringMatching(/strb\.ta:19: assumption N > 3 \* T is false at N=3, T=1, F=1: running outside/)]);
    expect(play({ scenario: s, honest: protocol, adversary: 'equivocate', episodes: 50 }).episodes).toBe(50);
  });
});
