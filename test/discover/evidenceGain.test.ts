// The discovery learner reads the per-origin votes (evidence bits) at a gain (config K,
// EXPERIMENTS §12) wherever its network has them, by a rule that names no scenario: relays observed
// over two frames. Elsewhere the key is left out, so those settings train exactly as before.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DISCOVERY_CONFIG, discoveryTrainConfig } from '../../src/discover/discoveryConfig.js';
import { loadScenario } from '../../src/game/loadScenario.js';
import { parseTrainConfig, resolveTrainConfig } from '../../src/train/config.js';

const CRASH = ['n=4', 'f=2', 'faults=crash', 'maxRounds=4'];

function configFor(name: string, set: string[] = []) {
  const config = discoveryTrainConfig(loadScenario(name, set), { scenario: name, set, seed: 0, out: join(mkdtempSync(join(tmpdir(), 'cgym-evgain-')), 'run') });
  return resolveTrainConfig(parseTrainConfig(config));
}

describe('the discovery config: evidenceGain', () => {
  it.each(['ba-n4-f1', 'pki', 'bb-pki-n3-f1'])('reads the evidence bits at the gain on %s (relays over two frames)', (name) => {
    expect(DISCOVERY_CONFIG.honestNetwork.evidenceGain).toBeGreaterThan(1);
    expect(configFor(name).honestNetwork.evidenceGain).toBe(DISCOVERY_CONFIG.honestNetwork.evidenceGain);
  });

  it.each([['honest-consensus', []], ['phase-king-n5-f1', CRASH], ['slush-3v2', []]] as const)('leaves it at 1 on %s (no evidence bits: trains as before)', (name, set) => {
    expect(configFor(name, [...set]).honestNetwork.evidenceGain).toBe(1);
  });
});
