/**
 * A search's memo grows with the states it keeps; at some sizes the heap fills before the state
 * budget is reached, and V8 then kills the process (after minutes of garbage collection) instead of
 * letting the search say "beyond the budget". The guard looks at the heap every few thousand states
 * and ends the search with a StateLimitError (the budget's own error: never a verdict on a partial
 * search) once the heap is nearly full, naming what to change.
 */
import { getHeapStatistics } from 'node:v8';

/** Fraction of V8's heap limit past which a search stops (the rest is for reporting and GC headroom). */
const HEAP_FRACTION = 0.8;
/** States between two looks at the heap (a look costs about a microsecond). */
const LOOK_EVERY = 1 << 14;

export class HeapGuard {
  private nextLook = LOOK_EVERY;
  constructor(private readonly limitBytes = getHeapStatistics().heap_size_limit * HEAP_FRACTION) {}

  /**
   * Call with the search's running state count; returns a one-line reason once the heap is past
   * its limit, else undefined.
   */
  check(states: number): string | undefined {
    if (states < this.nextLook) return undefined;
    this.nextLook = states + LOOK_EVERY;
    const used = getHeapStatistics().used_heap_size;
    if (used <= this.limitBytes) return undefined;
    return `the search's memory filled ${Math.round(used / 2 ** 20)} MiB of the ${Math.round(this.limitBytes / 2 ** 20)} MiB it may use after ${states} states (node --max-old-space-size=MiB raises it)`;
  }
}
