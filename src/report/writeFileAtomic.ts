/**
 * Writes a report file whole or not at all (a temporary file renamed into place), so that a
 * dashboard polling a run folder never reads half a picture. Creates missing parent folders.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeAtomic } from '../train/runFolder.js';
import { ReportError } from './ReportError.js';

export function writeFileAtomic(file: string, content: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeAtomic(file, content);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ReportError(`cannot write ${file}: ${reason}`);
  }
}
