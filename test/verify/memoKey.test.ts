// The verifier's memo key (src/verify/_internals/keys.ts) is exact only if it holds everything an
// agent can read (src/game/view.ts). These tests verify the same games with the memo and option
// merging on and off (`verify({ memo: false })` solves every state afresh and merges nothing) and
// compare the verdicts: per chance outcome where the exhaustive search names the outcomes it wins.
//
// The zoo's protocols are tolerant of a forgotten field (a real protocol's answer rarely hinges on
// it), so each field also has a deliberately sloppy test protocol whose only weakness needs that
// field: dropping message tags, signatures or relay contents from the key each turns one of them
// "safe" (or changes its loss), and these tests fail.
import { describe, expect, it } from 'vitest';
import type { HonestActions } from '../../src/game/actions.js';
import type { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import type { Scenario } from '../../src/game/scenario.js';
import type { HonestProtocol } from '../../src/game/strategy.js';
import { getProtocol } from '../../src/protocols/registry.js';
import { verify } from '../../src/verify/verify.js';

/**
 * What the memo could change of a verdict: the method, the rates, and (exhaustive search) every
 * chance outcome the adversary wins — not the counterexample's script, of which there may be several.
 */
function verdict(scenario: Scenario, protocol: HonestProtocol, memo: boolean) {
  const result = verify({ scenario, honest: protocol, memo, maxStates: 5_000_000 });
  return {
    verdict: result.verdict,
    method: result.method,
    worstCaseLossRate: result.worstCaseLossRate,
    breakRate: result.breakRate,
    worstCaseMajorityCorrectRate: result.worstCaseMajorityCorrectRate,
    lost: result.verdict === 'unsafe' && result.method === 'exhaustive' ? result.attacks.map((a) => JSON.stringify(a.setup)).sort() : undefined,
  };
}

/** A test protocol from its round-by-round rule for one agent (called for every agent that needs an action). */
function sloppy(name: string, rule: (game: GameBatch, b: number, i: number, out: HonestActions) => void): HonestProtocol {
  return {
    name,
    summary: 'a deliberately sloppy test protocol',
    assumptions: 'none',
    source: 'test',
    memorySlots: 0,
    refuse: () => undefined,
    act(game, out) {
      for (let b = 0; b < game.size; b++) for (let i = 0; i < game.n; i++) if (game.needsAction(b, i)) rule(game, b, i, out);
    },
  };
}

describe('the memo changes no answer (zoo protocols, maxRounds ≥ 4)', () => {
  it.each([
    ['eig (relays)', { n: 3, f: 1, honestActions: 'relay', maxRounds: 4 }, 'eig'],
    ['dolev-strong (pki signatures and relays)', { n: 3, f: 1, problem: 'broadcast', identity: 'pki', honestActions: 'relay', maxRounds: 4 }, 'dolev-strong'],
    ['dolev-strong without signatures', { n: 3, f: 1, problem: 'broadcast', honestActions: 'relay', maxRounds: 4 }, 'dolev-strong'],
    ['dolev-strong with chains of 3 signatures (pki: chain signatures)', { n: 3, f: 1, problem: 'broadcast', identity: 'pki', honestActions: 'relay', maxRounds: 4, relayDepth: 3 }, 'dolev-strong'],
  ] as const)('%s', (_label, input, name) => {
    const scenario = loadScenario({ ...input });
    const protocol = getProtocol(name);
    const off = verdict(scenario, protocol, false);
    expect(off.method).toBe('exhaustive');
    expect(verdict(scenario, protocol, true)).toEqual(off);
  });
});

describe('a key that forgets a field changes the answer (sloppy protocols)', () => {
  it('message tags: a round-1 message tagged 1 carrying 1 makes an agent commit 1', () => {
    // Everyone sends its input tagged 1; in round 4 an agent commits 1 if some round-1 message
    // tagged 1 carried 1, else its input. With both honest inputs 0 the Byzantine agent sends
    // "1, tag 1" to one of them only; "1, tag 0" is harmless — the two differ only in the tag.
    const scenario = loadScenario({ n: 3, f: 1, honestActions: 'free', maxRounds: 4 });
    const tagTrust = sloppy('tag-trust', (game, b, i, out) => {
      const a = b * game.n + i;
      if (game.round === 1) {
        out.message[a] = game.input[a]!;
        out.tag[a] = 1;
      }
      if (game.round < 4) return;
      let decision = game.input[a]!;
      for (let j = 0; j < game.n; j++) if (j !== i && game.received(b, i, j, 1) === 1 && game.receivedTag(b, i, j, 1) === 1) decision = 1;
      out.decision[a] = decision;
    });
    const off = verdict(scenario, tagTrust, false);
    expect(off.worstCaseLossRate).toBe(1 / 4); // the honest inputs are both 0
    expect(verdict(scenario, tagTrust, true)).toEqual(off);
  });

  it('relay contents: a round-1 relay claiming 1 makes an agent commit 1', () => {
    // No honest agent sends; in round 3 an agent commits 1 if a relay sent in round 1 claims 1
    // about anyone, else its input. The Byzantine agent's relays "o said 0" and "o said 1" reach
    // the same envelope and differ only in the relay's contents.
    const scenario = loadScenario({ n: 3, f: 1, honestActions: 'relay', maxRounds: 4 });
    const relayTrust = sloppy('relay-trust', (game, b, i, out) => {
      if (game.round < 3) return;
      const a = b * game.n + i;
      let decision = game.input[a]!;
      for (let j = 0; j < game.n; j++) for (let o = 0; o < game.n; o++) if (j !== i && game.relayed(b, i, j, o, 1) === 1) decision = 1;
      out.decision[a] = decision;
    });
    const off = verdict(scenario, relayTrust, false);
    // Honest inputs 0 and 1 disagree by themselves; both 0 lose only to the relay "o said 1".
    expect(off.worstCaseLossRate).toBe(3 / 4);
    expect(verdict(scenario, relayTrust, true)).toEqual(off);
  });

  it('signatures: what an agent signed by a coin decides what the adversary may claim about it', () => {
    // pki, agent 2 Byzantine. Agent 0 sends a fair coin in round 1 (it keeps no record of it);
    // agent 1 sends its input and commits it at once (halting). In round 4 agent 0 commits agent 1's
    // value — or the other value if a relay claims "agent 0 said 1", which under pki the adversary
    // may show only if the coin was 1. The states after coin 0 and coin 1 differ only in what agent
    // 0 signed, so the optimal adversary wins with probability 1/2 exactly.
    const scenario = loadScenario({ n: 3, f: 1, identity: 'pki', honestActions: 'relay', faultyPlacement: 'fixed', maxRounds: 4 });
    const coinSigner = sloppy('coin-signer', (game, b, i, out) => {
      const a = b * game.n + i;
      if (i !== 0) {
        if (game.round === 1) {
          out.message[a] = game.input[a]!;
          out.decision[a] = game.input[a]!;
        }
        return;
      }
      if (game.round === 1) out.message[a] = game.honestRandomInt(b, 2);
      if (game.round < 4) return;
      const heard = game.received(b, 0, 1, 1);
      let accused = false;
      for (let s = 2; s < 4; s++) if (game.relayed(b, 0, 2, 0, s) === 1) accused = true;
      out.decision[a] = heard < 0 ? game.input[a]! : accused ? 1 - heard : heard;
    });
    const off = verdict(scenario, coinSigner, false);
    // Agent 2 is always the faulty one and every input assignment loses with probability 1/2.
    expect(off).toMatchObject({ method: 'expectimax', worstCaseLossRate: 1 / 2 });
    expect(verdict(scenario, coinSigner, true)).toEqual(off);
  });

  it('ben-or (tags naming the phase) on a small crash game: expectimax agrees with and without the memo', () => {
    const scenario = loadScenario({ n: 3, f: 1, faults: 'crash', honestActions: 'free', afterCommit: 'continue', maxRounds: 4 });
    const protocol = getProtocol('ben-or');
    const off = verdict(scenario, protocol, false);
    expect(off.method).toBe('expectimax');
    expect(verdict(scenario, protocol, true)).toEqual(off);
  });
});
