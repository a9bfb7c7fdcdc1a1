/**
 * The `odc pull` command alone, for tests that spawn it as a process:
 * `node --import tsx test/support/pull-cli.ts pull --from URL ...`.
 */
import { Command } from 'commander';
import { pullCommand } from '../../src/cli/pull-command.js';

new Command('odc')
  .addCommand(pullCommand())
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`odc: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
