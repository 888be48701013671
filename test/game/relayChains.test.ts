// Relay chains deeper than one hop (docs/GAME.md reading 2): the path-slot tables, what an honest
// relay forwards, what a faulty relayer may forward under pki, and the memory the chains take.
import { describe, expect, it } from 'vitest';
import { IllegalActionError, SILENT } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { chainSlotCount, RelayChains } from '../../src/game/relayChains.js';
import { parseScenario, relayDepthOf, ScenarioError } from '../../src/game/scenario.js';
import { expectThrowsNaming, handMade } from './helpers.js';

describe('RelayChains', () => {
  it('keeps the one-hop layout (slot o = origin o) and counts paths of distinct agents', () => {
    expect(chainSlotCount(4, 2)).toBe(4);
    expect(chainSlotCount(4, 3)).toBe(4 + 4 * 3);
    expect(chainSlotCount(7, 3)).toBe(7 + 7 * 6);
    expect(chainSlotCount(4, 4)).toBe(4 + 12 + 24);
    const chains = RelayChains.of(4, 3);
    expect(chains.count).toBe(16);
    for (let o = 0; o < 4; o++) expect(chains.agents(o)).toEqual([o]);
    for (let p = 0; p < chains.count; p++) expect(chains.index(chains.agents(p))).toBe(p);
    expect(chains.index([2, 2])).toBe(-1); // signatures are distinct agents
    expect(chains.index([0, 1, 2])).toBe(-1); // three agents before the relayer: 4 signatures > depth 3
    expect(chains.first[chains.index([3, 1])]).toBe(3);
  });

  it('is refused where its tables would not fit, naming the slots', () => {
    expectThrowsNaming(() => RelayChains.of(16, 6), 'RangeError', 'relay chains of depth 6 at n=16 need 571456 slots per envelope (at most 65536)', 'use a smaller relayDepth');
  });
});

describe('scenario relayDepth', () => {
  it('defaults to f+1, at least one hop', () => {
    expect(relayDepthOf(parseScenario({ n: 4, f: 1, honestActions: 'relay', maxRounds: 3 }))).toBe(2);
    expect(relayDepthOf(parseScenario({ n: 4, f: 0, honestActions: 'relay', maxRounds: 3 }))).toBe(2);
    expect(relayDepthOf(parseScenario({ n: 7, f: 2, honestActions: 'relay', maxRounds: 4 }))).toBe(3);
  });

  it('is checked against n and the action space in one line', () => {
    expect(() => parseScenario({ n: 3, f: 1, honestActions: 'relay', maxRounds: 3, relayDepth: 4 })).toThrow(
      new ScenarioError('scenario: relayDepth=4: must be ≤ n=3 (a chain\'s signatures are distinct agents)'),
    );
    expect(() => parseScenario({ n: 3, f: 1, maxRounds: 3, relayDepth: 2 })).toThrow(new ScenarioError('scenario: relayDepth=2: needs honestActions=relay (got free)'));
  });

  it('sizes the relay history, and a batch that would not fit is refused', () => {
    const deep = parseScenario({ n: 12, f: 3, honestActions: 'relay', maxRounds: 5 });
    const relayHistory = 5 * 12 * 12 * chainSlotCount(12, 4);
    expect(GameBatch.bytesPerEpisode(deep)).toBeGreaterThan(relayHistory);
    expect(GameBatch.bytesPerEpisode(deep)).toBeLessThan(relayHistory + 64 * 1024);
    expectThrowsNaming(() => new GameBatch(deep, { size: 1_000_000 }), 'RangeError', 'a batch of 1000000 episodes needs', 'use a smaller batch');
  });
});

