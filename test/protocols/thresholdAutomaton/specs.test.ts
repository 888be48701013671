// A threshold automaton's own specifications, evaluated on played episodes: the ByMC suite's
// published verdicts (every safety specification holds inside the assumptions: Konnov & Widder,
// ISoLA 2018; TACO, CAV 2026 — examples/bymc/README.md) are what the runs must agree with.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/game/scenario.js';
import { createScriptedAdversary } from '../../../src/protocols/adversaries/scripted.js';
import { getAdversary, getProtocol } from '../../../src/protocols/registry.js';
import { parseThresholdAutomaton } from '../../../src/protocols/thresholdAutomaton/parse.js';
import { fromAutomaton, type AutomatonProtocol } from '../../../src/protocols/thresholdAutomaton/protocol.js';
import { randomTagsAdversary } from '../../../src/protocols/thresholdAutomaton/randomTags.js';
import { checkSpecifications, specKind } from '../../../src/protocols/thresholdAutomaton/specs.js';
import { BYMC, PUBLISHED, ta } from './smallest.js';

const scenario = (n: number, f: number, faults: 'byzantine' | 'crash') =>
  parseScenario({ name: 'ta', n, f, faults, timing: 'async', maxDelay: 2, maxRounds: 12, honestActions: 'free' });


describe('the ByMC files against their own specifications', () => {
  it.each(PUBLISHED)('%s at n=%i, f=%i (%s): every safety specification holds, as published', (file, n, f, faults, params) => {
    const s = scenario(n, f, faults);
    const protocol = getProtocol(ta(file, params), s) as AutomatonProtocol;
    const adversaries = faults === 'crash' ? [getAdversary('crash', s), getAdversary('random', s)] : [getAdversary('equivocate', s), randomTagsAdversary];
    for (const adversary of adversaries) {
      const specs = checkSpecifications({ scenario: s, protocol, adversary, episodes: 300, seed: 2 });
      const safety = Object.entries(specs).filter(([, r]) => r.kind === 'safety');
      expect(safety.length).toBeGreaterThan(0);
      for (const [name, result] of safety) expect({ name, holds: result.holds }).toEqual({ name, holds: true });
    }
  });

  it("n-rabc at N=4, T=F=1 breaks validity0 even under its own symmetric faults (no verdict is published for it)", () => {
    // n-rabc's faulty locations send one message per phase, any value, the same to all (after Bracha's
    // broadcast). A phase-2 "1" lets two correct processes that started with 0 see no majority and send
    // "?"; two "?" send a process to the coin, which may give 1 (locE1). The README there lists no
    // verdict for n-rabc; this run finds the counterexample, and agreement still holds.
    const s = scenario(4, 1, 'byzantine');
    const protocol = getProtocol(`${BYMC}/n-rabc.ta[T=1]`, s) as AutomatonProtocol;
    const symmetric = {
      name: 'symmetric',
      summary: 'one message per phase, a random value, the same to all',
      refuse: () => undefined,
      act(game: Parameters<typeof randomTagsAdversary.act>[0], _honest: Parameters<typeof randomTagsAdversary.act>[1], out: Parameters<typeof randomTagsAdversary.act>[2]) {
        const n = game.n;
        for (let b = 0; b < game.size; b++) {
          if (game.done[b]) continue;
          for (let i = 0; i < n; i++) {
            if (!game.faulty[b * n + i] || game.round > 3) continue;
            // Types: s10 s11 | s20 s21 | s30 s31 s3bot (tags 1..7).
            const tag = game.round === 1 ? 1 + game.adversaryRandomInt(b, 2) : game.round === 2 ? 3 + game.adversaryRandomInt(b, 2) : 5 + game.adversaryRandomInt(b, 3);
            for (let j = 0; j < n; j++) if (j !== i) [out.message[(b * n + i) * n + j], out.tag[(b * n + i) * n + j]] = [0, tag];
          }
          for (let e = b * n * n; e < (b + 1) * n * n; e++) out.delay[e] = game.adversaryRandomInt(b, game.maxDelay + 1);
        }
      },
    };
    const specs = checkSpecifications({ scenario: s, protocol, adversary: symmetric, episodes: 1000, seed: 1 });
    expect(specs.validity0).toMatchObject({ kind: 'safety', holds: false });
    expect([specs.agreement0!.holds, specs.agreement1!.holds]).toEqual([true, true]);
  });

  it('finds the violation of a mutant: strb with its relay threshold T + 1 lowered to T breaks unforgeability', () => {
    const text = readFileSync(`${BYMC}/strb.ta`, 'utf8').replace('define THRESH1 == T + 1;', 'define THRESH1 == T;');
    const mutant = fromAutomaton(parseThresholdAutomaton(text, 'strb-mutant.ta'), 'strb-mutant', { T: 1 });
    const s = scenario(4, 1, 'byzantine');
    // No correct process starts with 1; the faulty agent 3 echoes once to everyone.
    const echo = createScriptedAdversary([{ messages: [0, 1, 2].map((j) => [3, j, 0, 1] as [number, number, number, number]) }]);
    const specs = checkSpecifications({ scenario: s, protocol: mutant, adversary: echo, episodes: 64, seed: 0 });
    expect(specs.unforg).toMatchObject({ kind: 'safety', holds: false });
    const original = fromAutomaton(parseThresholdAutomaton(readFileSync(`${BYMC}/strb.ta`, 'utf8'), 'strb.ta'), 'strb', { T: 1 });
    expect(checkSpecifications({ scenario: s, protocol: original, adversary: echo, episodes: 64, seed: 0 }).unforg!.holds).toBe(true);
  });

  it('reads the run one rule at a time: a location passed through within a round is seen (nbacr nontriv)', () => {
    // Everyone votes yes, nobody crashes; a process that suspects (locSEFD) and aborts in the same round
    // falsifies nontriv's premise [](locSEFD == 0) — a run sampled only at round ends would miss it.
    const s = scenario(2, 1, 'crash');
    const protocol = getProtocol(`${BYMC}/nbacr.ta`, s) as AutomatonProtocol;
    const specs = checkSpecifications({ scenario: s, protocol, adversary: getAdversary('crash', s), episodes: 200, seed: 1 });
    expect(specs.nontriv).toMatchObject({ kind: 'liveness', holds: true });
  });

  it('tells safety from liveness by whether the formula promises something eventually', () => {
    const strb = parseThresholdAutomaton(readFileSync(`${BYMC}/strb.ta`, 'utf8'), 'strb.ta');
    const benOr = parseThresholdAutomaton(readFileSync(`${BYMC}/ben-or.ta`, 'utf8'), 'ben-or.ta');
    const kinds = (ta: typeof strb) => Object.fromEntries(ta.specifications.map((spec) => [spec.name, specKind(spec.formula)]));
    expect(kinds(strb)).toEqual({ unforg: 'safety', corr: 'liveness', relay: 'liveness' });
    expect(kinds(benOr)).toMatchObject({ validity0: 'safety', agreement0: 'safety', round_term: 'liveness', univalent20: 'liveness' });
    const small = (formula: string) =>
      specKind(parseThresholdAutomaton(`skel P { shared x; parameters N; assumptions (0) { } locations (0) { } inits (0) { } rules (0) { } specifications (0) { s: ${formula}; } }`).specifications[0]!.formula);
    expect([small('<>(x > 0)'), small('!<>(x > 0)'), small('!(x > 0 -> [](x > 1))'), small('[](x > 0 -> [](x > 1))')]).toEqual(['liveness', 'safety', 'liveness', 'safety']);
  });
});
