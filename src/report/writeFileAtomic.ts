/**
 * Writes a report file (text, or the bytes of a PNG) whole or not at all (a temporary file renamed
 * into place), so that a dashboard polling a run folder never reads half a picture. Creates missing
 * parent folders.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeFolders } from '../game/makeFolders.js';
import { ReportError } from './ReportError.js';

export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    makeFolders(dirname(file));
    writeFileSync(temp, content);
    renameSync(temp, file);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing was written there either (a folder on the path is a file, say)
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new ReportError(`cannot write ${file}: ${reason}`);
  }
}
