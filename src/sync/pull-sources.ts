/**
 * Pull mode inside `odc serve`: one `watch` loop per configured Origin Platform, writing into
 * the server's own store. Running in the server process is the safe way to pull into a live
 * database: the pulled records take stamps from the same change clock as pushed ones, so
 * clients of this server walking `updatedFrom` and cursors see them in order.
 *
 * Each source keeps its checkpoints in the store (pull-checkpoints.ts), so a restarted server
 * resumes every source where it stopped. A failing source is logged and tried again at its next
 * interval; it never affects the server or the other sources. `stop()` lets each loop finish
 * the page it is writing, then resolves; call it before closing the store.
 */
import { OdcClient } from '../client/odc-client.js';
import type { ContractName } from '../client/rc2-wire.js';
import type { ClientCredentials } from '../client/token-provider.js';
import type { OrderProfile } from '../contract/order.js';
import { ContractValidator } from '../contract/validation.js';
import type { Store } from '../store/store.js';
import { sourceKeyOf } from './pull-checkpoints.js';
import { PULL_RESOURCES, watch, type PullResource } from './pull.js';

export interface PullSourceConfig {
  /** Base URL of the origin's Customer endpoints, e.g. https://origin.example.com/v2. */
  url: string;
  /** A fixed Bearer token for the origin... */
  token?: string;
  /** ...or OAuth client credentials (token fetched from `tokenUrl`, default <origin>/oauth/token). */
  credentials?: ClientCredentials;
  /** Merchant to read at the origin (sent as X-App-MerchantId); omit for single-merchant clients. */
  sourceMerchant?: string;
  /** Local tenant the records are written to (default `default`). */
  merchant?: string;
  /** Default: all five, in pull order. */
  resources?: PullResource[];
  /** Seconds between pulls (default 60). */
  intervalSeconds?: number;
  /** Records per page asked of the origin (default 500). */
  pageSize?: number;
  /** Validation profile for pulled orders (default `lenient`); use the server's own. */
  orderProfile?: OrderProfile;
  /**
   * The contract the origin's URL speaks (default `seed`). With `rc2` the default resources are
   * the four of rc.2's customer module: it lists no events (docs/bindings.md).
   */
  contract?: ContractName;
}

/** The part of a pino/Fastify logger the loops use (`app.log` fits). */
export interface PullSourceLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface RunningPullSources {
  /** Stops every loop after the page it is writing; resolves when all have stopped. */
  stop(): Promise<void>;
}

export function startPullSources(store: Store, sources: PullSourceConfig[], log: PullSourceLog): RunningPullSources {
  const controller = new AbortController();
  const validators = new Map<OrderProfile, ContractValidator>();
  const validatorFor = (profile: OrderProfile) => {
    let validator = validators.get(profile);
    if (!validator) {
      validator = new ContractValidator({ orderProfile: profile });
      validators.set(profile, validator);
    }
    return validator;
  };

  const loops = sources.map(async (source) => {
    const baseUrl = source.url.replace(/\/+$/, '');
    const tenant = source.merchant ?? 'default';
    const context = { source: baseUrl, sourceMerchant: source.sourceMerchant, merchant: tenant };
    const client = new OdcClient({
      baseUrl,
      token: source.token,
      credentials: source.credentials,
      merchantId: source.sourceMerchant,
      contract: source.contract,
      onRetry: (error, waitMs) => log.warn({ ...context, waitMs, err: error }, 'pull: origin call failed; retrying'),
    });
    log.info({ ...context, intervalSeconds: source.intervalSeconds ?? 60 }, 'pull: watching origin');
    try {
      await watch({
        client,
        store,
        tenant,
        sourceKey: sourceKeyOf(baseUrl, source.sourceMerchant),
        resources: source.resources ?? PULL_RESOURCES.filter((r) => source.contract !== 'rc2' || r !== 'events'),
        validator: validatorFor(source.orderProfile ?? 'lenient'),
        pageSize: source.pageSize,
        signal: controller.signal,
        intervalMs: (source.intervalSeconds ?? 60) * 1000,
        onCycle: (summary, cycle) => {
          const changes = Object.fromEntries(
            summary.resources.map((r) => [r.resource, { received: r.received, created: r.created, updated: r.updated, rejected: r.rejected }]),
          );
          const rejections = summary.resources.flatMap((r) => r.rejections);
          if (rejections.length > 0) log.warn({ ...context, cycle, rejections }, 'pull: records rejected');
          for (const r of summary.resources) if (r.stopped) log.warn({ ...context, cycle, resource: r.resource, reason: r.stopped }, 'pull: walk stopped');
          log.info({ ...context, cycle, received: summary.received, elapsedMs: summary.elapsedMs, changes }, 'pull: cycle done');
        },
        onError: (error, cycle) => log.error({ ...context, cycle, err: error }, 'pull: cycle failed; trying again at the next interval'),
      });
    } catch (error) {
      log.error({ ...context, err: error }, 'pull: loop ended with an error');
    }
  });

  let stopping: Promise<void> | undefined;
  return {
    stop: () =>
      (stopping ??= (async () => {
        controller.abort();
        await Promise.all(loops);
      })()),
  };
}
