import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Test files that mock a module (`vi.mock`): they need modules of their own, imported under the mock. */
const MOCKING = ['test/game/memoryLimit.test.ts', 'test/play/memoryLimit.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Temporary files of the tests (and of the processes they spawn) under one directory, removed at the end.
    globalSetup: ['test/globalSetup.ts'],
    // Vitest's default leaves a core free (one test file at a time on 2 cores): measured on 2 cores,
    // 2026-12-04, the whole suite took 350 s that way and 194 s with a file per core.
    maxWorkers: availableParallelism(),
    projects: [
      {
        extends: true,
        // A worker keeps the modules its earlier files imported (TensorFlow.js among them) instead of
        // importing them again for every file: measured on 2 cores, 2026-12-05, 319 s isolated and
        // 285–295 s not (import time 42 s → 12–15 s).
        test: { name: 'shared-modules', include: ['test/**/*.test.ts'], exclude: MOCKING, isolate: false },
      },
      { extends: true, test: { name: 'isolated', include: MOCKING, isolate: true } },
    ],
  },
});
