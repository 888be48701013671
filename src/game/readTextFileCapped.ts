/**
 * Reads a small text file (a scenario, a run's config) without trusting its size: a user may point
 * at `/dev/zero`, a FIFO's worth of data or a multi-gigabyte log, and reading any of them to the end
 * would exhaust memory before a JSON parser could say no. Reads through a descriptor in chunks and
 * stops one byte past the cap; `fstat` cannot be relied on alone, since character devices such as
 * `/dev/zero` report size 0.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Scenario and config files are a few kilobytes; a mebibyte leaves room for any hand-written one. */
export const MAX_TEXT_FILE_BYTES = 1024 * 1024;

const CHUNK_BYTES = 64 * 1024;

/** A file over the cap: the user's input, so a RangeError (shown as its one-line message). */
export class FileTooLargeError extends RangeError {
  override name = 'FileTooLargeError';
}

/**
 * The file's text (UTF-8), or a FileTooLargeError naming `what`, the path and the cap once the
 * file is seen to hold more than `maxBytes`; never reads more than `maxBytes + 1` bytes.
 * @example readTextFileCapped('my-scenario.json', MAX_TEXT_FILE_BYTES, 'scenario file')
 */
export function readTextFileCapped(path: string, maxBytes: number = MAX_TEXT_FILE_BYTES, what = 'file'): string {
  const tooLarge = () => new FileTooLargeError(`${what} ${path}: larger than ${formatBytes(maxBytes)} (the limit for this kind of file); is it the right file?`);
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > maxBytes) throw tooLarge();
    // Sized for the reported length; grown (never past the cap + 1) for devices and growing files.
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(size + 1, CHUNK_BYTES)));
    let filled = 0;
    for (;;) {
      if (filled > maxBytes) throw tooLarge();
      if (filled === buffer.length) {
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, filled, Math.min(CHUNK_BYTES, buffer.length - filled), null);
      if (read === 0) return buffer.toString('utf8', 0, filled);
      filled += read;
    }
  } catch (error) {
    // A read through a descriptor (EISDIR on a folder, EIO) does not say which file it was.
    if (error instanceof Error && 'code' in error && !('path' in error)) Object.assign(error, { path });
    throw error;
  } finally {
    closeSync(fd);
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
