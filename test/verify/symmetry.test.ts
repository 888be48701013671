// The symmetry reduction (src/verify/_internals/symmetry.ts) must change nothing but the work:
// the same verdict and rates with and without it, counterexamples and attacks that replay, a false
// declaration refused, and a canonical key that really is one per orbit.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { everyAgentAlike, type HonestProtocol } from '../../src/game/strategy.js';
import { createScriptedAdversary } from '../../src/protocols/adversaries/scripted.js';
import { getProtocol } from '../../src/protocols/registry.js';
import { RefusedError } from '../../src/protocols/types.js';
import { jointKey } from '../../src/verify/_internals/keys.js';
import { generateMoves, writeOption } from '../../src/verify/_internals/moves.js';
import { AgentRenamer, candidateRenamings, checkAgentRoles, permutationsPreserving, searchClasses, verificationRoles } from '../../src/verify/_internals/symmetry.js';
import { replayCounterexample, verify, type VerifyResult } from '../../src/verify/verify.js';

const STRB = 'examples/bymc/strb.ta[T=1]';

/** What the reduction must not change. */
const answer = (r: VerifyResult) => ({ verdict: r.verdict, violations: r.violations, worstCaseLossRate: r.worstCaseLossRate, breakRate: r.breakRate, chanceOutcomes: r.chanceOutcomes });

describe('symmetry reduction: the same answers with less work', () => {
  it.each([
    ['ba-n3-f1', 'eig', [], 'unsafe', undefined],
    ['ba-n4-f1', 'majority', [], 'unsafe', undefined],
    ['ic-n4-f1', 'eig', [], 'safe', [[3]]],
    ['bb-pki-n3-f1', 'dolev-strong', [], 'safe', undefined],
    ['bb-pki-n3-f1', 'dolev-strong', ['identity=authenticated'], 'unsafe', undefined],
    ['ba-n4-f1', 'phase-king', ['maxRounds=5', 'honestActions=free'], 'unsafe', [[1]]],
    ['ba-n4-f1', 'majority', ['timing=async', 'maxDelay=1', 'maxRounds=3'], 'unsafe', undefined],
    ['partial-sync-crash', 'majority', ['maxRounds=3'], 'unsafe', undefined],
    ['ba-n4-f1', 'majority', ['faults=omission', 'maxRounds=3', 'honestActions=free'], 'unsafe', undefined],
  ] as const)('%s %s %j: verdict, loss and break rates equal with and without it', (preset, honest, overrides, verdict, faultySets) => {
    const scenario = loadScenario(preset, [...overrides]);
    const options = { scenario, honest, ...(faultySets && { faultySets }) };
    const reduced = verify(options);
    const full = verify({ ...options, symmetry: false });
    expect(reduced.verdict).toBe(verdict);
    expect(answer(reduced)).toEqual(answer(full));
    expect(full.orbits).toBeUndefined();
    expect(reduced.states).toBeLessThan(full.states);
    if (reduced.verdict === 'unsafe' && full.verdict === 'unsafe') {
      // The first shortest counterexample falls on the same chance outcome, in as many rounds.
      expect(reduced.counterexample.setup).toEqual(full.counterexample.setup);
      expect(reduced.counterexample.rounds).toBe(full.counterexample.rounds);
      // Every outcome the adversary wins has an attack, renamed from its orbit's representative.
      expect(reduced.attacks.map((a) => a.setup)).toEqual(full.attacks.map((a) => a.setup));
      for (const attack of reduced.attacks) expect(replayCounterexample(scenario, honest, attack.setup, attack.script).violated.length, JSON.stringify(attack.setup)).toBeGreaterThan(0);
    }
  });

  it('reports the orbits searched next to the chance outcomes: EIG at n=4, f=1 has 32 outcomes in 4 orbits', () => {
    const result = verify({ scenario: loadScenario('ba-n4-f1'), honest: 'eig', maxStates: 1e6 });
    expect(result).toMatchObject({ verdict: 'safe', chanceOutcomes: 32, orbits: 4 });
  });
});

/** Agent 0 always proposes 0 (a tie rule that names an agent): not symmetric, whatever it declares. */
const lopsided: HonestProtocol = {
  ...getProtocol('majority'),
  name: 'lopsided-majority',
  agentRoles: everyAgentAlike,
  act(game, out) {
    getProtocol('majority').act(game, out);
    for (let b = 0; b < game.size; b++) if (game.needsAction(b, 0) && out.message[b * game.n] >= 0) out.message[b * game.n] = 0;
  },
};

