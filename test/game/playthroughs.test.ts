// Golden playthroughs (the OpenSpiel habit): one seeded episode per preset, rendered as the trace
// table and checked in, so that any change to the rules shows up as a diff here.
// After an intended rule change: `UPDATE_GOLDEN=1 npx vitest run test/game/playthroughs.test.ts`,
// then read the diff before committing it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/game/loadScenario.js';
import { PRESETS } from '../../src/game/presets.js';
import { renderTrace } from '../../src/game/trace.js';
import { playEpisode } from '../../src/play/play.js';
import { getProtocol } from '../../src/protocols/registry.js';

const GOLDEN_DIR = join(__dirname, 'playthroughs');
/** The first of these that runs in a preset plays its honest side; `random` runs everywhere. */
const HONEST_PREFERENCE = ['dolev-strong', 'eig', 'ben-or', 'phase-king', 'slush', 'majority', 'random'];
const SEED = 7;
const EPISODE = 3;

describe('golden playthroughs', () => {
  it.each(Object.keys(PRESETS))('%s replays exactly as checked in', (preset) => {
    const scenario = loadScenario(preset);
    const honest = HONEST_PREFERENCE.find((name) => getProtocol(name).refuse(scenario) === undefined)!;
    const game = playEpisode(scenario, honest, 'random', SEED, EPISODE);
    const text = renderTrace(game, 0, { title: `${honest} vs random · seed ${SEED} · episode ${EPISODE}` });
    const file = join(GOLDEN_DIR, `${preset}.txt`);
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, text);
    expect(existsSync(file), `missing ${file}: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});
