#!/usr/bin/env node
/**
 * The `odc` command. Each subcommand lives in its own module; this file only assembles them.
 *
 * Modules load on demand: each brings its own dependencies (the server, the stores, the compiled
 * validators), which cost more to load than most commands take to run. `odc push ...` loads only
 * the push command; help, `--version` and an unknown name load all of them so commander can list
 * them and suggest the nearest.
 */
import { Command } from 'commander';
import { version } from '../version.js';

/** Name → loader of the module that builds that subcommand, in the order help lists them. */
const commandLoaders: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve-command.js')).serveCommand(),
  clients: async () => (await import('./clients-command.js')).clientsCommand(),
  keys: async () => (await import('./keys-command.js')).keysCommand(),
  migrate: async () => (await import('./migrate-command.js')).migrateCommand(),
  push: async () => (await import('./push-command.js')).pushCommand(),
  pull: async () => (await import('./pull-command.js')).pullCommand(),
  webhooks: async () => (await import('./webhooks-command.js')).webhooksCommand(),
  openapi: async () => (await import('./openapi-command.js')).openapiCommand(),
  conformance: async () => (await import('./conformance-command.js')).conformanceCommand(),
  validate: async () => (await import('./validate-command.js')).validateCommand(),
  wait: async () => (await import('./wait-command.js')).waitCommand(),
  backup: async () => (await import('./backup-command.js')).backupCommand(),
  export: async () => (await import('./export-command.js')).exportCommand(),
  import: async () => (await import('./import-command.js')).importCommand(),
  privacy: async () => (await import('./privacy-command.js')).privacyCommand(),
  retention: async () => (await import('./retention-command.js')).retentionCommand(),
  loyalty: async () => (await import('./loyalty-command.js')).loyaltyCommand(),
};

/** The message of an error and of each cause under it: "fetch failed" alone says nothing. */
function describeError(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; e = e instanceof Error ? e.cause : undefined, depth += 1) {
    lines.push(e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e));
  }
  return lines.join('\n  caused by: ');
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('odc').description('Open Delivery Customer hub: server, client and tools for the Customer capability').version(version);
  const named = argv[2];
  const names = named !== undefined && Object.hasOwn(commandLoaders, named) ? [named] : Object.keys(commandLoaders);
  for (const command of await Promise.all(names.map((name) => commandLoaders[name]!()))) program.addCommand(command);
  await program.parseAsync(argv);
}

main(process.argv).catch((error: unknown) => {
  process.stderr.write(`odc: ${describeError(error)}\n`);
  process.exit(1);
});
