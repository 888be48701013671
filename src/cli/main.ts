#!/usr/bin/env node
/** Entry point of the `cgym` / `consensus-gym` executables. */
import { run } from './program.js';

process.exitCode = await run(process.argv);
