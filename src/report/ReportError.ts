/**
 * A user's mistake met while reporting (a folder that is not a run, a metric with no values):
 * one line with a prefix and the values, shown by the command line as `cgym: <message>`.
 */
export class ReportError extends Error {
  override readonly name = 'ReportError';
}
