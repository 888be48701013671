/**
 * The one place that picks TensorFlow.js's backend. `wasm` by default (installs offline and is
 * several times faster than the pure-JS `cpu` backend here); `cpu` as the fallback when wasm
 * cannot start, or on request (`CGYM_TF_BACKEND=cpu`, or `useBackend('cpu')`).
 *
 * Import `tf` from here, never from '@tensorflow/tfjs' directly, so every caller has awaited
 * `ready()` before its first op.
 *
 * Under Node the wasm backend runs its SIMD binary on one thread: tfjs-backend-wasm 4.22 turns
 * multithreading off when it detects Node (WASM_HAS_MULTITHREAD_SUPPORT is false there), so its
 * `setThreadsCount` changes nothing here (measured: getThreadsCount() = 1; BENCHMARKS.md).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };

export type BackendName = 'wasm' | 'cpu';

let selected: Promise<BackendName> | undefined;

/** Selects the backend once (later calls return the first choice); resolves to the backend in use. */
export function useBackend(preferred?: BackendName): Promise<BackendName> {
  if (selected) return selected;
  const env = process.env['CGYM_TF_BACKEND'];
  const wanted: BackendName = preferred ?? (env === 'cpu' ? 'cpu' : 'wasm');
  selected = (async () => {
    if (wanted === 'wasm') {
      try {
        if (await tf.setBackend('wasm')) {
          await tf.ready();
          return 'wasm' as const;
        }
      } catch {
        // fall through to cpu: the wasm binary could not start here
      }
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu' as const;
  })();
  return selected;
}

/** Awaits the default backend. */
export function ready(): Promise<BackendName> {
  return useBackend();
}
