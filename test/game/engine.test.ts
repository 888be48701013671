// The rules engine on hand-made episodes: timing, identity, crash and omission, the honest action
// spaces' rules, and branching with copyEpisodeFrom.
import { describe, expect, it } from 'vitest';
import { ActionSpace } from '../../src/game/actionSpace.js';
import { AdversaryActions, HonestActions, NO_ANSWER, SILENT } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { Observer } from '../../src/game/observation.js';
import { parseScenario, type Scenario, type ScenarioInput } from '../../src/game/scenario.js';
import { expectThrowsNaming, handMade, type Script } from './helpers.js';

/** Every agent in `agents` sends its own input. */
const sendInputs = (agents: number[]): Script => (h, _a, game) => agents.forEach((i) => (h.message[i] = game.input[i]!));

describe('timing', () => {
  it('sync: a message sent in round r is seen at the start of round r+1, not before', () => {
    const e = handMade({ n: 3, f: 0, honestActions: 'free', maxRounds: 3 }, { inputs: [1, 0, 0] });
    expect(e.game.received(0, 1, 0, 1)).toBe(SILENT);
    e.round(sendInputs([0]));
    expect(e.game.round).toBe(2);
    expect(e.game.arrivalRound(0, 1, 0, 1)).toBe(2);
    expect(e.game.received(0, 1, 0, 1)).toBe(1);
    expect(e.game.lastReceived(0, 2, 0)).toBe(1);
    expect(e.game.received(0, 0, 1, 1)).toBe(SILENT); // agent 1 sent nothing
  });

  const asyncScenario = { n: 3, f: 0, timing: 'async', maxDelay: 2, honestActions: 'free', maxRounds: 6 } as const;

  it('async: the adversary\'s delay postpones arrival by exactly that many rounds', () => {
    const e = handMade(asyncScenario, { inputs: [1, 0, 0] });
    e.round((h, a) => {
      h.message[0] = 1;
      a.delay[0 * 3 + 1] = 2; // 0 → 1 delayed by 2
      a.delay[0 * 3 + 2] = 0; // 0 → 2 on time
    });
    expect(e.game.arrivalRound(0, 1, 0, 1)).toBe(4);
    expect(e.game.arrivalRound(0, 2, 0, 1)).toBe(2);
    expect(e.game.received(0, 2, 0, 1)).toBe(1);
    e.round();
    expect(e.game.round).toBe(3);
    expect(e.game.received(0, 1, 0, 1)).toBe(SILENT);
    expect(e.game.lastReceived(0, 1, 0)).toBe(SILENT);
    e.round();
    expect(e.game.round).toBe(4);
    expect(e.game.received(0, 1, 0, 1)).toBe(1);
    expect(e.game.lastReceived(0, 1, 0)).toBe(1);
  });

  it('async: a delay beyond maxDelay is rejected (every message is delivered eventually)', () => {
    const e = handMade(asyncScenario, { inputs: [1, 0, 0] });
    expectThrowsNaming(() => e.round((h, a) => {
      h.message[0] = 1;
      a.delay[0 * 3 + 1] = 3;
    }), 'IllegalActionError', 'round 1', 'adversary', 'delay 3 exceeds maxDelay=2');
  });

  it('async: a later message delivered before an earlier one does not roll back the last-received slot', () => {
    const e = handMade(asyncScenario, { inputs: [1, 0, 0] });
    e.round((h, a) => {
      h.message[0] = 1;
      a.delay[0 * 3 + 1] = 2; // arrives at 4
    });
    e.round((h) => (h.message[0] = 0)); // arrives at 3
    e.round();
    expect(e.game.lastReceived(0, 1, 0)).toBe(0);
    e.round();
    expect(e.game.lastReceived(0, 1, 0)).toBe(0); // the round-1 message is older
    expect(e.game.received(0, 1, 0, 1)).toBe(1);
  });

  it('partial-sync: delays apply only before GST; from GST on, delivery is sync', () => {
    const e = handMade({ n: 3, f: 0, timing: 'partial-sync', maxDelay: 2, honestActions: 'free', maxRounds: 6 }, { inputs: [1, 0, 0], gst: 3 });
    const delayedSend: Script = (h, a) => {
      h.message[0] = 1;
      a.delay[0 * 3 + 1] = 2;
    };
    e.round(delayedSend); // round 1 < GST
    e.round(delayedSend); // round 2 < GST
    e.round(delayedSend); // round 3 = GST: the delay is ignored
    expect(e.game.arrivalRound(0, 1, 0, 1)).toBe(4);
    expect(e.game.arrivalRound(0, 1, 0, 2)).toBe(5);
    expect(e.game.arrivalRound(0, 1, 0, 3)).toBe(4);
  });

  it('sync scenarios have no delay to choose', () => {
    const scenario = parseScenario({ n: 3, f: 0, maxRounds: 2 });
    expect(new AdversaryActions(1, 3, scenario).delay.length).toBe(0);
  });
});

