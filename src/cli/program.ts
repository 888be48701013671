/**
 * The `cgym` command line: a thin layer over the library. Every error it knows reaches the user
 * as one line `cgym: <message>` on stderr with a non-zero exit code; only an unexpected error
 * (a bug) shows its stack, and only with CGYM_DEBUG=1.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { IllegalActionError } from '../game/actions.js';
import { ScenarioError } from '../game/scenario.js';
import { RefusedError } from '../game/strategy.js';
import { ReportError } from '../report/ReportError.js';

const PROGRAM = 'cgym';

/** Collapses a message to one line (commander's and zod's messages may span several). */
const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

function packageVersion(): string {
  // dist/src/cli or src/cli: walk up to the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
  }
  return 'unknown';
}

/**
 * Each command's module, in the order of the help. A run loads only the module of the command it
 * names (all of them for the help, a version or an unknown command): a start-up costs what that
 * command needs, not the verifier and the charts of the others (~50 ms of a `cgym train`).
 */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Command>]> = [
  ['play', async () => (await import('./commands/play.js')).playCommand()],
  ['scenarios', async () => (await import('./commands/scenarios.js')).scenariosCommand()],
  ['protocols', async () => (await import('./commands/protocols.js')).protocolsCommand()],
  ['plot', async () => (await import('./commands/plot.js')).plotCommand()],
  ['chart', async () => (await import('./commands/chart.js')).chartCommand()],
  ['train', async () => (await import('./commands/train.js')).trainCommand()],
  ['eval', async () => (await import('./commands/eval.js')).evalCommand()],
  ['attack', async () => (await import('./commands/attack.js')).attackCommand()],
  ['verify', async () => (await import('./commands/verify.js')).verifyCommand()],
  ['hunt', async () => (await import('./commands/hunt.js')).huntCommand()],
  ['discover', async () => (await import('./commands/discover.js')).discoverCommand()],
  ['extract', async () => (await import('./commands/extract.js')).extractCommand()],
  ['paper', async () => (await import('./commands/paper.js')).paperCommand()],
  ['sweep', async () => (await import('./commands/sweep.js')).sweepCommand()],
  ['worker', async () => (await import('./commands/worker.js')).workerCommand()],
  ['dashboard', async () => (await import('./commands/dashboard.js')).dashboardCommand()],
];

/** The program with every command, or (`only`, a command's name) with that one alone. */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command(PROGRAM)
    .description('consensus-gym: play consensus protocols against Byzantine adversaries in one rules engine')
    .version(packageVersion(), '-V, --version')
    // Copied into each subcommand below: commander reports through us instead of exiting.
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`${PROGRAM}: ${oneLine(text.replace(/^error: /, ''))}\n`) })
    .showHelpAfterError(false);
  const chosen = COMMANDS.filter(([name]) => name === only);
  const commands = await Promise.all((chosen.length ? chosen : COMMANDS).map(([, load]) => load()));
  for (const command of commands) program.addCommand(command.copyInheritedSettings(program));
  return program;
}

/**
 * File-system failures that are the user's situation (a path they gave, their disk, their
 * permissions), not a bug: each code with the reason shown for it.
 */
const SYSTEM_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'name too long',
  ENOENT: 'no such file or folder',
  EEXIST: 'already exists',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'busy',
  ETXTBSY: 'busy',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
};

/** What the failed system call was doing, as the user would say it. */
const SYSTEM_VERBS: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  stat: 'read',
  lstat: 'read',
  fstat: 'read',
  scandir: 'list',
  opendir: 'list',
  write: 'write',
  rename: 'write',
  copyfile: 'write',
  mkdir: 'create the folder',
  mkdtemp: 'create the folder',
  rmdir: 'remove',
  unlink: 'remove',
  rm: 'remove',
};

interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
}

function isSystemError(error: unknown): error is SystemError {
  return error instanceof Error && typeof (error as Partial<SystemError>).code === 'string' && (error as Partial<SystemError>).code! in SYSTEM_REASONS;
}

/** `cannot write /x/y: permission denied (EACCES)`, for a file-system error (or one wrapping it as its cause). */
function systemMessage(error: unknown): string | undefined {
  const system = isSystemError(error) ? error : error instanceof Error && isSystemError(error.cause) ? error.cause : undefined;
  if (!system) return undefined;
  const verb = (system.syscall !== undefined && SYSTEM_VERBS[system.syscall]) || 'access';
  const path = system.path ?? system.dest;
  return `cannot ${verb}${path === undefined ? '' : ` ${path}`}: ${SYSTEM_REASONS[system.code]} (${system.code})`;
}

/** Errors that are the user's input, not a bug: shown as their message alone. */
function userMessage(error: unknown): string | undefined {
  if (error instanceof ScenarioError || error instanceof RefusedError || error instanceof RangeError || error instanceof ReportError) return error.message;
  if (error instanceof IllegalActionError) return `illegal action: ${error.message}`;
  return systemMessage(error);
}

/** Runs the command line; resolves to the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    await (await buildProgram(argv[2])).parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // commander has already printed its one line (or the help)
    if (process.env['CGYM_DEBUG'] === '1') {
      process.stderr.write(`${PROGRAM}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      return 1;
    }
    const known = userMessage(error);
    if (known !== undefined) process.stderr.write(`${PROGRAM}: ${oneLine(known)}\n`);
    else process.stderr.write(`${PROGRAM}: internal error: ${oneLine(error instanceof Error ? error.message : String(error))} (set CGYM_DEBUG=1 for the stack)\n`);
    return known !== undefined ? 1 : 2;
  }
}
