/**
 * `odc export --merchant ID [FILE|-]`: a merchant's whole data as NDJSON (transfer-format.ts),
 * read in keyset pages through the engine (constant memory whatever the merchant's size) and
 * written with back-pressure. Rows are read page by page, not as one snapshot: export from a
 * stopped server, or one no client writes to for that merchant (docs/deployment.md).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { DomainStore } from '../domain/domain-store.js';
import type { Store } from '../store/store.js';
import { TRANSFER_TABLE_NAMES, TRANSFER_TABLES, type TransferRow } from '../store/tenant-transfer.js';
import { databaseOption, openNamedStore } from './store-options.js';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportHeader, TABLE_KINDS } from './transfer-format.js';

const PAGE_ROWS = 1_000;

export interface ExportCounts {
  merchant: string;
  [kind: string]: number | string;
}

/** The engine's row copier behind a store opened by the CLI. */
export function transferOf(store: Store) {
  if (!(store instanceof DomainStore)) throw new Error('this store cannot export or import');
  return store.transfer;
}

async function writeLine(out: Writable, value: unknown): Promise<void> {
  if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
}

/** Writes the export of `merchant` to `out` and returns how many records of each kind it wrote. */
export async function exportMerchant(store: Store, merchant: string, out: Writable): Promise<ExportCounts> {
  const transfer = transferOf(store);
  const counts: ExportCounts = { merchant };
  const header: ExportHeader = { format: EXPORT_FORMAT, version: EXPORT_VERSION, merchant, exportedAt: new Date().toISOString(), source: store.backend };
  await writeLine(out, header);
  for (const table of TRANSFER_TABLE_NAMES) {
    const kind = TABLE_KINDS[table];
    counts[kind] = 0;
    let after: TransferRow | undefined;
    for (;;) {
      const rows = await transfer.exportRows(merchant, table, after, PAGE_ROWS);
      for (const record of rows) await writeLine(out, { kind, record });
      counts[kind] = (counts[kind] as number) + rows.length;
      if (rows.length < PAGE_ROWS) break;
      const last = rows[rows.length - 1];
      after = Object.fromEntries(TRANSFER_TABLES[table].key.map((k) => [k, last[k]]));
    }
  }
  const clients = (await store.auth.listClients()).filter((c) => c.merchants.includes(merchant));
  for (const record of clients) await writeLine(out, { kind: 'client', record });
  const subscriptions = await store.webhooks.listSubscriptions(merchant);
  for (const record of subscriptions) await writeLine(out, { kind: 'webhookSubscription', record });
  counts.client = clients.length;
  counts.webhookSubscription = subscriptions.length;
  return counts;
}

export function exportCommand(): Command {
  return new Command('export')
    .description("write a merchant's whole data (records, stamps, clients, webhook subscriptions) as NDJSON to FILE or stdout")
    .argument('[file]', 'the file to write, or - for stdout', '-')
    .addOption(new Option('--merchant <id>', 'the merchant (tenant) to export').makeOptionMandatory())
    .addOption(databaseOption())
    .action(async (file: string, opts: { merchant: string; database: string }) => {
      const store = await openNamedStore({ database: opts.database });
      try {
        const out = file === '-' ? process.stdout : createWriteStream(file, { flags: 'wx', mode: 0o600 });
        const counts = await exportMerchant(store, opts.merchant, out);
        if (out !== process.stdout) {
          out.end();
          await once(out, 'finish');
        }
        process.stderr.write(`odc: exported ${JSON.stringify(counts)}\n`);
      } finally {
        await store.close();
      }
    });
}