describe('identity', () => {
  const relayScenario = (identity: 'pki' | 'authenticated'): ScenarioInput => ({ n: 4, f: 1, identity, honestActions: 'relay', maxRounds: 3 });
  /** Round 1: honest agents send their input 1; the faulty agent 3 relays to agent 1 a claim about agent 0. */
  const claimAbout0 = (claim: number): Script => (h, a) => {
    for (const i of [0, 1, 2]) h.message[i] = 1;
    a.relay[(3 * 4 + 1) * 4 + 0] = claim;
  };

  it('pki: a faulty relayer cannot forge an honest agent\'s signature', () => {
    const e = handMade(relayScenario('pki'), { faulty: [3], inputs: [1, 1, 1, 0] });
    expectThrowsNaming(() => e.round(claimAbout0(0)), 'IllegalActionError', 'adversary (agent 3)', "cannot forge honest agent 0's signature on 0");
  });

  it('pki: forwarding a value the origin signed in an earlier round is allowed, and arrives as relayed', () => {
    const e = handMade(relayScenario('pki'), { faulty: [3], inputs: [1, 1, 1, 0] });
    e.round(sendInputs([0, 1, 2]));
    e.round(claimAbout0(1));
    expect(e.game.relayed(0, 1, 3, 0, 2)).toBe(1);
  });

  it('pki: a signature counts from the next round, so a value signed this round cannot be forwarded yet', () => {
    const e = handMade(relayScenario('pki'), { faulty: [3], inputs: [1, 1, 1, 0] });
    expectThrowsNaming(() => e.round(claimAbout0(1)), 'IllegalActionError', "cannot forge honest agent 0's signature on 1");
  });

  it('authenticated: a relayed claim carries no proof, so a faulty relayer may lie', () => {
    const e = handMade(relayScenario('authenticated'), { faulty: [3], inputs: [1, 1, 1, 0] });
    e.round(claimAbout0(0));
    expect(e.game.relayed(0, 1, 3, 0, 1)).toBe(0);
  });

  it('an honest relay forwards exactly the values that arrived at the start of the round', () => {
    const e = handMade(relayScenario('authenticated'), { faulty: [3], inputs: [1, 0, 1, 0] });
    e.round(sendInputs([0, 1, 2]));
    e.round((h) => (h.relay[2] = 1));
    // Agent 0 hears from relayer 2: "0 told me 1, 1 told me 0, 3 told me nothing".
    expect([0, 1, 3].map((o) => e.game.relayed(0, 0, 2, o, 2))).toEqual([1, 0, SILENT]);
  });

  it('anonymous: the view is a count of each value received, and the observation has no per-sender slots', () => {
    const e = handMade({ n: 4, f: 0, identity: 'anonymous', honestActions: 'free', maxRounds: 2 }, { inputs: [0, 1, 1, 1] });
    e.round(sendInputs([0, 1, 2, 3]));
    const counts = (i: number) => {
      const c = new Int32Array(2);
      e.game.countReceived(0, i, 1, c);
      return [...c];
    };
    expect(counts(0)).toEqual([0, 3]);
    expect(counts(1)).toEqual([1, 2]);
    const observer = new Observer(e.scenario);
    expect(observer.slice('received')).toBeUndefined();
    const rows = new Float32Array(4 * observer.size);
    observer.observe(e.game, rows);
    const at = observer.slice('receivedCounts')!.offset;
    expect([...rows.subarray(observer.size + at, observer.size + at + 2)]).toEqual([Math.fround(1 / 3), Math.fround(2 / 3)]);
  });
});