describe('symmetry reduction: a declaration is checked before it is used', () => {
  it('a protocol that falsely declares its agents alike is refused in one line', () => {
    const scenario = loadScenario('ba-n4-f1');
    expect(() => verify({ scenario, honest: lopsided })).toThrow(RefusedError);
    expect(() => verify({ scenario, honest: lopsided })).toThrow(/^lopsided-majority: declares agents with equal agentRoles \[0,0,0,0\] interchangeable, but renaming them \(.*\) changes its message .* in round 1/);
    // Switched off, the same protocol is verified as it is.
    expect(verify({ scenario, honest: lopsided, symmetry: false }).verdict).toBe('unsafe');
  });

  it('a sender or a king declared like everyone else is caught', () => {
    for (const [preset, name] of [['bb-pki-n3-f1', 'dolev-strong'], ['phase-king-n5-f1', 'phase-king'], ['ba-n4-f1', 'majority']] as const) {
      const scenario = loadScenario(preset, name === 'majority' ? ['problem=broadcast'] : []);
      const check = checkAgentRoles(getProtocol(name), scenario, everyAgentAlike(scenario));
      expect(check.ok, `${name} on ${preset}`).toBe(false);
    }
  });

  it('a threshold automaton declares every process a copy; its coins (a choice among enabled rules) keep it out of the reduction', () => {
    const scenario = loadScenario('ba-n4-f1', ['timing=async', 'maxDelay=1', 'maxRounds=4', 'honestActions=free']);
    const protocol = getProtocol(STRB, scenario);
    expect(protocol.agentRoles!(scenario)).toEqual([0, 0, 0, 0]);
    expect(checkAgentRoles(protocol, scenario, [0, 0, 0, 0]).ok).not.toBe(false);
  });

  it('broadcast\'s sender is judged apart, so it keeps a role of its own whatever a protocol declares', () => {
    expect(verificationRoles([0, 0, 0, 0], loadScenario('bb-pki-n3-f1', ['n=4']))).toEqual([-1, 0, 0, 0]);
    expect(verificationRoles([0, 0, 0, 0], loadScenario('ba-n4-f1'))).toEqual([0, 0, 0, 0]);
  });

  it('the zoo\'s declarations hold', () => {
    for (const [preset, name] of [['ba-n4-f1', 'eig'], ['ic-n4-f1', 'eig'], ['bb-pki-n4-f2', 'dolev-strong'], ['phase-king-n5-f1', 'phase-king'], ['ba-n4-f1', 'majority']] as const) {
      const scenario = loadScenario(preset);
      const protocol = getProtocol(name);
      expect(checkAgentRoles(protocol, scenario, protocol.agentRoles!(scenario)), `${name} on ${preset}`).toEqual({ ok: true });
    }
  });
});

describe('symmetry reduction: the canonical key', () => {
  it('is the same for a state and every renaming of it that keeps roles, inputs and faulty agents', () => {
    const scenario = loadScenario('ba-n4-f1', ['n=5']);
    const protocol = getProtocol('eig');
    const renamer = new AgentRenamer(scenario);
    const game = new GameBatch(scenario, { size: 1 });
    const renamed = new GameBatch(scenario, { size: 1 });
    const scratch = new GameBatch(scenario, { size: 1 });
    const canonical = (g: GameBatch, classes: number[][]) => {
      let best: string | undefined;
      scratch.round = g.round;
      for (const perm of candidateRenamings(g, 0, classes)) {
        renamer.permuteEpisode(g, 0, scratch, 0, perm);
        const key = jointKey(scratch, 0);
        if (best === undefined || key < best) best = key;
      }
      return best!;
    };
    const setup = { faulty: [4], inputs: [1, 1, 1, 1, 0] };
    const classes = searchClasses(protocol.agentRoles!(scenario), setup, true)!;
    expect(classes).toEqual([[0, 1, 2, 3]]);
    const group = permutationsPreserving(['a', 'a', 'a', 'a', 'f'])!;
    let checked = 0;
    // States after round 1 and 2 under a few adversaries, each renamed by all 24 renamings.
    for (const script of [[{ messages: [[4, 0, 0, 0], [4, 1, 1, 0]] }], [{ messages: [[4, 2, 1, 0]] }, { relays: [[4, 0, 1, 0], [4, 3, 2, 1]] }]] as const) {
      game.reset(0);
      game.setup(0, setup);
      const adversary = createScriptedAdversary(script as never);
      const honest = new HonestActions(1, scenario.n, scenario);
      const actions = new AdversaryActions(1, scenario.n, scenario);
      for (let r = 1; r <= script.length; r++) {
        honest.clear();
        actions.clear();
        protocol.act(game, honest);
        adversary.act(game, honest, actions);
        game.step(honest, actions);
      }
      const key = canonical(game, classes);
      const distinct = new Set<string>();
      for (const perm of group) {
        renamed.round = game.round;
        renamer.permuteEpisode(game, 0, renamed, 0, perm);
        distinct.add(jointKey(renamed, 0));
        expect(canonical(renamed, classes)).toBe(key);
        checked++;
      }
      expect(distinct.size).toBeGreaterThan(1); // the renamings did make different states
    }
    expect(checked).toBe(48);
  });
});

