/**
 * `odc privacy`: the privacy operations of docs/contract.md §14 on the command line, against
 * the database directly (the operator's own access, recorded in the audit trail as `cli`):
 * export a person's data, erase it, read the audit trail, and verify the trail's hash chain.
 */
import { Command } from 'commander';
import { AuditVerifier, renderAuditEntry } from '../domain/audit-chain.js';
import { MARKER_KEY_PURPOSE } from '../domain/erasure-marker.js';
import { databaseOption, openStoreWithAuth, secretKeyFileOption } from './store-options.js';

const CLI_ACTOR = 'cli';
const PAGE = 1000;
const print = (value: unknown): void => {
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
};

async function withPrivacyStore<T>(
  opts: { database: string; secretKeyFile?: string },
  run: (store: Awaited<ReturnType<typeof openStoreWithAuth>>['store']) => Promise<T>,
): Promise<T> {
  const { store, auth } = await openStoreWithAuth(opts);
  try {
    store.configurePrivacy({ markerKey: auth.secrets.deriveKey(MARKER_KEY_PURPOSE), afterErasure: 'refuse' });
    return await run(store);
  } finally {
    await store.close();
  }
}

export function privacyCommand(): Command {
  const privacy = new Command('privacy').description("a person's data: export, erase, and the audit trail (docs/contract.md §14)");
  const common = (c: Command) => c.addOption(databaseOption()).addOption(secretKeyFileOption()).requiredOption('-m, --merchant <id>', 'the merchant (tenant)');

  common(privacy.command('export <ref>').description('print everything held on the person <ref> names, as one JSON document')).action(
    async (ref: string, opts) => {
      const document = await withPrivacyStore(opts, (store) => store.exportSubject(opts.merchant, ref, { actor: CLI_ACTOR }));
      if (document === undefined) throw new Error(`no customer of merchant ${opts.merchant} matches ${ref}`);
      print(document);
    },
  );

  common(privacy.command('erase <ref>').description('erase the person <ref> names, in one transaction, and print the receipt')).action(
    async (ref: string, opts) => {
      const receipt = await withPrivacyStore(opts, (store) => store.eraseSubject(opts.merchant, ref, { actor: CLI_ACTOR }));
      if (receipt === undefined) throw new Error(`no customer of merchant ${opts.merchant} matches ${ref}`);
      print(receipt);
    },
  );

  common(
    privacy
      .command('audit')
      .description('print audit entries in sequence order')
      .option('--customer <id>', 'only entries about this customer id')
      .option('--after <seq>', 'entries after this sequence number', '0'),
  ).action(async (opts) => {
    const rows = await withPrivacyStore(opts, async (store) => {
      const customerId = opts.customer === undefined ? undefined : ((await store.resolveCustomerRefs(opts.merchant, opts.customer))?.[1] ?? opts.customer);
      return store.readAudit(opts.merchant, { customerId, afterSeq: Number(opts.after), limit: PAGE });
    });
    print(rows.map(renderAuditEntry));
  });

  common(privacy.command('verify-audit').description("check the merchant's audit chain; exits 1 when an entry was removed or altered")).action(async (opts) => {
    const verifier = new AuditVerifier();
    await withPrivacyStore(opts, async (store) => {
      for (let after = 0; ; ) {
        const rows = await store.readAudit(opts.merchant, { afterSeq: after, limit: PAGE });
        for (const row of rows) verifier.add(row);
        if (rows.length < PAGE) break;
        after = Number(rows[rows.length - 1].seq);
      }
    });
    print({ entries: verifier.checked, intact: verifier.breaks.length === 0, breaks: verifier.breaks });
    if (verifier.breaks.length > 0) process.exitCode = 1;
  });

  return privacy;
}