describe('crash and omission faults', () => {
  const crash = { n: 3, f: 1, faults: 'crash', honestActions: 'free', maxRounds: 3 } as const;

  it('a crashing agent acts in its crash round, its last message reaches only the recipients the adversary picks, then it stops', () => {
    const e = handMade(crash, { faulty: [2], inputs: [0, 0, 1] });
    expect(e.game.needsAction(0, 2)).toBe(true); // it runs the protocol until it crashes
    e.round((h, a) => {
      sendInputs([0, 1, 2])(h, a, e.game);
      a.crash[2] = 1;
      a.crashDeliver[2 * 3 + 0] = 1; // only agent 0 hears its last message
    });
    expect(e.game.crashedAt[2]).toBe(1);
    expect(e.game.received(0, 0, 2, 1)).toBe(1);
    expect(e.game.received(0, 1, 2, 1)).toBe(SILENT);
    expect(e.game.needsAction(0, 2)).toBe(false);
    e.round((h) => {
      h.message[2] = 1; // ignored: it has crashed
      h.decision[2] = 1;
    });
    expect(e.game.received(0, 0, 2, 2)).toBe(SILENT);
    expect(e.game.decisionRound[2]).toBe(0);
  });

  it('only a faulty agent can crash', () => {
    const e = handMade(crash, { faulty: [2], inputs: [0, 0, 1] });
    expectThrowsNaming(() => e.round((_h, a) => (a.crash[0] = 1)), 'IllegalActionError', 'adversary', 'cannot crash honest agent 0');
  });

  it('a crashed agent answers no sample', () => {
    const e = handMade({ n: 5, f: 1, faults: 'crash', honestActions: 'sampling', sampleSize: 4, maxRounds: 3 }, { faulty: [4], inputs: [0, 0, 1, 1, 1] });
    e.round((_h, a) => (a.crash[4] = 1));
    e.round((h) => (h.query[0] = 1));
    // k = n−1: agent 0's sample is everyone else; the crashed agent 4 gives no answer.
    const answers = new Map<number, number>();
    for (let t = 0; t < 4; t++) answers.set(e.game.sampleWho[(1 * 5 + 0) * 4 + t]!, e.game.sampleAnswer[(1 * 5 + 0) * 4 + t]!);
    expect(answers).toEqual(new Map([[1, 0], [2, 1], [3, 1], [4, NO_ANSWER]]));
  });

  it('omission: the adversary drops some of a faulty agent\'s messages; the agent otherwise follows the protocol', () => {
    const e = handMade({ n: 3, f: 1, faults: 'omission', honestActions: 'free', maxRounds: 2 }, { faulty: [2], inputs: [0, 0, 1] });
    e.round((h, a) => {
      sendInputs([0, 1, 2])(h, a, e.game);
      a.drop[2 * 3 + 1] = 1;
    });
    expect(e.game.received(0, 0, 2, 1)).toBe(1);
    expect(e.game.received(0, 1, 2, 1)).toBe(SILENT);
    e.round((h) => (h.decision[2] = 1));
    expect(e.game.decision[2]).toBe(1);
  });
});

