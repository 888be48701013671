// Symmetric in the others: two views that differ only in how the other agents are numbered read
// the same once canonicalised, and settings whose positions mean something are refused.
import { describe, expect, it } from 'vitest';
import { AdversaryActions, HonestActions } from '../../src/game/actions.js';
import { GameBatch } from '../../src/game/GameBatch.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { Observer } from '../../src/game/observation.js';
import { refuseSymmetricOthers, SymmetricOthers } from '../../src/policy/othersOrder.js';
import { getAdversary, getProtocol } from '../../src/protocols/registry.js';

const pki = loadScenario('pki');

/** Agent 0's 2-frame observation at round 3 of eig vs a silent faulty agent 1, with these inputs. */
function viewOfAgent0(inputs: number[]): Float32Array {
  const game = new GameBatch(pki, { size: 1, seed: 1 });
  game.reset(0);
  game.setup(0, { faulty: [1], inputs });
  const eig = getProtocol('eig', pki);
  const silent = getAdversary('silent', pki);
  const honest = new HonestActions(1, 4, pki);
  const adversary = new AdversaryActions(1, 4, pki);
  for (let r = 0; r < 2; r++) {
    honest.clear();
    adversary.clear();
    eig.act(game, honest);
    silent.act(game, honest, adversary);
    game.step(honest, adversary);
  }
  const observer = new Observer(pki, { history: 2 });
  const rows = new Float32Array(4 * observer.size);
  observer.observe(game, rows);
  return rows.slice(0, observer.size);
}

describe('SymmetricOthers', () => {
  it('maps views that differ only in the numbering of the others to the same row', () => {
    // Swapping agents 2 and 3 (inputs 1,0 vs 0,1) swaps what agent 0 sees from +2 and +3.
    const a = viewOfAgent0([0, 0, 1, 0]);
    const b = viewOfAgent0([0, 0, 0, 1]);
    expect(Array.from(a)).not.toEqual(Array.from(b));
    const symmetric = new SymmetricOthers(new Observer(pki, { history: 2 }));
    symmetric.canonicalise(a, 0);
    symmetric.canonicalise(b, 0);
    expect(Array.from(a)).toEqual(Array.from(b));
    const again = a.slice();
    symmetric.canonicalise(again, 0);
    expect(Array.from(again)).toEqual(Array.from(a));
  });

  it('keeps what is seen, only moving it: every number of the row survives, own slices stay put', () => {
    const row = viewOfAgent0([1, 0, 0, 1]);
    const observer = new Observer(pki, { history: 2 });
    const canonical = row.slice();
    new SymmetricOthers(observer).canonicalise(canonical, 0);
    expect(Array.from(canonical).sort()).toEqual(Array.from(row).sort());
    for (const name of ['ownInput', 'decided', 'round'] as const) {
      const slice = observer.slice(name)!;
      expect(Array.from(canonical.subarray(slice.offset, slice.offset + slice.length))).toEqual(Array.from(row.subarray(slice.offset, slice.offset + slice.length)));
    }
  });

  it('moves the sample record by other agent, all its rounds together', () => {
    const slush = loadScenario('slush-3v2');
    const game = new GameBatch(slush, { size: 1, seed: 3 });
    game.reset(0);
    const protocol = getProtocol('slush', slush);
    const honest = new HonestActions(1, slush.n, slush);
    const adversary = new AdversaryActions(1, slush.n, slush);
    for (let r = 0; r < 3; r++) {
      honest.clear();
      protocol.act(game, honest);
      game.step(honest, adversary);
    }
    const observer = new Observer(slush, { sampleView: 'record' });
    const rows = new Float32Array(slush.n * observer.size);
    observer.observe(game, rows);
    const row = rows.slice(0, observer.size);
    // The same view with the others +1 and +3 numbered the other way round.
    const swapped = row.slice();
    const record = observer.slice('sampleRecord')!;
    const block = slush.maxRounds * record.width;
    swapped.set(row.subarray(record.offset + 2 * block, record.offset + 3 * block), record.offset);
    swapped.set(row.subarray(record.offset, record.offset + block), record.offset + 2 * block);
    expect(Array.from(swapped)).not.toEqual(Array.from(row));
    const symmetric = new SymmetricOthers(observer);
    symmetric.canonicalise(row, 0);
    symmetric.canonicalise(swapped, 0);
    expect(Array.from(swapped)).toEqual(Array.from(row));
  });

  it('without relay pairs, sorting the others gives the smallest of the (n−1)! reorderings, on every row', () => {
    const cases = [
      { scenario: loadScenario('slush-3v2'), protocol: 'slush', views: { sampleView: 'record' as const } },
      { scenario: loadScenario('slush-3v2'), protocol: 'slush', views: { sampleView: 'summary' as const } },
      { scenario: pki, protocol: 'eig', views: { messageView: 'accepted' as const, history: 2 } },
    ];
    for (const { scenario, protocol, views } of cases) {
      const game = new GameBatch(scenario, { size: 64, seed: 9 });
      game.reset(0);
      const honest = new HonestActions(64, scenario.n, scenario);
      const adversary = new AdversaryActions(64, scenario.n, scenario);
      const observer = new Observer(scenario, views);
      const sorted = new SymmetricOthers(observer);
      const brute = new SymmetricOthers(observer, { orderings: true });
      const rows = new Float32Array(64 * scenario.n * observer.size);
      let compared = 0;
      for (let r = 0; r < 3; r++) {
        observer.observe(game, rows);
        const a = rows.slice();
        const b = rows.slice();
        for (let row = 0; row < 64 * scenario.n; row++) {
          sorted.canonicalise(a, row);
          brute.canonicalise(b, row);
          compared++;
        }
        expect(Array.from(a)).toEqual(Array.from(b));
        honest.clear();
        adversary.clear();
        getProtocol(protocol, scenario).act(game, honest);
        getAdversary('random', scenario).act(game, honest, adversary);
        game.step(honest, adversary);
      }
      expect(compared).toBe(3 * 64 * scenario.n);
    }
  });

  it('refuses settings where a position means something', () => {
    expect(refuseSymmetricOthers(loadScenario('bb-pki-n3-f1'))).toBe('symmetricOthers: broadcast observations name the sender by position');
    expect(refuseSymmetricOthers(loadScenario('ic-n4-f1'))).toBe('symmetricOthers: interactive-consistency decides one value per agent position');
    expect(refuseSymmetricOthers(loadScenario('pki', ['faultyPlacement=fixed']))).toBe('symmetricOthers: with faultyPlacement=fixed positions carry identity');
    expect(refuseSymmetricOthers(loadScenario('slush-n7'))).toBe('symmetricOthers: needs n ≤ 6 (got n=7: 720 orders per row)');
    expect(refuseSymmetricOthers(pki)).toBeUndefined();
  });
});
