/**
 * The one line for a command run without what it needs: what is missing, and where to look
 * (`cgym <command> --help`), never a stack trace or a validator's dump.
 */
export function needs(command: string, what: string): RangeError {
  return new RangeError(`${command}: needs ${what}; every option: \`cgym ${command} --help\``);
}