describe('the slush space', () => {
  // k = n−1: every sample is all the others, so the answers are known without the chance draw.
  const everyone = { n: 4, f: 0, honestActions: 'slush', sampleSize: 3, maxRounds: 3 } as const;

  it('a sample adopts a value held by a strict majority of the answers (start-of-round preferences)', () => {
    const e = handMade(everyone, { inputs: [0, 1, 1, 0] });
    e.round((h) => [0, 1, 2, 3].forEach((i) => (h.query[i] = 1)));
    // Agent 0 heard 1, 1, 0; agent 3 heard 0, 1, 1; agents 1 and 2 heard two 0s and one 1.
    expect([0, 1, 2, 3].map((i) => e.game.preference[i])).toEqual([1, 0, 0, 1]);
    expect(e.game.sampleAnswerFrom(0, 0, 1, 1)).toBe(1);
    expect(e.game.sampleAnswerFrom(0, 0, 1, 3)).toBe(0);
    expect(e.game.sampleAnswerFrom(0, 0, 1, 0)).toBe(NO_ANSWER);
  });

  it('a decision becomes the agent\'s preference: later samples hear the decision', () => {
    const e = handMade(everyone, { inputs: [0, 1, 1, 1] });
    e.round((h) => {
      h.decision[0] = 1; // against its own input and preference 0
      [1, 2, 3].forEach((i) => (h.query[i] = 1));
    });
    expect(e.game.preference[0]).toBe(1);
    e.round((h) => [1, 2, 3].forEach((i) => (h.query[i] = 1)));
    for (const i of [1, 2, 3]) expect(e.game.sampleAnswerFrom(0, i, 2, 0)).toBe(1);
  });
});

describe('illegal honest actions are rejected with a message naming the rule', () => {
  const paper = { n: 3, f: 0, honestActions: 'paper', maxRounds: 3 } as const;
  const slush = { n: 4, f: 0, honestActions: 'slush', sampleSize: 2, maxRounds: 3 } as const;
  const everyoneSends: Script = (h, _a, game) => [0, 1, 2].forEach((i) => (h.message[i] = game.input[i]!));
  const everyoneSamples: Script = (h) => [0, 1, 2, 3].forEach((i) => (h.query[i] = 1));
  const cases: Array<[string, ScenarioInput, Script, string]> = [
    ['paper: a message other than the own input', paper, (h, a, g) => { everyoneSends(h, a, g); h.message[1] = 1 - g.input[1]!; }, 'is illegal in action space paper (only the own input'],
    ['paper: send and commit at once', paper, (h, a, g) => { everyoneSends(h, a, g); h.decision[1] = 0; }, 'action space paper has one head: exactly one of send or commit'],
    ['paper: neither send nor commit', paper, (h, a, g) => { everyoneSends(h, a, g); h.message[1] = SILENT; }, 'action space paper has one head'],
    ['free: a message outside V', { n: 3, f: 0, honestActions: 'free', maxRounds: 2 }, (h) => (h.message[1] = 2), 'message=2 is not silent or a value in 0..1'],
    ['free: a decision outside V', { n: 3, f: 0, honestActions: 'free', maxRounds: 2 }, (h) => (h.decision[1] = 2), 'decision=2 is not wait or a value in 0..1'],
    ['free: a preference', { n: 3, f: 0, honestActions: 'free', maxRounds: 2 }, (h) => (h.preference[1] = 0), 'action space free has no preference head'],
    ['relay: a preference', { n: 4, f: 0, honestActions: 'relay', maxRounds: 2 }, (h) => (h.preference[1] = 0), 'action space relay has no preference head'],
    ['slush: a message', slush, (h, a, g) => { everyoneSamples(h, a, g); h.message[1] = 0; }, 'action space slush has no message head'],
    ['slush: sample and commit at once', slush, (h, a, g) => { everyoneSamples(h, a, g); h.decision[1] = 0; }, 'action space slush has one head: exactly one of sample or commit'],
    ['slush: neither sample nor commit', slush, (h, a, g) => { everyoneSamples(h, a, g); h.query[1] = 0; }, 'action space slush has one head'],
    ['sampling: a message', { n: 4, f: 0, honestActions: 'sampling', sampleSize: 2, maxRounds: 2 }, (h) => (h.message[1] = 0), 'action space sampling has no message head'],
    ['sampling: a preference outside V', { n: 4, f: 0, honestActions: 'sampling', sampleSize: 2, maxRounds: 2 }, (h) => (h.preference[1] = 3), 'preference=3 is not keep or a value'],
    ['interactive consistency: a vector entry outside V', { n: 3, f: 0, problem: 'interactive-consistency', honestActions: 'free', maxRounds: 2 }, (h) => { h.decision[1] = 0; h.decisionVector[1 * 3 + 2] = 2; }, 'decision vector entry 2=2 is not in 0..1'],
  ];

  it.each(cases)('%s', (_name, scenario, script, rule) => {
    const e = handMade(scenario, { inputs: Array.from({ length: scenario.n }, (_, i) => i % 2) });
    expectThrowsNaming(() => e.round(script), 'IllegalActionError', 'episode 0, round 1, agent 1', rule);
  });

  it('a decided agent cannot commit again (afterCommit=continue keeps it acting)', () => {
    const e = handMade({ n: 3, f: 0, honestActions: 'free', afterCommit: 'continue', maxRounds: 3 }, { inputs: [0, 1, 1] });
    e.round((h) => (h.decision[1] = 1));
    expect(e.game.needsAction(0, 1)).toBe(true);
    expectThrowsNaming(() => e.round((h) => (h.decision[1] = 0)), 'IllegalActionError', 'round 2, agent 1', 'decided in round 1, cannot commit again');
  });

  it('the adversary\'s messages are checked too', () => {
    const e = handMade({ n: 3, f: 1, honestActions: 'free', maxRounds: 2 }, { faulty: [2], inputs: [0, 1, 1] });
    expectThrowsNaming(() => e.round((_h, a) => (a.message[2 * 3 + 0] = 2)), 'IllegalActionError', 'adversary (agent 2)', 'message=2 to 0 is not silent or a value');
  });
});

