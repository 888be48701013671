// A state met in the memo under symmetry is answered from its canonical state's answer, renamed back
// (search.ts `solve`: stored renamed by the canonicalising π, returned renamed by π⁻¹). A wrong
// inverse shows only where the renaming is not its own inverse, and only in a state whose winning
// attack depends on who is who: the zoo's protocols are symmetric enough that their witnesses replay
// either way. So this test brings a protocol whose state after round 1 decides which agent the
// adversary must target, and asks the search's memo for every renaming of such states — among them
// the 3-cycles of three interchangeable honest agents.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch, type EpisodeSetup } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { RNG_WORDS, seedStream, Stream } from '../../src/game/rng.js';
import { everyAgentAlike, type HonestProtocol } from '../../src/game/strategy.js';
import { writeRound, type ScriptRound } from '../../src/protocols/adversaries/scripted.js';
import { randomChoice } from '../../src/verify/_internals/moves.js';
import { Search, type StateResult } from '../../src/verify/_internals/search.js';
import { AgentRenamer, checkAgentRoles, inverse, permutationsPreserving, searchClasses } from '../../src/verify/_internals/symmetry.js';
import { replayCounterexample } from '../../src/verify/verify.js';

const counts = new Int32Array(2);

/**
 * Sends its input in rounds 1 and 2; commits in round 3: its input, unless round 1 brought a value
 * other than its input ("doubtful") and round 2 a 0 — then 0. It names no agent (equivariant), but an
 * agent made doubtful in round 1 is the only one the adversary can sway in round 2.
 */
const doubtful: HonestProtocol = {
  name: 'doubtful',
  summary: 'input twice, then the input unless doubted in round 1 and shown a 0 in round 2',
  assumptions: 'none (a test protocol)',
  source: 'test/verify/symmetryMemo.test.ts',
  memorySlots: 0,
  agentRoles: everyAgentAlike,
  refuse: () => undefined,
  act(game, out) {
    const n = game.n;
    for (let b = 0; b < game.size; b++)
      for (let i = 0; i < n; i++) {
        if (!game.needsAction(b, i)) continue;
        const a = b * n + i;
        const input = game.input[a]!;
        if (game.round < 3) {
          out.message[a] = input;
          continue;
        }
        counts.fill(0);
        game.countReceived(b, i, 1, counts);
        const doubted = counts[1 - input]! > 0;
        counts.fill(0);
        game.countReceived(b, i, 2, counts);
        out.decision[a] = doubted && counts[0]! > 0 ? 0 : input;
      }
  },
};

describe('symmetry reduction: answers met in the memo are renamed back to the state met', () => {
  const scenario = loadScenario('ba-n4-f1', ['honestActions=free', 'maxRounds=3']);
  // Agent 3 Byzantine; 0, 1, 2 honest with input 1: one class of three (searchClasses).
  const setup: EpisodeSetup = { faulty: [3], inputs: [1, 1, 1, 0] };
  const classes = searchClasses(everyAgentAlike(scenario), setup, true)!;
  const renamings = permutationsPreserving([0, 0, 0, 1])!.slice(1); // every renaming of the class but the identity

  it('the setting is what the test needs: a checked declaration, one class of three, 3-cycles among the renamings', () => {
    expect(checkAgentRoles(doubtful, scenario, everyAgentAlike(scenario))).toEqual({ ok: true });
    expect(classes).toEqual([[0, 1, 2]]);
    expect(renamings.filter((perm) => inverse(perm).join() !== perm.join()).length).toBe(2);
  });

  it('every renaming of a state after a random first round gets the answer solved without renamings, and a witness that replays from it', () => {
    const protocol = doubtful;
    const roles = everyAgentAlike(scenario);
    const search = new Search(scenario, protocol, 1e6, { symmetry: roles });
    // The reference: the same states solved without symmetry (so no answer is renamed).
    const reference = new Search(scenario, protocol, 1e6, {});
    const root = new GameBatch(scenario, { size: 1 });
    root.reset(0);
    root.setup(0, setup);
    expect(search.solveRoot(root, 0).mask).not.toBe(0);
    reference.solveRoot(root, 0);
    /** Per global move, per honest agent: the outcomes the adversary can still bring about. */
    const reachable = (result: StateResult) => result.final?.globals.map((g) => g.sets.map((set) => [...set.keys()].sort((x, y) => x - y)));

    const renamer = new AgentRenamer(scenario);
    const state = new GameBatch(scenario, { size: 1 });
    const renamed = new GameBatch(scenario, { size: 1 });
    const honest = new HonestActions(1, scenario.n, scenario);
    const adversary = new AdversaryActions(1, scenario.n, scenario);
    const rng = new Uint32Array(RNG_WORDS);
    seedStream(rng, 0, 0x3c1e, 0, Stream.adversary);
    let witnesses = 0;
    for (let p = 0; p < 8; p++) {
      state.reset(0);
      state.setup(0, setup);
      honest.clear();
      adversary.clear();
      protocol.act(state, honest);
      const first: ScriptRound = randomChoice(state, 0, honest, undefined, rng);
      writeRound(state, 0, first, adversary);
      state.step(honest, adversary);
      search.solveState(state, 0); // met first: solved and stored under its canonical key
      for (const perm of renamings) {
        renamed.round = state.round;
        renamer.permuteEpisode(state, 0, renamed, 0, perm);
        const answer = search.solveState(renamed, 0);
        const fresh = reference.solveState(renamed, 0);
        const where = `renaming ${perm.join(',')} after round 1 ${JSON.stringify(first)}`;
        expect({ mask: answer.mask, depth: answer.depth }, where).toEqual({ mask: fresh.mask, depth: fresh.depth });
        expect(reachable(answer), where).toEqual(reachable(fresh));
        if (!answer.witness) continue;
        const replay = replayCounterexample(scenario, protocol, setup, [renamer.renameRound(first, perm), ...answer.witness]);
        expect(replay.violated, `${where}: witness ${JSON.stringify(answer.witness)}`).not.toEqual([]);
        witnesses++;
      }
    }
    expect(witnesses).toBeGreaterThan(10);
  });
});
