/**
 * `cgym protocols`: every registered honest protocol (with the assumptions under which it is
 * correct and its source) and every adversary; with `--scenario`, which of them can run there.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { loadScenario } from '../../game/loadScenario.js';
import type { Scenario } from '../../game/scenario.js';
import { ADVERSARIES, PROTOCOLS } from '../../protocols/registry.js';
import { flag, overrides, scenarioSource, version } from '../../game/parseConfig.js';
import { addConfigOption, commandConfig, givenFlags } from '../commandConfig.js';
import { collect } from '../options.js';

/** Every option of `cgym protocols`, with its default. */
export const ProtocolsConfigSchema = z.strictObject({
  version: version(),
  json: flag(),
  /** Also say whether each can run in this scenario (null: no scenario). */
  scenario: scenarioSource().nullable().default(null),
  set: overrides(),
});

/** Where the list ends: the other thing --honest and --adversary take. */
export const RUN_FOLDER_NOTE = 'A run folder (a path, e.g. runs/<name> or ./<name>) stands for its learned honest policy or adversary wherever --honest or --adversary is taken.';

export function protocolsCommand(): Command {
  const command = new Command('protocols')
    .description('list the honest protocols (with their assumptions and sources) and the adversaries')
    .option('--json', 'print one JSON object {"protocols": [...], "adversaries": [...]}')
    .option('--scenario <name|file>', 'also say whether each can run in this scenario')
    .option('--set <key=value>', 'override a key of --scenario (repeatable)', collect);
  return addConfigOption(command).action((flags: object, self: Command) => {
    const config = commandConfig('protocols', ProtocolsConfigSchema, self, givenFlags(flags));
    const scenario = config.scenario === null ? undefined : loadScenario(config.scenario, config.set);
    const runs = (refuse: (s: Scenario) => string | undefined) => (scenario ? { refused: refuse(scenario) ?? null } : {});
    const protocols = PROTOCOLS.map((p) => ({ name: p.name, summary: p.summary, assumptions: p.assumptions, source: p.source, ...runs((s) => p.refuse(s)) }));
    const adversaries = ADVERSARIES.map((a) => ({ name: a.name, summary: a.summary, ...runs((s) => a.refuse(s)) }));
    if (config.json) {
      process.stdout.write(JSON.stringify({ ...(scenario && { scenario: scenario.name }), protocols, adversaries }, null, 2) + '\n');
      return;
    }
    const width = Math.max(...[...protocols, ...adversaries].map((x) => x.name.length)) + 2;
    const out: string[] = [];
    const status = (x: { refused?: string | null }) =>
      x.refused === undefined ? [] : [`${''.padEnd(width + 2)}in ${scenario!.name}: ${x.refused === null ? 'runs' : `refused — ${x.refused}`}`];
    out.push('Honest protocols (--honest):');
    for (const p of protocols) {
      out.push(`  ${p.name.padEnd(width)}${p.summary}`);
      out.push(`  ${''.padEnd(width)}correct when: ${p.assumptions}`);
      out.push(`  ${''.padEnd(width)}source: ${p.source}`, ...status(p));
    }
    out.push('', 'Adversaries (--adversary):');
    for (const a of adversaries) out.push(`  ${a.name.padEnd(width)}${a.summary}`, ...status(a));
    out.push('', RUN_FOLDER_NOTE);
    process.stdout.write(out.join('\n') + '\n');
  });
}
