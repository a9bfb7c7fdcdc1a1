/**
 * `odc serve`: the Customer capability server on the embedded SQLite store by default, with
 * authentication always on (`--dev` prints a ready token). Every option is declared once in
 * serve-config.ts, with its environment variable, so containers and process managers configure
 * it without a command line; the action reads only the checked, typed `ServeConfig`.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { startPullSources } from '../sync/pull-sources.js';
import { WebhookDeliveryWorker } from '../sync/webhook-delivery.js';
import { closeOnSignals, startServer } from '../server/server.js';
import { prepareDevCredentials } from './dev-mode.js';
import { commanderOptions, parseServeConfig, type ServeConfig } from './serve-config.js';
import { scheduleLoyaltyExpiry } from './loyalty-expiry-schedule.js';
import { scheduleRetention } from './retention-schedule.js';
import { explainListenError } from './startup-errors.js';
import { openStoreWithAuth } from './store-options.js';

/** Rules between options the schema cannot state alone. */
function checkCombinations(config: ServeConfig): void {
  if (config.jwksUrl && (!config.jwksIssuer || !config.jwksAudience)) throw new Error('--jwks-url needs --jwks-issuer and --jwks-audience');
  if (config.adminKey !== undefined && config.adminKey.length < 16) throw new Error('--admin-key must be at least 16 characters');
  if (config.requestTimeout > 0 && (config.headersTimeout === 0 || config.headersTimeout > config.requestTimeout))
    throw new Error('--headers-timeout must be between 1 and --request-timeout');
  if (config.pullFrom && !config.pullToken && !config.pullClientId)
    throw new Error('--pull-from needs --pull-client-id with --pull-client-secret (renewed by themselves), or --pull-token');
  if (config.pullClientId && !config.pullClientSecret) throw new Error('--pull-client-id needs --pull-client-secret (or --pull-client-secret-file)');
}

export function serveCommand(): Command {
  const command = new Command('serve').description('run the Customer capability server');
  for (const option of commanderOptions()) command.addOption(option);
  return command.action(async (raw: Record<string, unknown>) => {
    const config = parseServeConfig(raw);
    checkCombinations(config);
    const external = config.jwksUrl ? { jwksUrl: config.jwksUrl, issuer: config.jwksIssuer!, audience: config.jwksAudience! } : undefined;
    let serverLog: FastifyBaseLogger | undefined;
    const { store, auth } = await openStoreWithAuth(
      {
        database: config.database,
        secretKeyFile: config.secretKeyFile,
        synchronous: config.sync,
        poolSize: config.poolSize,
        statementTimeout: config.statementTimeout,
        // The pool may fail before the server's logger exists; its errors reach that logger once it does.
        logger: { error: (details, message) => (serverLog ? serverLog.error(details, message) : console.error(message, details.err)) },
      },
      {
        issuer: config.issuer,
        audience: config.audience,
        tokenTtlSeconds: config.tokenTtl,
        external,
        signatureMode: config.eventSignatures,
        rateLimitPerSecond: config.rateLimit,
        adminKey: config.adminKey,
      },
    );
    const out = (line: string) => process.stdout.write(`${line}\n`);
    // Written before listening: once the server answers /readyz, the token file is there.
    const dev = config.dev ? await prepareDevCredentials(auth, config.database) : undefined;
    const shutdown: Array<() => Promise<void>> = [];
    const server = await startServer({
      store,
      auth,
      onShutdown: shutdown,
      host: config.host,
      port: config.port,
      basePath: config.basePath,
      rc2BasePath: config.rc2 ? config.rc2BasePath : false,
      // The admin API's webhook subscriptions follow the delivery worker's target rule.
      webhookAllowPrivateTargets: config.webhookAllowPrivateTargets,
      publicUrl: config.publicUrl,
      role: config.role,
      bodyLimit: config.bodyLimit,
      maxBatchItems: config.maxBatch,
      orderProfile: config.orderProfile,
      afterErasure: config.afterErasure,
      logger: { level: config.logLevel },
      shutdownGraceMs: config.shutdownGrace,
      connectionLimits: {
        headersTimeoutMs: config.headersTimeout,
        requestTimeoutMs: config.requestTimeout,
        keepAliveTimeoutMs: config.keepAliveTimeout,
        maxHeaderSize: config.maxHeaderSize,
        maxConnectionsPerAddress: config.maxConnectionsPerIp,
      },
    }).catch(async (error: unknown) => {
      await store.close().catch(() => undefined);
      throw explainListenError(error, config);
    });
    serverLog = server.app.log;
    const base = config.basePath === '/' ? '' : config.basePath.replace(/\/+$/, '');
    out(`odc listening on ${server.url}${base} (store: ${config.database}); API reference at ${server.url}/docs`);
    const worker = new WebhookDeliveryWorker({
      store: store.webhooks,
      secrets: auth.secrets,
      appId: await store.auth.initSetting('appId', randomUUID()),
      maxAttempts: config.webhookMaxAttempts,
      baseDelayMs: config.webhookBaseDelay,
      allowPrivateTargets: config.webhookAllowPrivateTargets,
      log: (message, fields) => server.app.log.warn(fields ?? {}, message),
    });
    worker.start();
    shutdown.push(() => worker.stop());
    if (config.retentionInterval > 0) {
      const retention = scheduleRetention(store, config.retentionInterval, server.app.log);
      shutdown.unshift(() => retention.stop());
    }
    if (config.loyaltyExpiryInterval > 0) {
      const expiry = scheduleLoyaltyExpiry(store, config.loyaltyExpiryInterval, server.app.log);
      shutdown.unshift(() => expiry.stop());
    }
    if (config.pullFrom) {
      const credentials = config.pullClientId ? { clientId: config.pullClientId, clientSecret: config.pullClientSecret! } : undefined;
      const pulling = startPullSources(
        store,
        [
          {
            url: config.pullFrom,
            token: config.pullToken,
            credentials,
            sourceMerchant: config.pullSourceMerchant,
            merchant: config.pullMerchant,
            intervalSeconds: config.pullInterval,
            contract: config.pullContract,
            orderProfile: config.orderProfile,
          },
        ],
        server.app.log,
      );
      // Stop pulling before the store closes: each loop finishes the page it is writing.
      shutdown.unshift(() => pulling.stop());
      out(`pulling from ${config.pullFrom} every ${config.pullInterval} s into merchant "${config.pullMerchant}"`);
    }
    if (dev) {
      out(`dev mode: client_id=${dev.clientId} client_secret=${dev.clientSecret} (merchant "default")`);
      out(`dev mode: a token valid ${config.tokenTtl} s is in ${dev.tokenFile}; use it as  -H "Authorization: Bearer $(cat ${dev.tokenFile})"`);
      out(`dev mode: restart with --dev for a new token, or get one at ${server.url}/oauth/token with the client id and secret above`);
    }
    closeOnSignals(server, server.shutdownGraceMs, (message, err) =>
      err === undefined ? server.app.log.info(message) : server.app.log.error({ err }, message),
    );
  });
}
