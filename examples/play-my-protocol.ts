/**
 * Plays the example protocol in the example scenario against every adversary that can run there,
 * then shows it losing once the faults turn Byzantine.
 *
 *   npx tsx examples/play-my-protocol.ts
 */
import { fileURLToPath } from 'node:url';
import { ADVERSARIES, getAdversary, loadScenario, play, playEpisode, renderTrace } from '../src/index.js';
import { floodMin } from './my-protocol.js';

const scenarioFile = fileURLToPath(new URL('./custom-scenario.json', import.meta.url));
const scenario = loadScenario(scenarioFile);

for (const adversary of ADVERSARIES) {
  if (adversary.refuse(scenario)) continue;
  const result = play({ scenario, honest: floodMin, adversary, episodes: 20_000, seed: 1 });
  console.log(`${floodMin.name} vs ${adversary.name.padEnd(16)} win rate ${(100 * result.winRate).toFixed(2)}%  mean rounds ${result.meanRounds.toFixed(2)}`);
}

// The same scenario with Byzantine faults: FloodSet is no longer enough.
const byzantine = loadScenario(scenarioFile, ['faults=byzantine']);
const attacker = ADVERSARIES.find((a) => a.name === 'equivocate' && !a.refuse(byzantine));
if (attacker) {
  const broken = play({ scenario: byzantine, honest: floodMin, adversary: attacker, episodes: 20_000, seed: 1 });
  console.log(`${floodMin.name} vs ${attacker.name} with faults=byzantine: win rate ${(100 * broken.winRate).toFixed(2)}%`);
}

// One episode, replayed alone and printed round by round: in episode 4 of seed 1 the crash
// adversary cuts two broadcasts short.
const shown = ADVERSARIES.find((a) => a.name === 'crash' && !a.refuse(scenario)) ?? getAdversary('silent');
const episode = 4;
const game = playEpisode(scenario, floodMin, shown, 1, episode);
console.log('\n' + renderTrace(game, 0, { title: `${floodMin.name} vs ${shown.name} · seed 1 · episode ${episode}` }));