describe('symmetry reduction: renamed answers', () => {
  it('a renamed move, option by option, is the renamed adversary choice (what a memoised last step is replayed with)', () => {
    const scenario = loadScenario('bb-pki-n3-f1', ['n=4', 'identity=authenticated']);
    const protocol = getProtocol('dolev-strong');
    const renamer = new AgentRenamer(scenario);
    const perm = [0, 2, 3, 1]; // the sender stays, the others rotate
    const game = new GameBatch(scenario, { size: 2 });
    const renamed = new GameBatch(scenario, { size: 2 });
    const expected = new GameBatch(scenario, { size: 1 });
    game.reset(0);
    game.setup(0, { faulty: [1], inputs: [1, 0, 0, 0] });
    const honest = new HonestActions(2, scenario.n, scenario);
    protocol.act(game, honest);
    game.step(honest, new AdversaryActions(2, scenario.n, scenario)); // round 1, the faulty agent silent
    game.round = renamed.round = expected.round = 2;
    honest.clear();
    protocol.act(game, honest);
    const moves = generateMoves(game, 0, honest);
    let compared = 0;
    for (const m of moves[0]!.recipients) {
      const m2 = renamer.renameMove(moves[0]!, perm).recipients.find((x) => x.recipient === perm[m.recipient])!;
      for (let t = 0; t < m.count; t += Math.max(1, Math.floor(m.count / 7))) {
        // Option t of the original on the original state, and option t of the renamed move on the renamed state.
        game.copyEpisodeFrom(game, 0, 1);
        renamer.permuteEpisode(game, 0, renamed, 1, perm);
        const original = new AdversaryActions(2, scenario.n, scenario);
        const copy = new AdversaryActions(2, scenario.n, scenario);
        writeOption(game, 1, m, t, original);
        writeOption(renamed, 1, m2, t, copy);
        const honestOriginal = new HonestActions(2, scenario.n, scenario);
        const honestRenamed = new HonestActions(2, scenario.n, scenario);
        game.done[0] = renamed.done[0] = 1;
        game.done[1] = renamed.done[1] = 0;
        protocol.act(game, honestOriginal);
        protocol.act(renamed, honestRenamed);
        game.done[1] = renamed.done[1] = 0;
        game.step(honestOriginal, original);
        renamed.step(honestRenamed, copy);
        expected.round = renamed.round;
        renamer.permuteEpisode(game, 1, expected, 0, perm);
        expect(jointKey(renamed, 1)).toBe(jointKey(expected, 0));
        game.round = renamed.round = 2;
        game.done[0] = 0;
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5);
  });
});

describe('symmetry reduction: renamed outcome sets', () => {
  it('moves each honest agent\'s set to its new name and, under interactive consistency, renames the decision vector\'s entries', () => {
    const scenario = loadScenario('ic-n4-f1');
    const renamer = new AgentRenamer(scenario);
    const honestIds = [0, 1, 2]; // agent 3 faulty
    const perm = [1, 2, 0, 3];
    // Vectors coded base 2, entry j at 2^j (outcomes.ts): agent 0 can decide (1,0,0,0) = 1; agent 1 (0,0,1,0) = 4 or undecided.
    const sets = [new Map([[1, 'a']]), new Map([[4, 'b'], [-1, 'c']]), new Map<number, string>()];
    const renamed = renamer.renameSets(sets, honestIds, perm);
    // Agent 0 is now agent 1, entry 0 now entry 1: (0,1,0,0) = 2; agent 1 is now agent 2, entry 2 now entry 0: (1,0,0,0) = 1.
    expect(renamed).toEqual([new Map(), new Map([[2, 'a']]), new Map([[1, 'b'], [-1, 'c']])]);
    // Under agreement the codes are values, kept.
    expect(new AgentRenamer(loadScenario('ba-n4-f1')).renameSets(sets, honestIds, perm)[1]).toBe(sets[0]);
  });
});
