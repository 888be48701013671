// `verifyOnAllCores` must answer exactly what one thread answers: the chance outcomes are solved
// wherever a worker is free, but folded in chance-outcome order by the same code.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { verify, type VerifyResult } from '../../src/verify/verify.js';
import { verifyOnAllCores } from '../../src/verify/verifyOnAllCores.js';

/** The result as `cgym verify --json` prints it, without the wall clock. */
const asJson = ({ seconds: _s, ...rest }: VerifyResult) => JSON.stringify(rest);

describe('verifyOnAllCores', () => {
  it.each([
    ['ba-n3-f1', 'eig', [], 'unsafe'],
    ['bb-pki-n3-f1', 'dolev-strong', [], 'safe'],
    ['bb-pki-n3-f1', 'dolev-strong', ['identity=authenticated'], 'unsafe'],
    ['byzantine-breaking', 'majority', [], 'unsafe'],
    ['honest-consensus', 'random', [], undefined],
  ] as const)('%s %s %j: the same JSON, bit for bit, on 1 and 3 workers', async (preset, honest, overrides, verdict) => {
    const scenario = loadScenario(preset, [...overrides]);
    const single = verify({ scenario, honest });
    if (verdict) expect(single.verdict).toBe(verdict);
    expect(asJson(await verifyOnAllCores({ scenario, honest, workers: 3 }))).toBe(asJson(single));
  });

  it('reports progress in order up to the total', async () => {
    const seen: number[] = [];
    const result = await verifyOnAllCores({ scenario: loadScenario('ba-n3-f1'), honest: 'eig', workers: 2, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual(Array.from({ length: result.orbits ?? result.chanceOutcomes }, (_, k) => k + 1));
  });

  it('keeps the total under --max-states, as one thread does', async () => {
    const scenario = loadScenario('ba-n3-f1');
    const { states } = verify({ scenario, honest: 'eig' });
    await expect(verifyOnAllCores({ scenario, honest: 'eig', workers: 2, maxStates: states - 1 })).rejects.toThrow(/more than --max-states/);
    await expect(verifyOnAllCores({ scenario, honest: 'eig', workers: 2, maxStates: states })).resolves.toMatchObject({ states });
  });

  it('refuses in one line before starting a thread', async () => {
    await expect(verifyOnAllCores({ scenario: loadScenario('pki'), honest: 'phase-king', workers: 2 })).rejects.toThrow(/^phase-king: needs/);
  });
});
