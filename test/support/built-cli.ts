/**
 * The `odc` command as built (dist/), for the tests that run it as a process. Loading the
 * compiled JavaScript costs about half the CPU of compiling the TypeScript through tsx at every
 * start, and these tests start it hundreds of times. scripts/run-tests.mjs builds once before
 * the files run; a file run alone rebuilds here when dist/ is older than src/.
 */
import { join } from 'node:path';
import { ensureBuilt } from './build.js';

ensureBuilt();

export const BUILT_CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'index.js');
