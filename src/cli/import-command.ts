/**
 * `odc import FILE|-`: writes an `odc export` file (transfer-format.ts) back verbatim into a
 * merchant of any store: ids, stamps, consent, identities, external ids, clients and webhook
 * subscriptions as they were. Data rows go in transactions of at most IMPORT_BATCH_ROWS rows
 * (bounded memory and lock time). All or nothing per file: the merchant must be empty (or
 * `--replace` empties it first), and if any batch fails the rows already written are deleted
 * again before the command fails.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Command, Option } from 'commander';
import type { ClientRecord } from '../store/auth-store.js';
import type { Store } from '../store/store.js';
import type { TransferBatch, TransferRow, TransferTable } from '../store/tenant-transfer.js';
import type { WebhookSubscription } from '../store/webhook-store.js';
import { transferOf } from './export-command.js';
import { databaseOption, openNamedStore } from './store-options.js';
import { type ExportHeader, KIND_TABLES, parseHeader } from './transfer-format.js';

export const IMPORT_BATCH_ROWS = 1_000;

export interface ImportResult {
  merchant: string;
  rows: number;
  clients: number;
  webhookSubscriptions: number;
}

/** Reads the export from `input` and writes it into its merchant in `store`. */
export async function importMerchant(store: Store, input: Readable, options: { replace?: boolean } = {}): Promise<ImportResult> {
  const transfer = transferOf(store);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })[Symbol.asyncIterator]();
  const first = await lines.next();
  const header: ExportHeader = parseHeader(first.done ? undefined : first.value);
  const merchant = header.merchant;
  const existingSubscriptions = await store.webhooks.listSubscriptions(merchant);
  if (!options.replace && (existingSubscriptions.length > 0 || (await transfer.hasData(merchant))))
    throw new Error(`merchant ${merchant} already has data in this database: import into an empty merchant, or pass --replace to delete its data first`);
  if (options.replace) {
    await transfer.deleteTenant(merchant);
    for (const s of existingSubscriptions) await store.webhooks.removeSubscription(s.id);
  }
  const result: ImportResult = { merchant, rows: 0, clients: 0, webhookSubscriptions: 0 };
  const clients: ClientRecord[] = [];
  const subscriptions: WebhookSubscription[] = [];
  let pending = new Map<TransferTable, TransferRow[]>();
  let pendingRows = 0;
  const flush = async () => {
    const batches: TransferBatch[] = [...pending].map(([table, rows]) => ({ table, rows }));
    pending = new Map();
    pendingRows = 0;
    if (batches.length > 0) await transfer.importRows(merchant, batches);
  };
  try {
    let lineNumber = 1;
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      lineNumber += 1;
      if (next.value.trim() === '') continue;
      const line = parseLine(next.value, lineNumber);
      if (line.kind === 'client') clients.push(line.record as unknown as ClientRecord);
      else if (line.kind === 'webhookSubscription') subscriptions.push({ ...(line.record as unknown as WebhookSubscription), tenant: merchant });
      else {
        const table = KIND_TABLES.get(line.kind);
        if (!table) throw new Error(`line ${lineNumber}: unknown kind ${JSON.stringify(line.kind)}; this odc cannot import it without losing data`);
        const rows = pending.get(table) ?? [];
        rows.push(line.record);
        pending.set(table, rows);
        result.rows += 1;
        pendingRows += 1;
        if (pendingRows >= IMPORT_BATCH_ROWS) await flush();
      }
    }
    await flush();
    for (const client of clients) await putClient(store, client, options.replace === true);
    for (const subscription of subscriptions) await store.webhooks.addSubscription(subscription);
  } catch (error) {
    // All or nothing: the merchant was empty before, so what this import wrote is all it has.
    await transfer.deleteTenant(merchant).catch(() => undefined);
    for (const s of subscriptions) await store.webhooks.removeSubscription(s.id).catch(() => undefined);
    throw error;
  }
  result.clients = clients.length;
  result.webhookSubscriptions = subscriptions.length;
  return result;
}

function parseLine(text: string, lineNumber: number): { kind: string; record: TransferRow } {
  let line: { kind?: unknown; record?: unknown };
  try {
    line = JSON.parse(text);
  } catch {
    throw new Error(`line ${lineNumber}: not JSON`);
  }
  if (typeof line.kind !== 'string' || typeof line.record !== 'object' || line.record === null)
    throw new Error(`line ${lineNumber}: expected {"kind": ..., "record": {...}}`);
  return line as { kind: string; record: TransferRow };
}

/** Clients are instance-wide: one that exists already is refused, or overwritten with --replace. */
async function putClient(store: Store, client: ClientRecord, replace: boolean): Promise<void> {
  const existing = await store.auth.getClient(client.clientId);
  if (!existing) return store.auth.insertClient(client);
  if (!replace) throw new Error(`client ${client.clientId} already exists in this database: pass --replace to overwrite it`);
  const { name, merchants, scopes, secretHash, signingSecret, revokedAt, secretUpdatedAt } = client;
  await store.auth.updateClient(client.clientId, { name, merchants, scopes, secretHash, signingSecret, revokedAt, secretUpdatedAt });
}

export function importCommand(): Command {
  return new Command('import')
    .description('write an `odc export` file back into its merchant, verbatim (ids, stamps, clients, subscriptions); the merchant must be empty')
    .argument('<file>', 'the export file, or - for stdin')
    .addOption(new Option('--replace', "delete the merchant's data (and overwrite its clients) before importing"))
    .addOption(databaseOption())
    .action(async (file: string, opts: { replace?: boolean; database: string }) => {
      const store = await openNamedStore({ database: opts.database });
      try {
        const input = file === '-' ? process.stdin : createReadStream(file);
        const result = await importMerchant(store, input, { replace: opts.replace });
        process.stderr.write(`odc: imported ${JSON.stringify(result)}\n`);
      } finally {
        await store.close();
      }
    });
}
