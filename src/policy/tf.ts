/**
 * The one place that loads TensorFlow.js and picks its backend. `wasm` by default (installs
 * offline and is several times faster than the pure-JS `cpu` backend here); `cpu` as the fallback
 * when wasm cannot start, or on request (`CGYM_TF_BACKEND=cpu`, or `useBackend('cpu')`).
 *
 * Import `tf` from here, never from '@tensorflow/tfjs*' directly, so every caller has awaited
 * `ready()` before its first op.
 *
 * What is loaded, and how, is a matter of start-up time (a `cgym train` on honest-consensus
 * learns in about half a second, so loading costs as much as learning; BENCHMARKS.md "Against
 * PyTorch"):
 * - tfjs-core and the wasm backend only, not the `@tensorflow/tfjs` union, which also loads
 *   layers, converter, data, the webgl and cpu backends and a second copy of core (~180 ms);
 * - through `require` of their CommonJS builds: an ESM `import` of a CommonJS package makes Node
 *   scan its source for named exports, recursively through re-exports (~300 ms for the union);
 *   an ESM import of tfjs-core's own ESM build fails (its imports have no file extensions);
 * - the gradients: tfjs-core's CommonJS build registers none (the union registers them).
 *   `npm run build` bundles tfjs-core's `register_all_gradients` into `tfjsGradients.cjs` next to
 *   this file (scripts/bundleTfGradients.mjs, ~8 ms to load); without it (the sources run under
 *   vitest or tsx) the union is loaded instead, which registers the same gradients.
 * - the cpu backend only when it is asked for, or wasm fails.
 *
 * Under Node the wasm backend runs its SIMD binary on one thread: tfjs-backend-wasm 4.22 turns
 * multithreading off when it detects Node (WASM_HAS_MULTITHREAD_SUPPORT is false there), so its
 * `setThreadsCount` changes nothing here (measured: getThreadsCount() = 1; BENCHMARKS.md).
 */
import { createRequire } from 'node:module';
import type * as TfCore from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

const tf = require('@tensorflow/tfjs-core') as typeof TfCore;

/** How the gradients were registered: the bundled file, or (sources, no build) the union package. */
export const gradientSource: 'bundle' | 'union' = registerGradients();

function registerGradients(): 'bundle' | 'union' {
  try {
    require('./tfjsGradients.cjs');
    return 'bundle';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !String((error as Error).message).includes('tfjsGradients.cjs')) throw error;
    require('@tensorflow/tfjs');
    return 'union';
  }
}

require('@tensorflow/tfjs-backend-wasm');

export { tf };

/**
 * The types callers name as `tf.Tensor2D` etc. (`tf` is a value loaded by `require`, so its types
 * are declared here; add one when a caller needs another).
 */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace tf {
  type Rank = TfCore.Rank;
  type Tensor<R extends Rank = Rank> = TfCore.Tensor<R>;
  type Scalar = TfCore.Scalar;
  type Tensor1D = TfCore.Tensor1D;
  type Tensor2D = TfCore.Tensor2D;
  type Tensor3D = TfCore.Tensor3D;
  type Variable<R extends Rank = Rank> = TfCore.Variable<R>;
  type GradSaveFunc = TfCore.GradSaveFunc;
  type NamedTensorMap = TfCore.NamedTensorMap;
}

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
    require('@tensorflow/tfjs-backend-cpu');
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
