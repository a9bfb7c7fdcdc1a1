#!/usr/bin/env node
/**
 * The `odc` command. Each subcommand lives in its own module; this file only assembles them.
 */
import { Command } from 'commander';
import { version } from '../version.js';
import { backupCommand } from './backup-command.js';
import { clientsCommand } from './clients-command.js';
import { conformanceCommand } from './conformance-command.js';
import { keysCommand } from './keys-command.js';
import { migrateCommand } from './migrate-command.js';
import { openapiCommand } from './openapi-command.js';
import { pullCommand } from './pull-command.js';
import { pushCommand } from './push-command.js';
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
  .addCommand(backupCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`odc: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
