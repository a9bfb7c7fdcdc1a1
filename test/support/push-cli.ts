/**
 * `odc push` alone, for test/push.test.ts to spawn while src/cli/index.ts does not register it:
 * a commander program with only pushCommand(). With ODC_PRINT_MAX_RSS=1 it writes
 * `maxRSS=<KiB>` to stderr at exit, the process's peak resident memory (for the memory test).
 */
import { Command } from 'commander';
import { pushCommand } from '../../src/cli/push-command.js';

if (process.env.ODC_PRINT_MAX_RSS === '1') process.on('exit', () => process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`));

new Command('odc')
  .addCommand(pushCommand())
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`odc: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
