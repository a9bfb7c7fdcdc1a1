#!/usr/bin/env node
/**
 * The `odc` command. Each subcommand lives in its own module; this file only assembles them.
 */
import { Command } from 'commander';
import { version } from '../version.js';
import { backupCommand } from './backup-command.js';
import { clientsCommand } from './clients-command.js';
import { conformanceCommand } from './conformance-command.js';
import { exportCommand } from './export-command.js';
import { importCommand } from './import-command.js';
import { keysCommand } from './keys-command.js';
import { loyaltyCommand } from './loyalty-command.js';
import { migrateCommand } from './migrate-command.js';
import { openapiCommand } from './openapi-command.js';
import { privacyCommand } from './privacy-command.js';
import { pullCommand } from './pull-command.js';
import { pushCommand } from './push-command.js';
import { retentionCommand } from './retention-command.js';
import { serveCommand } from './serve-command.js';
import { validateCommand } from './validate-command.js';
import { waitCommand } from './wait-command.js';
import { webhooksCommand } from './webhooks-command.js';

const program = new Command('odc')
  .description('Open Delivery Customer hub: server, client and tools for the Customer capability')
  .version(version)
  .addCommand(serveCommand())
  .addCommand(clientsCommand())
  .addCommand(keysCommand())
  .addCommand(migrateCommand())
  .addCommand(pushCommand())
  .addCommand(pullCommand())
  .addCommand(webhooksCommand())
  .addCommand(openapiCommand())
  .addCommand(conformanceCommand())
  .addCommand(validateCommand())
  .addCommand(waitCommand())
  .addCommand(backupCommand())
  .addCommand(exportCommand())
  .addCommand(importCommand())
  .addCommand(privacyCommand())
  .addCommand(retentionCommand())
  .addCommand(loyaltyCommand());

/** The message of an error and of each cause under it: "fetch failed" alone says nothing. */
function describeError(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; e = e instanceof Error ? e.cause : undefined, depth += 1) {
    lines.push(e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e));
  }
  return lines.join('\n  caused by: ');
}

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`odc: ${describeError(error)}\n`);
  process.exit(1);
});