describe('a relay forwards chains', () => {
  const threeAgents = { n: 3, f: 0, honestActions: 'relay', maxRounds: 4, relayDepth: 3 } as const;

  it('forwards the chains it received at the start of the round, one signature deeper', () => {
    const { game, round } = handMade(threeAgents, { inputs: [1, 0, 0] });
    round((h) => (h.message[0] = 1)); // 0 → all: 1
    round((h) => (h.relay[1] = 1)); // 1 forwards (0):1 as 0→1
    round((h) => (h.relay[2] = 1)); // 2 forwards the chain 0→1 as 0→1→2
    const chains = game.chains!;
    expect(game.relayedChain(0, 0, 1, 0, 2)).toBe(1);
    expect(game.relayedChain(0, 0, 2, chains.index([0, 1]), 3)).toBe(1);
    // Nothing arrived from 0 directly at the start of round 3, and 2's own chains are not in its relay.
    expect(game.relayedChain(0, 0, 2, 0, 3)).toBe(SILENT);
    expect(game.relayedChain(0, 1, 2, chains.index([1, 2]), 3)).toBe(SILENT);
  });

  it('forwards only chains with enough signatures when the protocol asks (relayMinSignatures)', () => {
    const { game, round } = handMade(threeAgents, { inputs: [1, 0, 0] });
    round((h) => (h.message[0] = 1));
    round((h) => {
      h.relay[1] = 1;
      h.relayMinSignatures[1] = 3; // (0) with 1's signature has 2
    });
    expect(game.arrivalRound(0, 2, 1, 2)).toBe(0); // an empty bundle is not sent
  });
});

describe('pki: a chain carries its honest signers', () => {
  // Agents 0, 1 honest; 2, 3 faulty. 0 signs 0 in round 1; 1 forwards (0):0 in round 2.
  const scenario = { n: 4, f: 2, problem: 'broadcast', identity: 'pki', honestActions: 'relay', maxRounds: 4 } as const;
  const relay = (game: GameBatch, relayer: number, recipient: number, path: number[]) =>
    ((relayer * game.n + recipient) * game.chainSlots) + game.chains!.index(path);

  function played(identity: 'pki' | 'authenticated') {
    const made = handMade({ ...scenario, identity }, { faulty: [2, 3], inputs: [0, 0, 0, 0] });
    made.round((h) => (h.message[0] = 0));
    made.round((h) => (h.relay[1] = 1));
    return made;
  }

  it('lets a faulty relayer forward a genuine chain', () => {
    const { game, round } = played('pki');
    round((_h, adversary) => (adversary.relay[relay(game, 2, 1, [0, 1])] = 0));
    expect(game.relayedChain(0, 1, 2, game.chains!.index([0, 1]), 3)).toBe(0);
  });

  it('refuses a forged chain: an honest relayer never forwarded that value', () => {
    const { game, round } = played('pki');
    expectThrowsNaming(
      () => round((_h, adversary) => (adversary.relay[relay(game, 2, 0, [0, 1])] = 1)),
      IllegalActionError.name,
      'round 3, adversary (agent 2)',
      'cannot forge an honest signature in chain 0>1 on 1',
    );
  });

  it('refuses a chain through an honest agent that signed nothing, even behind a faulty one', () => {
    const { game, round } = played('pki');
    expect(() => round((_h, adversary) => (adversary.relay[relay(game, 2, 0, [1, 3])] = 0))).toThrow(IllegalActionError);
  });

  it('refuses a signature made in the same round (it cannot have arrived yet)', () => {
    const { game, round } = handMade(scenario, { faulty: [2, 3], inputs: [0, 0, 0, 0] });
    round((h) => (h.message[0] = 0));
    expect(() =>
      round((h, adversary) => {
        h.relay[1] = 1;
        adversary.relay[relay(game, 2, 0, [0, 1])] = 0;
      }),
    ).toThrow(IllegalActionError);
  });

  it('lets faulty agents sign anything of their own, and claim anything without pki', () => {
    const { game, round } = played('pki');
    round((_h, adversary) => (adversary.relay[relay(game, 2, 1, [3, 0])] = SILENT)); // 0 never relayed (3)
    round((_h, adversary) => (adversary.relay[relay(game, 2, 1, [3])] = 1));
    expect(game.legalChainValues(0, game.chains!.index([0, 3]))).toBe(0b01);
    const unsigned = played('authenticated');
    unsigned.round((_h, adversary) => (adversary.relay[relay(unsigned.game, 2, 0, [0, 1])] = 1));
    expect(unsigned.game.relayedChain(0, 0, 2, unsigned.game.chains!.index([0, 1]), 3)).toBe(1);
  });

  it('rejects a chain through the relayer itself', () => {
    const { game, round } = played('pki');
    expectThrowsNaming(() => round((_h, adversary) => (adversary.relay[relay(game, 2, 0, [3, 2])] = 1)), IllegalActionError.name, "chain 3>2 already carries the relayer's signature");
  });
});