describe('copyEpisodeFrom: the verifier\'s branch point', () => {
  /** One round of uniformly random legal play from each episode's own streams. */
  function randomRound(game: GameBatch, scenario: Scenario, honest: HonestActions, adversary: AdversaryActions): void {
    const space = new ActionSpace(scenario);
    const rows = game.size * game.n;
    const mask = new Uint8Array(rows * space.maskWidth);
    const choices = new Int32Array(rows * space.headCount);
    space.legalMask(game, mask);
    for (let row = 0; row < rows; row++) {
      const b = Math.floor(row / game.n);
      space.heads.forEach((head, h) => {
        const legal = [...Array(head.size).keys()].filter((c) => mask[row * space.maskWidth + head.offset + c]);
        choices[row * space.headCount + h] = game.done[b] ? legal[0]! : legal[game.honestRandomInt(b, legal.length)]!;
      });
    }
    space.decode(game, choices, honest);
    adversary.clear();
    for (let b = 0; b < game.size; b++) {
      if (game.done[b]) continue;
      for (let i = 0; i < game.n; i++) {
        if (!game.faulty[b * game.n + i]) continue;
        for (let j = 0; j < game.n; j++) if (j !== i) adversary.message[(b * game.n + i) * game.n + j] = game.adversaryRandomInt(b, 1 + game.values) - 1;
      }
    }
    game.step(honest, adversary);
  }

  it('a copied episode continues exactly like the original (history, decisions and random streams)', () => {
    const scenario = parseScenario({ name: 'branch', n: 4, f: 1, honestActions: 'relay', maxRounds: 4 });
    const original = new GameBatch(scenario, { size: 4, seed: 11 });
    const branches = new GameBatch(scenario, { size: 2, seed: 11 });
    const honestA = new HonestActions(4, 4, scenario), advA = new AdversaryActions(4, 4, scenario);
    const honestB = new HonestActions(2, 4, scenario), advB = new AdversaryActions(2, 4, scenario);
    original.reset(100);
    randomRound(original, scenario, honestA, advA);
    branches.copyEpisodeFrom(original, 2, 0);
    branches.copyEpisodeFrom(original, 2, 1);
    branches.round = original.round;
    while (!original.allDone) randomRound(original, scenario, honestA, advA);
    while (!branches.allDone) randomRound(branches, scenario, honestB, advB);
    for (const name of ['msgValue', 'msgArrival', 'relayValue', 'decision', 'decisionRound', 'faulty', 'input', 'rng', 'roundsPlayed'] as const) {
      const stride = original[name].length / 4;
      const expected = [...original[name].subarray(2 * stride, 3 * stride)];
      expect([...branches[name].subarray(0, stride)], name).toEqual(expected);
      expect([...branches[name].subarray(stride, 2 * stride)], name).toEqual(expected);
    }
    expect(branches.episodeIndex[0]).toBe(102);
  });
});
