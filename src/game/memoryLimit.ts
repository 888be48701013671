/**
 * The one memory limit a batch is held to before it is allocated: half the machine's memory, so
 * that a batch too large is refused in one line with its estimate instead of failing inside a
 * typed-array constructor (a raw RangeError) or driving the machine into swap. Half, not all:
 * the process, TensorFlow.js and the rest of the machine need the other half.
 */
import { totalmem } from 'node:os';

/** The bytes a batch's arrays may take: half of this machine's memory. */
export function memoryLimitBytes(): number {
  return Math.floor(totalmem() / 2);
}

/** 1.5 GiB, 320.0 MiB, 12 KiB. */
export function formatBytes(bytes: number): string {
  const GiB = 2 ** 30;
  const MiB = 2 ** 20;
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}

/**
 * Throws a one-line RangeError when `bytes` exceed `limit`: `what` (naming the option value, e.g.
 * "a batch of 1048576 episodes") needs the estimate, more than the limit; `advice` says what to
 * change. The limit is a parameter only so that tests can hold a small one.
 */
export function refuseOverMemoryLimit(what: string, bytes: number, advice: string, limit: number = memoryLimitBytes()): void {
  if (bytes <= limit) return;
  const machine = limit === memoryLimitBytes() ? ` (half of this machine's ${formatBytes(totalmem())})` : '';
  throw new RangeError(`${what} needs ~${formatBytes(bytes)}, more than the memory limit of ${formatBytes(limit)}${machine}; ${advice}`);
}
