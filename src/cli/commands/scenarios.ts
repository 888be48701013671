/**
 * `cgym scenarios`: the preset scenarios with their settings (every key, defaults filled in).
 */
import { Command } from 'commander';
import { PRESETS } from '../../game/presets.js';
import { parseScenario, type Scenario } from '../../game/scenario.js';
import { formatTable } from '../format.js';

export function presetScenarios(): Scenario[] {
  return Object.entries(PRESETS).map(([name, preset]) => parseScenario({ name, ...preset }, `preset ${name}`));
}

export function scenariosCommand(): Command {
  return new Command('scenarios')
    .description('list the preset scenarios and their settings')
    .option('--json', 'print one JSON object {"scenarios": [...]} with every key of every preset')
    .action((flags: { json?: boolean }) => {
      const scenarios = presetScenarios();
      if (flags.json) {
        process.stdout.write(JSON.stringify({ scenarios }, null, 2) + '\n');
        return;
      }
      const rows = [['name', 'n', 'f', 'faults', 'problem', 'V', 'inputs', 'timing', 'identity', 'actions', 'k', 'R', 'after commit']];
      for (const s of scenarios) {
        const samples = s.honestActions === 'slush' || s.honestActions === 'sampling';
        rows.push([
          s.name, String(s.n), String(s.f), s.faults, s.problem, String(s.values),
          s.inputs === 'uniform' ? 'uniform' : `split ${s.inputs.split.join('/')}`,
          s.timing === 'sync' ? 'sync' : `${s.timing} D=${s.maxDelay}`,
          s.identity, s.honestActions, samples ? String(s.sampleSize) : '-', String(s.maxRounds), s.afterCommit,
        ]);
      }
      process.stdout.write(formatTable(rows, { header: true }));
      process.stdout.write('\n' + formatTable(scenarios.map((s) => [s.name, s.description])));
      process.stdout.write('\nUse one with `cgym play --scenario <name>`, change a key with `--set key=value`, or pass a JSON file (README: "Writing a scenario").\n');
    });
}
