/**
 * Runs the conformance checks against one target and returns a report.
 *
 * The runner reads the target's discovery document first (public, no credentials): the
 * operations it declares decide what is checked ("Implement all advertised Customer
 * operations in discovery metadata", REST binding, Conformance); operations it does not
 * declare are reported as skipped, never failed. Checks run one at a time, in the order of
 * `allChecks`, throttled to the rate the target declares.
 *
 * @example
 *   const report = await runConformance({ baseUrl: 'https://crm.example.com/v2', token });
 *   if (!report.ok) process.exitCode = 1;
 */
import { randomBytes } from 'node:crypto';
import { clientCredentials, staticToken } from '../client/token-provider.js';
import { operations, type OperationId } from '../contract/operations.js';
import { CheckFailure, CheckSkip, type Check, type CheckResult, type Level } from './check.js';
import { allChecks } from './checks/index.js';
import { rc2Checks } from './checks/rc2.js';
import { rc2LoyaltyChecks } from './checks/rc2-loyalty.js';
import { allOperationIds, RunContext, type Discovery } from './context.js';
import { HttpTarget, type SigningIdentity, type TokenSource } from './http-target.js';

export interface ConformanceOptions {
  /** Base URL of the Customer operations (the discovery's `capabilities.customer.endpoint`). */
  baseUrl: string;
  /** A Bearer token to use as is. */
  token?: string;
  /** OAuth client credentials; the token URL defaults to the one discovery declares. */
  clientId?: string;
  clientSecret?: string;
  tokenUrl?: string;
  scope?: string;
  /** Sent as X-App-MerchantId (clients acting for several merchants). */
  merchantId?: string;
  /** The client's message-signing secret: enables the signature checks. */
  signingSecret?: string;
  /** X-App-Id of signed requests; defaults to clientId. */
  appId?: string;
  /** Defaults to `<baseUrl>/.well-known/opendelivery`, then `<origin>/.well-known/opendelivery`. */
  discoveryUrl?: string;
  /** Checks whose id starts with one of these prefixes; all when absent. */
  only?: string[];
  /** Run-scoped tag of everything written; random when absent. */
  runId?: string;
  fetch?: typeof fetch;
  /** Called after each check, for live progress. */
  onResult?: (result: CheckResult) => void;
  /**
   * `seed` (default): the seed's checks at `baseUrl`. `rc2`: the committee's 2.0.0-rc.2
   * customer module, `baseUrl` being the rc.2 binding's base (docs/bindings.md).
   */
  profile?: 'seed' | 'rc2';
  /**
   * rc2 profile: an account with points and an active reward of its program, for the loyalty
   * checks that redeem (docs/conformance.md "Loyalty"); they skip without it.
   */
  loyalty?: { accountId: string; rewardId: string };
  /** Replaces the built-in checks (tests of the runner itself). */
  checks?: readonly Check[];
}

export interface ConformanceReport {
  target: string;
  runId: string;
  startedAt: string;
  durationMs: number;
  /** The operations the target declares in discovery (all 14 without a document). */
  declaredOperations: string[];
  results: CheckResult[];
  counts: { pass: number; fail: number; skip: number; failedByLevel: Record<Level, number> };
  /** Records written that the contract gives no way to delete. */
  leftBehind: { records: number; tag: string };
  requests: number;
  /** False when any MUST check failed. */
  ok: boolean;
}

