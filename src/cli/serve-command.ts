/**
 * `odc serve`: the Customer capability server on the embedded SQLite store by default, with
 * authentication always on (`--dev` prints a ready token). Every flag has an environment
 * variable, so containers and process managers configure it without a command line.
 */
import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { startPullSources } from '../sync/pull-sources.js';
import { WebhookDeliveryWorker } from '../sync/webhook-delivery.js';
import { DEFAULT_RATE_LIMIT, DEFAULT_TOKEN_TTL_SECONDS } from '../auth/auth-service.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_MAX_BATCH_ITEMS } from '../server/app.js';
import { DEFAULT_CONNECTION_LIMITS as LIMITS } from '../server/connection-limits.js';
import { closeOnSignals, DEFAULT_SHUTDOWN_GRACE_MS, startServer } from '../server/server.js';
import { prepareDevCredentials } from './dev-mode.js';
import { afterErasureOption, retentionIntervalOption } from './privacy-serve-options.js';
import { scheduleRetention } from './retention-schedule.js';
import { databaseOption, openStoreWithAuth, secretKeyFileOption } from './store-options.js';

function wholeNumber(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number (got ${raw})`);
    return n;
  };
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the Customer capability server')
    .addOption(new Option('-p, --port <port>', 'TCP port').env('PORT').default(8080).argParser(wholeNumber('port')))
    .addOption(new Option('-H, --host <host>', 'address to listen on').env('HOST').default('127.0.0.1'))
    .addOption(databaseOption())
    .addOption(secretKeyFileOption())
    .addOption(new Option('--base-path <path>', 'prefix of every Customer operation, e.g. /v2').env('ODC_BASE_PATH').default('/'))
    .addOption(
      new Option('--rc2-base-path <path>', "prefix of the committee's 2.0.0-rc.2 binding (docs/bindings.md)").env('ODC_RC2_BASE_PATH').default('/od/v2'),
    )
    .option('--no-rc2', 'serve the seed binding only')
    .addOption(new Option('--public-url <url>', 'public origin for absolute URLs in discovery, e.g. https://crm.example.com').env('ODC_PUBLIC_URL'))
    .addOption(
      new Option('--body-limit <bytes>', 'largest request body').env('ODC_BODY_LIMIT').default(DEFAULT_BODY_LIMIT).argParser(wholeNumber('body limit')),
    )
    .addOption(new Option('--max-batch <items>', 'largest batch').env('ODC_MAX_BATCH').default(DEFAULT_MAX_BATCH_ITEMS).argParser(wholeNumber('max batch')))
    .addOption(new Option('--order-profile <profile>', 'Order validation profile').env('ODC_ORDER_PROFILE').choices(['lenient', 'strict']).default('lenient'))
    .addOption(new Option('--pool-size <n>', 'PostgreSQL connections per instance').env('ODC_PG_POOL_SIZE').default(10).argParser(wholeNumber('pool size')))
    .addOption(
      new Option('--statement-timeout <ms>', 'PostgreSQL statement timeout')
        .env('ODC_PG_STATEMENT_TIMEOUT')
        .default(15_000)
        .argParser(wholeNumber('statement timeout')),
    )
    .addOption(new Option('--sync <mode>', 'SQLite durability: full fsyncs every commit').env('ODC_SQLITE_SYNC').choices(['full', 'normal']).default('full'))
    .addOption(
      new Option('--token-ttl <seconds>', 'lifetime of issued access tokens')
        .env('ODC_TOKEN_TTL')
        .default(DEFAULT_TOKEN_TTL_SECONDS)
        .argParser(wholeNumber('token ttl')),
    )
    .addOption(new Option('--issuer <iss>', 'iss claim of issued tokens').env('ODC_ISSUER').default('odc'))
    .addOption(new Option('--audience <aud>', 'aud claim of issued tokens').env('ODC_AUDIENCE').default('odc'))
    .addOption(new Option('--jwks-url <url>', 'also accept tokens of an external issuer, verified with this JWKS').env('ODC_JWKS_URL'))
    .addOption(new Option('--jwks-issuer <iss>', 'iss of the external issuer').env('ODC_JWKS_ISSUER'))
    .addOption(new Option('--jwks-audience <aud>', 'aud the external tokens must carry').env('ODC_JWKS_AUDIENCE'))
    .addOption(
      new Option('--event-signatures <mode>', 'X-App-Signature on POST /customer/events')
        .env('ODC_EVENT_SIGNATURES')
        .choices(['required', 'optional', 'off'])
        .default('optional'),
    )
    .addOption(
      new Option('--rate-limit <rps>', 'requests per second per client (0: no limit)')
        .env('ODC_RATE_LIMIT')
        .default(DEFAULT_RATE_LIMIT)
        .argParser(wholeNumber('rate limit')),
    )
    .addOption(new Option('--admin-key <key>', 'enables the admin API (/admin/clients) with this key').env('ODC_ADMIN_KEY'))
    .addOption(
      new Option('--role <role>', 'crm: receives pushes and serves its data; origin: an Origin Platform serving its records to CRMs that pull')
        .env('ODC_ROLE')
        .choices(['crm', 'origin'])
        .default('crm'),
    )
    .addOption(
      new Option('--webhook-max-attempts <n>', 'attempts before a webhook delivery is dead')
        .env('ODC_WEBHOOK_MAX_ATTEMPTS')
        .default(8)
        .argParser(wholeNumber('webhook max attempts')),
    )
    .addOption(
      new Option('--webhook-base-delay <ms>', 'first webhook retry delay, doubled per attempt')
        .env('ODC_WEBHOOK_BASE_DELAY')
        .default(1000)
        .argParser(wholeNumber('webhook base delay')),
    )
    .addOption(
      new Option('--webhook-allow-private-targets', 'deliver webhooks to loopback, private and link-local addresses too (refused by default)').env(
        'ODC_WEBHOOK_ALLOW_PRIVATE_TARGETS',
      ),
    )
    .addOption(new Option('--pull-from <url>', "pull mode: keep this store in sync with an Origin Platform's Customer endpoints").env('ODC_PULL_FROM'))
    .addOption(new Option('--pull-token <token>', 'Bearer token for the origin').env('ODC_PULL_TOKEN'))
    .addOption(new Option('--pull-client-id <id>', 'client credentials at the origin').env('ODC_PULL_CLIENT_ID'))
    .addOption(new Option('--pull-client-secret <secret>', 'client credentials at the origin').env('ODC_PULL_CLIENT_SECRET'))
    .addOption(new Option('--pull-source-merchant <id>', 'merchant to read at the origin (X-App-MerchantId)').env('ODC_PULL_SOURCE_MERCHANT'))
    .addOption(new Option('--pull-merchant <id>', 'local merchant the pulled records belong to').env('ODC_PULL_MERCHANT').default('default'))
    .addOption(new Option('--pull-interval <seconds>', 'seconds between pulls').env('ODC_PULL_INTERVAL').default(60).argParser(wholeNumber('pull interval')))
    .addOption(
      new Option('--headers-timeout <ms>', "longest wait for a request's headers (slowloris)")
        .env('ODC_HEADERS_TIMEOUT')
        .default(LIMITS.headersTimeoutMs)
        .argParser(wholeNumber('headers timeout')),
    )
    .addOption(
      new Option('--request-timeout <ms>', 'longest wait for a whole request, body included (0: none)')
        .env('ODC_REQUEST_TIMEOUT')
        .default(LIMITS.requestTimeoutMs)
        .argParser(wholeNumber('request timeout')),
    )
    .addOption(
      new Option('--keep-alive-timeout <ms>', 'idle time before a kept-alive connection is closed')
        .env('ODC_KEEP_ALIVE_TIMEOUT')
        .default(LIMITS.keepAliveTimeoutMs)
        .argParser(wholeNumber('keep-alive timeout')),
    )
    .addOption(
      new Option('--max-header-size <bytes>', 'largest request line and headers (431 above)')
        .env('ODC_MAX_HEADER_SIZE')
        .default(LIMITS.maxHeaderSize)
        .argParser(wholeNumber('max header size')),
    )
    .addOption(
      new Option('--max-connections-per-ip <n>', 'open connections one address may hold (0: no cap)')
        .env('ODC_MAX_CONNECTIONS_PER_IP')
        .default(LIMITS.maxConnectionsPerAddress)
        .argParser(wholeNumber('max connections per ip')),
    )
    .addOption(
      new Option('--shutdown-grace <ms>', 'longest wait for in-flight requests on SIGTERM before exiting')
        .env('ODC_SHUTDOWN_GRACE')
        .default(DEFAULT_SHUTDOWN_GRACE_MS)
        .argParser(wholeNumber('shutdown grace')),
    )
    .addOption(afterErasureOption())
    .addOption(retentionIntervalOption())
    .addOption(new Option('--dev', 'create a development client and print a ready token'))
    .addOption(
      new Option('--log-level <level>', 'pino log level')
        .env('LOG_LEVEL')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .action(async (opts) => {
      const external = opts.jwksUrl ? { jwksUrl: opts.jwksUrl, issuer: opts.jwksIssuer, audience: opts.jwksAudience } : undefined;
      if (external && (!external.issuer || !external.audience)) throw new Error('--jwks-url needs --jwks-issuer and --jwks-audience');
      if (opts.adminKey !== undefined && opts.adminKey.length < 16) throw new Error('--admin-key must be at least 16 characters');
      if (opts.requestTimeout > 0 && (opts.headersTimeout === 0 || opts.headersTimeout > opts.requestTimeout))
        throw new Error('--headers-timeout must be between 1 and --request-timeout');
      const { store, auth } = await openStoreWithAuth(
        { ...opts, synchronous: opts.sync },
        {
          issuer: opts.issuer,
          audience: opts.audience,
          tokenTtlSeconds: opts.tokenTtl,
          external,
          signatureMode: opts.eventSignatures,
          rateLimitPerSecond: opts.rateLimit,
          adminKey: opts.adminKey,
        },
      );
      const shutdown: Array<() => Promise<void>> = [];
      const server = await startServer({
        store,
        auth,
        onShutdown: shutdown,
        host: opts.host,
        port: opts.port,
        basePath: opts.basePath,
        rc2BasePath: opts.rc2 === false ? false : opts.rc2BasePath,
        publicUrl: opts.publicUrl,
        role: opts.role,
        bodyLimit: opts.bodyLimit,
        maxBatchItems: opts.maxBatch,
        orderProfile: opts.orderProfile,
        afterErasure: opts.afterErasure,
        logger: { level: opts.logLevel },
        shutdownGraceMs: opts.shutdownGrace,
        connectionLimits: {
          headersTimeoutMs: opts.headersTimeout,
          requestTimeoutMs: opts.requestTimeout,
          keepAliveTimeoutMs: opts.keepAliveTimeout,
          maxHeaderSize: opts.maxHeaderSize,
          maxConnectionsPerAddress: opts.maxConnectionsPerIp,
        },
      });
      const base = opts.basePath === '/' ? '' : opts.basePath.replace(/\/+$/, '');
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(`odc listening on ${server.url}${base} (store: ${opts.database}); API reference at ${server.url}/docs`);
      const worker = new WebhookDeliveryWorker({
        store: store.webhooks,
        secrets: auth.secrets,
        appId: await store.auth.initSetting('appId', randomUUID()),
        maxAttempts: opts.webhookMaxAttempts,
        baseDelayMs: opts.webhookBaseDelay,
        allowPrivateTargets: Boolean(opts.webhookAllowPrivateTargets),
        log: (message, fields) => server.app.log.warn(fields ?? {}, message),
      });
      worker.start();
      shutdown.push(() => worker.stop());
      if (opts.retentionInterval > 0) {
        const retention = scheduleRetention(store, opts.retentionInterval, server.app.log);
        shutdown.unshift(() => retention.stop());
      }
      if (opts.pullFrom) {
        const credentials = opts.pullClientId ? { clientId: opts.pullClientId, clientSecret: opts.pullClientSecret ?? '' } : undefined;
        const pulling = startPullSources(
          store,
          [
            {
              url: opts.pullFrom,
              token: opts.pullToken,
              credentials,
              sourceMerchant: opts.pullSourceMerchant,
              merchant: opts.pullMerchant,
              intervalSeconds: opts.pullInterval,
              orderProfile: opts.orderProfile,
            },
          ],
          server.app.log,
        );
        // Stop pulling before the store closes: each loop finishes the page it is writing.
        shutdown.unshift(() => pulling.stop());
        out(`pulling from ${opts.pullFrom} every ${opts.pullInterval} s into merchant "${opts.pullMerchant}"`);
      }
      if (opts.dev) {
        const dev = await prepareDevCredentials(auth, opts.database);
        out(`dev mode: client_id=${dev.clientId} client_secret=${dev.clientSecret} (merchant "default")`);
        out(`dev mode: a token valid ${opts.tokenTtl} s is in ${dev.tokenFile}; use it as  -H "Authorization: Bearer $(cat ${dev.tokenFile})"`);
      }
      closeOnSignals(server, server.shutdownGraceMs, (message) => server.app.log.info(message));
    });
}
