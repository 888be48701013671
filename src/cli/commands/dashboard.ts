/**
 * `cgym dashboard`: a web page on 127.0.0.1 that watches a runs folder — the runs and their status,
 * live training curves, the verifier's verdicts, a run's extracted rules and an episode viewer
 * (src/dashboard/). It reads the folder and never writes to it; it runs until interrupted.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { integer, text, version } from '../../game/parseConfig.js';
import { addConfigOption, commandConfig, givenFlags, withDefault } from '../commandConfig.js';
import { integerIn } from '../options.js';

/** The port the dashboard listens on unless told otherwise. */
export const DEFAULT_PORT = 8765;

/** Every option of `cgym dashboard`, with its default. */
export const DashboardConfigSchema = z.strictObject({
  version: version(),
  /** The folder whose run folders are shown (searched three levels deep). */
  runs: text('a folder').default('results/runs'),
  /** Port on 127.0.0.1 (0: any free port). */
  port: integer(0, 65535).default(DEFAULT_PORT),
});
export type DashboardConfig = z.output<typeof DashboardConfigSchema>;

export function dashboardCommand(): Command {
  const command = new Command('dashboard')
    .description('serve a web page on 127.0.0.1 watching a runs folder: runs, live curves, verdicts, rules, an episode viewer (read only)')
    .option('--runs <dir>', withDefault('the folder of run folders to show (searched three levels deep)', DashboardConfigSchema, 'runs'))
    .option('--port <p>', `port on 127.0.0.1, 0 for any free one (default: ${DEFAULT_PORT})`, integerIn(0, 65535)); // a port is written without a thousands separator
  return addConfigOption(command).action((flags: object, self: Command) => runDashboard(commandConfig('dashboard', DashboardConfigSchema, self, givenFlags(flags))));
}

async function runDashboard(config: DashboardConfig): Promise<void> {
  const { startDashboard } = await import('../../dashboard/server.js'); // the server (and TensorFlow.js) only when asked for
  const dashboard = await startDashboard({ runs: config.runs, port: config.port });
  process.stdout.write(`dashboard: ${dashboard.url} (runs folder ${dashboard.root}; read only; Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void dashboard.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
