/**
 * `odc pull --from URL`: the CRM side of pull mode. Copies customers, leads, orders, reviews
 * and events from an Origin Platform into a local tenant, incrementally (src/sync/pull.ts),
 * resuming from the checkpoints stored in the target database after a crash or Ctrl-C.
 * `--watch` keeps polling at an interval until interrupted.
 *
 * Run it against a database no `odc serve` process has open: SQLite stamps come from a clock
 * per process, so a separate writer could disturb the server's change order. Inside a server,
 * configure the sources there instead (src/sync/pull-sources.ts).
 */
import { Command, Option } from 'commander';
import { ContractValidator } from '../contract/validation.js';
import { parseResources, sourceKeyOf } from '../sync/pull-checkpoints.js';
import { pullOnce, watch, type PullOptions, type PullSummary } from '../sync/pull.js';
import { formatCycle, formatSummary, PullProgressView, ratePerSecond } from './pull-progress.js';
import { clientSpeaking, contractOption, type ContractChoice } from './contract-option.js';
import { withSecretFiles } from './secret-files.js';
import { databaseOption, openNamedStore } from './store-options.js';

function positiveInteger(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new Error(`${name} must be a whole number from 1 to ${max} (got ${raw})`);
    return n;
  };
}

interface PullCommandOptions {
  from: string;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  tokenUrl?: string;
  sourceMerchant?: string;
  merchant: string;
  resources: string;
  pageSize: number;
  full?: boolean;
  watch?: boolean;
  interval: number;
  orderProfile: 'lenient' | 'strict';
  sync: 'full' | 'normal';
  json?: boolean;
  database: string;
  contract: ContractChoice;
}

export function pullCommand(): Command {
  const command = new Command('pull')
    .description('copy customers, leads, orders, reviews and events from an Origin Platform into the local store, incrementally')
    .requiredOption('--from <url>', "base URL of the origin's Customer endpoints, e.g. https://origin.example.com/v2")
    .addOption(new Option('--token <token>', 'Bearer token for the origin').env('ODC_PULL_TOKEN'))
    .addOption(new Option('--client-id <id>', 'OAuth client id at the origin (client credentials)').env('ODC_PULL_CLIENT_ID'))
    .addOption(new Option('--client-secret <secret>', 'OAuth client secret at the origin').env('ODC_PULL_CLIENT_SECRET'))
    .addOption(new Option('--token-url <url>', 'token endpoint (default: <origin>/oauth/token)').env('ODC_PULL_TOKEN_URL'))
    .option('--source-merchant <id>', 'merchant to read at the origin (sent as X-App-MerchantId)')
    .option('-m, --merchant <id>', 'local merchant (tenant) the records are written to', 'default')
    .option('--resources <list>', 'comma-separated: customers, leads, orders, reviews, events, or all', 'all')
    .addOption(new Option('--page-size <n>', 'records per page asked of the origin').default(500).argParser(positiveInteger('page size', 500)))
    .option('--full', 'ignore stored checkpoints and read everything again (idempotent)')
    .option('--watch', 'keep pulling at an interval until interrupted')
    .addOption(new Option('--interval <seconds>', 'seconds between pulls with --watch').default(60).argParser(positiveInteger('interval')))
    .addOption(new Option('--order-profile <profile>', 'Order validation profile').env('ODC_ORDER_PROFILE').choices(['lenient', 'strict']).default('lenient'))
    .addOption(new Option('--sync <mode>', 'SQLite durability of the local store').env('ODC_SQLITE_SYNC').choices(['full', 'normal']).default('full'))
    .option('--json', "print the summary (each cycle's with --watch) as one JSON line")
    .addOption(contractOption())
    .addOption(databaseOption())
    .action(async (opts: PullCommandOptions) => {
      let resources = parseResources(opts.resources);
      if (opts.clientId !== undefined && opts.clientSecret === undefined) throw new Error('--client-id needs --client-secret');
      const baseUrl = new URL(opts.from).toString().replace(/\/+$/, '');
      const view = new PullProgressView(process.stderr);
      const client = await clientSpeaking(
        {
          baseUrl,
          token: opts.token,
          credentials: opts.clientId ? { clientId: opts.clientId, clientSecret: opts.clientSecret as string, tokenUrl: opts.tokenUrl } : undefined,
          merchantId: opts.sourceMerchant,
          onRetry: (error, waitMs) => view.note(`origin: ${error instanceof Error ? error.message : String(error)}; retrying in ${waitMs} ms`),
        },
        opts.contract,
        (line) => view.note(line),
      );
      // rc.2's customer module lists no events (docs/bindings.md): "all" means the four it has.
      if (client.contract === 'rc2' && resources.includes('events')) {
        if (opts.resources.split(',').some((r) => r.trim().toLowerCase() === 'events')) throw new Error(`${baseUrl} speaks rc.2, which has no list of events`);
        resources = resources.filter((r) => r !== 'events');
      }
      const store = await openNamedStore({ database: opts.database, synchronous: opts.sync });

      const controller = new AbortController();
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) {
          view.note(`${signal} again: exiting now (the current page will be pulled again next time)`);
          process.exit(130);
        }
        view.note(`${signal}: stopping after the current page is committed (again to quit at once)`);
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);

      const report = (summary: PullSummary, line: string, cycle?: number) => {
        if (opts.json)
          process.stdout.write(`${JSON.stringify({ cycle, ...summary, recordsPerSecond: Math.round(ratePerSecond(summary.received, summary.elapsedMs)) })}\n`);
        else process.stdout.write(`${line}\n`);
      };
      let showProgress = true;
      const pull: PullOptions = {
        client,
        store,
        tenant: opts.merchant,
        sourceKey: sourceKeyOf(baseUrl, opts.sourceMerchant),
        resources,
        validator: new ContractValidator({ orderProfile: opts.orderProfile }),
        pageSize: opts.pageSize,
        full: opts.full,
        onProgress: (summary, phase) => {
          if (showProgress) view.update(summary, phase);
        },
        signal: controller.signal,
      };
      try {
        if (opts.watch) {
          view.note(`watching ${baseUrl} every ${opts.interval} s; Ctrl-C stops`);
          await watch({
            ...pull,
            signal: controller.signal,
            intervalMs: opts.interval * 1000,
            onCycle: (summary, cycle) => {
              // The first cycle may be a whole initial copy and gets the progress display; later ones are one line each.
              showProgress = false;
              report(summary, formatCycle(summary, cycle), cycle);
            },
            onError: (error, cycle) =>
              view.note(`cycle ${cycle} failed: ${error instanceof Error ? error.message : String(error)}; trying again in ${opts.interval} s`),
          });
          view.note('stopped');
        } else {
          const summary = await pullOnce(pull);
          report(summary, formatSummary(summary, baseUrl));
          if (summary.aborted) process.exitCode = 130;
          else if (summary.resources.some((r) => r.stopped)) process.exitCode = 1;
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await store.close();
      }
    });
  return withSecretFiles(command, ['--token', '--client-secret']);
}
