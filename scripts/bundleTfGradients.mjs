// Bundles tfjs-core's gradient registrations (its ESM `register_all_gradients`, whose imports have no
// file extensions, so Node cannot load it as is) into one CommonJS file next to the built
// src/policy/tf.js, which requires it: ~8 ms to load, against ~180 ms for the @tensorflow/tfjs union
// that registers the same gradients (src/policy/tf.ts says why). Run by `npm run build`.
//
// The bundle carries its own copy of the ops the gradients call; they run on the one engine that
// tfjs-core keeps in a global (the union package bundles its gradients the same way).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(resolve(root, 'package.json'));
const entry = resolve(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist/register_all_gradients.js');
const outfile = resolve(root, 'dist/src/policy/tfjsGradients.cjs');
await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning', legalComments: 'inline' });
