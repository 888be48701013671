/**
 * Writes a report file whole or not at all (a temporary file renamed into place), so that a
 * dashboard polling a run folder never reads half a picture. Creates missing parent folders.
 */
import { dirname } from 'node:path';
import { makeFolders } from '../game/makeFolders.js';
import { writeAtomic } from '../train/runFolder.js';
import { ReportError } from './ReportError.js';

export function writeFileAtomic(file: string, content: string): void {
  try {
    makeFolders(dirname(file));
    writeAtomic(file, content);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ReportError(`cannot write ${file}: ${reason}`);
  }
}
