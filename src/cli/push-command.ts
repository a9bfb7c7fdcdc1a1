/**
 * `odc push <kind> <files...> --to <url>`: sends JSON-array or NDJSON files of customers,
 * leads, orders, reviews or events to a Customer server, checked first with the contract's
 * own validator (src/sync/push.ts does the work).
 *
 * Batches fit the limits the server declares in discovery (or 1000 items / 16 MiB when it
 * declares none; `--batch-size` may only lower them). On a terminal a bar with rate and ETA is
 * redrawn; otherwise a plain line is written every few seconds. The last line is a summary.
 * The exit code is 1 when records were invalid (without --skip-invalid) or a request failed.
 */
import { Command, Option } from 'commander';
import type { OdcClient } from '../client/odc-client.js';
import { clampPeerLimit } from '../client/peer-limits.js';
import { ContractValidator } from '../contract/validation.js';
import { clientSpeaking, contractOption } from './contract-option.js';
import { withSecretFiles } from './secret-files.js';
import { pushFiles, pushKinds, type PushKind, type PushProgress, type PushSummary } from '../sync/push.js';

const FALLBACK_MAX_BATCH = 1000;
const FALLBACK_MAX_BYTES = 16 * 1024 * 1024;
const BAR_WIDTH = 24;
const REDRAW_MS = 100;
const PLAIN_LINE_MS = 2000;

const count = (n: number) => Math.round(n).toLocaleString('en-US');

