#!/usr/bin/env node
/** Entry point of the `cgym` / `consensus-gym` executables. */
import { Worker } from 'node:worker_threads';
import { run } from './program.js';

if (process.send) stopWithParent();
quietWhenTheReaderLeaves();

process.exitCode = await run(process.argv);

/**
 * A child run of `cgym paper` (spawned with an IPC channel) stops when its parent is gone, even a
 * parent killed by SIGKILL, whose handlers never ran: its runs are the parent's results, and
 * nobody is left to read them.
 *
 * The channel's 'disconnect' only reaches a free event loop, and a training run keeps its loop
 * busy from the first epoch to the last; so a worker thread, whose loop stays free, also watches
 * the parent's pid (an orphan is adopted by another process) and ends the process with SIGTERM.
 */
function stopWithParent(): void {
  const HANGUP = 129; // the exit code of a process ended by SIGHUP: its parent hung up
  process.on('disconnect', () => process.exit(HANGUP));
  // The listener alone would keep a finished child waiting on the channel for ever.
  process.channel?.unref();
  const watchdog = `
    const { workerData } = require('node:worker_threads');
    setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGTERM'); }, 200);
  `;
  new Worker(watchdog, { eval: true, workerData: process.ppid }).unref();
}

/**
 * `cgym play … | head`: the reader closes the pipe before the output ends, and the next write
 * fails with EPIPE. That is the reader's choice, not an error of ours: end quietly, as Unix tools
 * do, instead of printing a stack.
 */
function quietWhenTheReaderLeaves(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
