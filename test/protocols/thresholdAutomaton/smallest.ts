// The ByMC files of examples/bymc at their smallest sizes (src/protocols/thresholdAutomaton/smallest.ts),
// with the folder's path for the tests.
import { fileURLToPath } from 'node:url';

export { PUBLISHED, SMALLEST, type SmallestSize } from '../../../src/protocols/thresholdAutomaton/smallest.js';

export const BYMC = fileURLToPath(new URL('../../../examples/bymc', import.meta.url));

/** `FILE.ta[params]` in examples/bymc, as `--honest` takes it. */
export const ta = (file: string, params = ''): string => `${BYMC}/${file}.ta${params ? `[${params}]` : ''}`;