async function readDiscovery(target: HttpTarget, options: ConformanceOptions): Promise<Discovery> {
  const origin = new URL(target.baseUrl).origin;
  const candidates = options.discoveryUrl ? [options.discoveryUrl] : [`${target.baseUrl}/.well-known/opendelivery`, `${origin}/.well-known/opendelivery`];
  let last: Discovery | undefined;
  for (const url of [...new Set(candidates)]) {
    try {
      const exchange = await target.request('GET', url, { auth: 'none' });
      const manifest =
        exchange.status === 200 && typeof exchange.json === 'object' && exchange.json !== null && !Array.isArray(exchange.json)
          ? (exchange.json as Record<string, any>)
          : undefined;
      last = { url, exchange, manifest };
      if (manifest) return last;
    } catch (error) {
      if (url === candidates[candidates.length - 1]) throw new Error(`cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return last!;
}

/** The operations the manifest declares for the customer capability (known names only). */
export function declaredOperations(manifest: Record<string, any> | undefined): Set<OperationId> {
  const customer = manifest?.capabilities?.customer;
  if (!customer || !Array.isArray(customer.supportedOperations)) return new Set(allOperationIds);
  const unsupported = new Set(Array.isArray(customer.unsupportedOperations) ? customer.unsupportedOperations : []);
  return new Set(allOperationIds.filter((id) => customer.supportedOperations.includes(id) && !unsupported.has(id)));
}

/**
 * Where the client secret may go. A target's discovery is public and untrusted: its `tokenUrl`
 * is used only on the target's own origin; one elsewhere must be named by the user
 * (`--token-url`). Either way the secret never crosses plain http except to loopback.
 */
export function secretTokenUrl(options: Pick<ConformanceOptions, 'baseUrl' | 'tokenUrl'>, manifest: Record<string, any> | undefined): string {
  const origin = new URL(options.baseUrl).origin;
  const declared = typeof manifest?.authentication?.tokenUrl === 'string' ? new URL(manifest.authentication.tokenUrl, options.baseUrl) : undefined;
  if (!options.tokenUrl && declared && declared.origin !== origin)
    throw new Error(
      `the target's discovery names a token endpoint on another origin (${declared.href}); odc sends the client secret there only if you name it with --token-url`,
    );
  const url = new URL(options.tokenUrl ?? declared?.href ?? `${origin}/oauth/token`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    throw new Error(`the token endpoint ${url.href} is not https; odc sends the client secret over plain http only to loopback`);
  return url.href;
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function tokenSource(options: ConformanceOptions, manifest: Record<string, any> | undefined, fetchImpl: typeof fetch): TokenSource | undefined {
  if (options.token) return staticToken(options.token);
  if (options.clientId && options.clientSecret) {
    const tokenUrl = secretTokenUrl(options, manifest);
    return clientCredentials({ clientId: options.clientId, clientSecret: options.clientSecret, tokenUrl, scope: options.scope }, options.baseUrl, fetchImpl);
  }
  return undefined;
}

function signingIdentity(options: ConformanceOptions): SigningIdentity | undefined {
  const appId = options.appId ?? options.clientId;
  if (!options.signingSecret || !appId || !options.merchantId) return undefined;
  return { appId, merchantId: options.merchantId, secret: options.signingSecret };
}

async function runOne(check: Check, ctx: RunContext): Promise<CheckResult> {
  const base = { id: check.id, area: check.id.split('.')[0], level: check.level, rule: check.rule, ...(check.operation ? { operation: check.operation } : {}) };
  const started = Date.now();
  const undeclared = [check.operation, ...(check.requires ?? [])].filter((op): op is OperationId => op !== undefined && !ctx.declared.has(op));
  if (undeclared.length > 0) {
    return { ...base, outcome: 'skip', durationMs: 0, message: `the target's discovery does not declare ${undeclared.join(', ')}` };
  }
  try {
    await check.run(ctx);
    return { ...base, outcome: 'pass', durationMs: Date.now() - started };
  } catch (error) {
    const durationMs = Date.now() - started;
    if (error instanceof CheckSkip) return { ...base, outcome: 'skip', durationMs, message: error.reason };
    if (error instanceof CheckFailure) {
      return {
        ...base,
        outcome: 'fail',
        durationMs,
        message: error.message,
        expected: error.expected,
        got: error.got,
        ...(error.exchange ? { exchange: error.exchange } : {}),
      };
    }
    return { ...base, outcome: 'fail', durationMs, message: `the check could not complete: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const started = Date.now();
  const fetchImpl = options.fetch ?? fetch;
  const runId = options.runId ?? `${started.toString(36)}${randomBytes(3).toString('hex')}`;
  const probe = new HttpTarget({ baseUrl: options.baseUrl, fetch: fetchImpl });
  const discovery = await readDiscovery(probe, options);
  const manifest = discovery.manifest;
  const target = new HttpTarget({
    baseUrl: options.baseUrl,
    fetch: fetchImpl,
    tokens: tokenSource(options, manifest, fetchImpl),
    merchantId: options.merchantId,
    signing: signingIdentity(options),
  });
  target.throttle(manifest?.capabilities?.customer?.requestsPerSecond ?? manifest?.operationalLimits?.rateLimitPerSecond);
  const declared = declaredOperations(manifest);
  const ctx = new RunContext(target, runId, discovery, declared);
  ctx.loyaltyFixture = options.loyalty;

  const selected = (options.checks ?? (options.profile === 'rc2' ? [...rc2Checks, ...rc2LoyaltyChecks] : allChecks)).filter(
    (check) => !options.only || options.only.some((prefix) => check.id === prefix || check.id.startsWith(`${prefix}.`)),
  );
  const results: CheckResult[] = [];
  for (const check of selected) {
    const result = await runOne(check, ctx);
    ctx.recordResult(result);
    results.push(result);
    options.onResult?.(result);
  }

  const failedByLevel: Record<Level, number> = { MUST: 0, SHOULD: 0, MAY: 0 };
  for (const r of results) if (r.outcome === 'fail') failedByLevel[r.level] += 1;
  return {
    target: options.baseUrl,
    runId,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    declaredOperations: operations.map((op) => op.operationId).filter((id) => declared.has(id)),
    results,
    counts: {
      pass: results.filter((r) => r.outcome === 'pass').length,
      fail: results.filter((r) => r.outcome === 'fail').length,
      skip: results.filter((r) => r.outcome === 'skip').length,
      failedByLevel,
    },
    leftBehind: { records: ctx.written, tag: `conformance-${runId}` },
    requests: probe.requests + target.requests,
    ok: failedByLevel.MUST === 0,
  };
}
