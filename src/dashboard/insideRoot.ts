/**
 * The one gate between a path named in a URL and the disk: a relative path resolves to a file or
 * folder only if it lies inside the runs folder once every symbolic link is followed. Anything
 * else — `..` or `.` segments, an absolute path, a NUL byte, a backslash, a link that leads out —
 * resolves to nothing, and the server answers 404 (the page cannot tell "outside" from "missing").
 */
import { realpathSync } from 'node:fs';
import { join, sep } from 'node:path';

/** The real path of `relativePath` under `root` (itself a real path), or undefined when it is not inside it or does not exist. */
export function insideRoot(root: string, relativePath: string): string | undefined {
  if (relativePath === '' || relativePath.includes('\0') || relativePath.includes('\\') || relativePath.startsWith('/')) return undefined;
  const segments = relativePath.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) return undefined;
  let real: string;
  try {
    real = realpathSync(join(root, ...segments));
  } catch {
    return undefined;
  }
  return real.startsWith(root + sep) ? real : undefined;
}