function positiveInteger(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1 (got ${raw})`);
    return n;
  };
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  return (hms[0] > 0 ? hms : hms.slice(1)).map((n, i) => (i === 0 ? String(n) : String(n).padStart(2, '0'))).join(':');
}

/** The limits the server declares, lowered by `--batch-size`; the fallbacks when it declares none. */
export async function declaredLimits(client: OdcClient, batchSize?: number, warn: (line: string) => void = () => undefined) {
  let customer: Record<string, unknown> = {};
  try {
    const manifest = await client.discovery();
    customer = ((manifest.capabilities as Record<string, unknown> | undefined)?.customer as Record<string, unknown> | undefined) ?? {};
  } catch (error) {
    warn(`discovery unavailable (${error instanceof Error ? error.message : String(error)}); using ${FALLBACK_MAX_BATCH} items / 16 MiB per batch`);
  }
  // Declared limits are held to sane bounds (peer-limits.ts): a peer's discovery is untrusted.
  const maxBatch = Math.min(clampPeerLimit('batchSize', customer.maxBatchSize) ?? FALLBACK_MAX_BATCH, batchSize ?? Infinity);
  const kb = clampPeerLimit('payloadKb', customer.maxPayloadSizeKb);
  return { maxBatch, maxBytes: kb ? kb * 1024 : FALLBACK_MAX_BYTES, requestsPerSecond: clampPeerLimit('requestsPerSecond', customer.requestsPerSecond) };
}

/** Draws progress: a redrawn bar on a terminal, a plain line every few seconds elsewhere. */
class PushProgressView {
  private last = 0;
  private drawn = false;
  private latest: PushProgress | undefined;

  constructor(
    private readonly kind: PushKind,
    private readonly stream: NodeJS.WriteStream,
    private readonly interactive = Boolean(stream.isTTY),
  ) {}

  readonly update = (p: PushProgress): void => {
    this.latest = p;
    const now = Date.now();
    if (now - this.last < (this.interactive ? REDRAW_MS : PLAIN_LINE_MS)) return;
    this.last = now;
    if (this.interactive) {
      this.stream.write(`\r\x1b[2K${this.describe(p, true)}`);
      this.drawn = true;
    } else this.stream.write(`${this.describe(p, false)}\n`);
  };

  /** Draws the final state and ends the bar line, so what follows starts on a line of its own. */
  done(): void {
    if (this.drawn && this.latest) this.stream.write(`\r\x1b[2K${this.describe(this.latest, true)}`);
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  private describe(p: PushProgress, bar: boolean): string {
    const [done, total] = p.phase === 'validate' ? [p.bytesRead, p.bytesTotal] : [p.sent, p.records];
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const rate = (p.phase === 'validate' ? p.records : p.sent) / Math.max(p.phaseSeconds, 1e-3);
    const eta = fraction > 0 ? p.phaseSeconds * (1 / fraction - 1) : Infinity;
    const what =
      p.phase === 'validate'
        ? `checking ${count(p.records)} ${this.kind}${p.invalid ? ` (${count(p.invalid)} invalid)` : ''}`
        : `sending ${count(p.sent)}/${count(p.records)} ${this.kind}`;
    const filled = Math.round(fraction * BAR_WIDTH);
    const meter = bar ? `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ` : '';
    return `${meter}${(fraction * 100).toFixed(0).padStart(3)}% ${what}  ${count(rate)}/s  ETA ${duration(eta)}`;
  }
}

export function formatPushSummary(kind: PushKind, s: PushSummary, target: string): string {
  const verb = s.status === 'invalid' ? 'nothing sent' : `${s.status === 'failed' ? 'stopped after sending' : 'sent'} ${count(s.sent)} ${kind} to ${target}`;
  const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : word.endsWith('h') ? 'es' : 's'}`;
  const requests = pushKinds[kind].batched ? plural(s.batches, 'batch') : plural(s.requests, 'request');
  const rejected = s.rejected ? `, ${count(s.rejected)} invalid${s.status === 'invalid' ? '' : ' (skipped)'}` : '';
  const failed = s.failed ? `, ${count(s.failed)} in failed requests` : '';
  return `${verb}: ${count(s.records)} records read${rejected}${failed}, ${requests} in ${s.seconds.toFixed(1)} s (${count(s.perSecond)} records/s)`;
}

export function pushCommand(): Command {
  const command = new Command('push')
    .description('send JSON-array or NDJSON files of records to a Customer server, validated first')
    .argument('<kind>', `what the files hold: ${Object.keys(pushKinds).join(', ')}`)
    .argument('<files...>', 'JSON arrays or NDJSON files')
    .requiredOption('--to <url>', 'base URL of the Customer endpoints, e.g. https://crm.example.com')
    .addOption(new Option('--token <token>', 'a bearer access token').env('ODC_TOKEN'))
    .addOption(new Option('--client-id <id>', 'OAuth client id (client credentials)').env('ODC_CLIENT_ID'))
    .addOption(new Option('--client-secret <secret>', 'OAuth client secret').env('ODC_CLIENT_SECRET'))
    .option('--token-url <url>', 'token endpoint (default: <origin of --to>/oauth/token)')
    .option('--merchant <id>', 'merchant to act for (X-App-MerchantId)')
    .addOption(new Option('--concurrency <n>', 'requests in flight at once').default(4).argParser(positiveInteger('concurrency')))
    .option('--skip-invalid', 'send the valid records and write the invalid ones to --rejects')
    .option('--rejects <file>', 'where --skip-invalid writes rejects (NDJSON)', 'rejects.ndjson')
    .addOption(new Option('--batch-size <n>', 'items per batch (capped by the server declared maximum)').argParser(positiveInteger('batch size')))
    .addOption(new Option('--order-profile <profile>', 'Order validation profile of the server').choices(['lenient', 'strict']).default('lenient'))
    .option('--json', 'print the summary as JSON, and no progress')
    .addOption(contractOption())
    .action(async (kind: string, files: string[], opts) => {
      if (!(kind in pushKinds)) throw new Error(`unknown kind "${kind}"; use one of ${Object.keys(pushKinds).join(', ')}`);
      if (!opts.token && !(opts.clientId && opts.clientSecret)) throw new Error('give --token, or --client-id and --client-secret');
      const err = (line: string) => process.stderr.write(`${line}\n`);
      const client = await clientSpeaking(
        {
          baseUrl: opts.to,
          token: opts.clientId ? undefined : opts.token,
          credentials: opts.clientId ? { clientId: opts.clientId, clientSecret: opts.clientSecret, tokenUrl: opts.tokenUrl } : undefined,
          merchantId: opts.merchant,
          onRetry: (error, waitMs) => err(`retrying in ${waitMs} ms: ${error instanceof Error ? error.message : String(error)}`),
        },
        opts.contract,
        err,
      );
      // rc.2's customer module receives no events (docs/bindings.md, "Events").
      if (client.contract === 'rc2' && kind === 'events') throw new Error(`${opts.to} speaks rc.2, which has no operation receiving events`);
      const limits = await declaredLimits(client, opts.batchSize, err);
      const view = opts.json ? undefined : new PushProgressView(kind as PushKind, process.stdout);
      const summary = await pushFiles({
        kind: kind as PushKind,
        files,
        client,
        validator: new ContractValidator({ orderProfile: opts.orderProfile }),
        maxBatch: limits.maxBatch,
        maxBytes: limits.maxBytes,
        requestsPerSecond: limits.requestsPerSecond,
        concurrency: opts.concurrency,
        skipInvalid: Boolean(opts.skipInvalid),
        rejectsFile: opts.rejects,
        onProgress: view?.update,
      });
      view?.done();
      for (const problem of summary.problems) err(problem);
      if (summary.status === 'invalid')
        err(
          `${count(summary.rejected)} invalid record${summary.rejected === 1 ? '' : 's'}; nothing was sent (fix them, or use --skip-invalid to send the rest)`,
        );
      if (opts.skipInvalid && summary.rejected > 0) err(`${count(summary.rejected)} rejects written to ${opts.rejects}`);
      process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : `${formatPushSummary(kind as PushKind, summary, opts.to)}\n`);
      if (summary.status !== 'sent') process.exitCode = 1;
    });
  return withSecretFiles(command, ['--token', '--client-secret']);
}
