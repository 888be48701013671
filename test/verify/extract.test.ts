// `extract` reads a protocol back as a decision table and one rule per round. On the majority
// protocol it must recover exactly the paper's description of it (GAME.md §9).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { NeuralProtocol } from '../../src/policy/NeuralProtocol.js';
import { honestNetwork } from '../../src/policy/networkFor.js';
import { ready } from '../../src/policy/tf.js';
import { getAdversary, getProtocol } from '../../src/protocols/registry.js';
import { extractDecisionTable, formatDecisionTable } from '../../src/verify/extract.js';

beforeAll(async () => {
  await ready();
});

describe('extractDecisionTable', () => {
  it('reads majority back as "send own input, then commit the majority of own and received"', () => {
    const scenario = loadScenario('honest-consensus');
    const table = extractDecisionTable({ scenario, honest: getProtocol('majority'), adversary: getAdversary('silent'), episodes: 500, seed: 3 });
    expect(table.rules).toEqual([
      { round: 1, rule: 'send own input', share: 1, decisions: 1500 },
      { round: 2, rule: 'commit the majority of own and received (ties → 0)', share: 1, decisions: 1500 },
    ]);
    // n=3, binary: round 2 sees 2 own inputs × 4 received pairs = 8 observations, each with one action.
    expect(table.rows.filter((r) => r.round === 2)).toHaveLength(8);
    expect(table.rows.reduce((sum, r) => sum + r.count, 0)).toBe(3000);
    expect(formatDecisionTable(table)).toContain('round 2: commit the majority of own and received (ties → 0) (100.0% of 1500 decisions)');
  });

  it('says when no single rule explains a round (the random baseline)', () => {
    const scenario = loadScenario('honest-consensus');
    const table = extractDecisionTable({ scenario, honest: getProtocol('random'), adversary: getAdversary('silent'), episodes: 500, seed: 3 });
    expect(table.rules[0]!.share).toBeLessThan(0.6);
  });

  it('gives no rule to a round that no candidate explains, rather than one that explains 0%', () => {
    // EIG for interactive consistency commits a vector in round 3, which no scalar rule predicts.
    const scenario = loadScenario('ic-n4-f1');
    const table = extractDecisionTable({ scenario, honest: getProtocol('eig'), adversary: getAdversary('silent'), episodes: 100, seed: 0 });

    expect(table.rules.map((r) => r.round)).toEqual([1, 2]);
    expect(table.rules.every((r) => r.share > 0)).toBe(true);
    expect(new Set(table.rows.map((r) => r.round))).toEqual(new Set([1, 2, 3]));
    const text = formatDecisionTable(table);
    expect(text).not.toMatch(/\(0\.0% of/);
    expect(text).toContain('round 3: no candidate rule explains any of its 300 decisions (see its table below)');
    expect(text).toMatch(/^round 3 — \d+ distinct \(observation, action\) pairs/m);
  });

  it('records only honest agents (Byzantine rows are the adversary\'s)', () => {
    const scenario = loadScenario('byzantine-breaking');
    const table = extractDecisionTable({ scenario, honest: getProtocol('majority'), adversary: getAdversary('equivocate'), episodes: 200, seed: 1 });
    expect(table.rules.map((r) => r.decisions)).toEqual([400, 400]);
  });

  it('shows a learned policy the rows it decides on: its sample record, all frames of its history window', () => {
    // §7's observation would merge rows the record tells apart, and drop a history window's older frames.
    const slush = loadScenario('slush-3v2');
    const record = new NeuralProtocol(honestNetwork(slush, { seed: 1, hidden: [8], observation: { valueFrame: 'symmetric', sampleView: 'record' } }), slush, 'greedy');
    const recordTable = extractDecisionTable({ scenario: slush, honest: record, adversary: getAdversary('silent'), episodes: 50, seed: 2 });
    const laterRows = recordTable.rows.filter((r) => r.round >= 2);
    expect(laterRows.length).toBeGreaterThan(0);
    for (const row of recordTable.rows) expect(row.observation).toContain('sampleRecord=[');
    // From round 2 on, some other agent has answered a sample: a record entry holds a value.
    expect(laterRows.some((r) => /sampleRecord=\[[^\]]*:[01]( |\])/.test(r.observation))).toBe(true);

    const pki = loadScenario('pki');
    const windowed = new NeuralProtocol(honestNetwork(pki, { seed: 1, hidden: [8], observation: { history: 2 } }), pki, 'greedy');
    const windowTable = extractDecisionTable({ scenario: pki, honest: windowed, adversary: getAdversary('silent'), episodes: 20, seed: 2 });
    for (const row of windowTable.rows) expect(row.observation).toMatch(/^t-0: .* t-1: /);

    const plain = extractDecisionTable({ scenario: slush, honest: getProtocol('slush'), adversary: getAdversary('silent'), episodes: 20, seed: 2 });
    for (const row of plain.rows) expect(row.observation).not.toContain('sampleRecord');
  });
});
