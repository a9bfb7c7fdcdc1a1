/**
 * `odc serve`: the Customer capability server on the embedded SQLite store by default.
 * Every flag has an environment variable, so containers and process managers configure it
 * without a command line.
 */
import { Command, Option } from 'commander';
import { DEFAULT_BODY_LIMIT, DEFAULT_MAX_BATCH_ITEMS } from '../server/app.js';
import { closeOnSignals, startServer } from '../server/server.js';
import { DEFAULT_DATABASE, openStore } from '../store/open-store.js';

function positiveInteger(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number (got ${raw})`);
    return n;
  };
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the Customer capability server')
    .addOption(new Option('-p, --port <port>', 'TCP port').env('PORT').default(8080).argParser(positiveInteger('port')))
    .addOption(new Option('-H, --host <host>', 'address to listen on').env('HOST').default('127.0.0.1'))
    .addOption(new Option('-d, --database <path>', 'SQLite database file').env('DATABASE_URL').default(DEFAULT_DATABASE))
    .addOption(new Option('--base-path <path>', 'prefix of every Customer operation, e.g. /v2').env('ODC_BASE_PATH').default('/'))
    .addOption(new Option('--body-limit <bytes>', 'largest request body').env('ODC_BODY_LIMIT').default(DEFAULT_BODY_LIMIT).argParser(positiveInteger('body limit')))
    .addOption(new Option('--max-batch <items>', 'largest batch').env('ODC_MAX_BATCH').default(DEFAULT_MAX_BATCH_ITEMS).argParser(positiveInteger('max batch')))
    .addOption(new Option('--order-profile <profile>', 'Order validation profile').env('ODC_ORDER_PROFILE').choices(['lenient', 'strict']).default('lenient'))
    .addOption(new Option('--sync <mode>', 'SQLite durability: full fsyncs every commit').env('ODC_SQLITE_SYNC').choices(['full', 'normal']).default('full'))
    .addOption(new Option('--log-level <level>', 'pino log level').env('LOG_LEVEL').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .action(async (opts) => {
      const store = openStore({ database: opts.database, synchronous: opts.sync });
      const server = await startServer({
        store,
        host: opts.host,
        port: opts.port,
        basePath: opts.basePath,
        bodyLimit: opts.bodyLimit,
        maxBatchItems: opts.maxBatch,
        orderProfile: opts.orderProfile,
        logger: { level: opts.logLevel },
      });
      const base = opts.basePath === '/' ? '' : opts.basePath.replace(/\/+$/, '');
      process.stdout.write(`odc listening on ${server.url}${base} (store: ${opts.database}); API reference at ${server.url}/docs\n`);
      closeOnSignals(server, 10_000, (message) => server.app.log.info(message));
    });
}
