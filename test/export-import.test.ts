/**
 * `odc export` / `odc import` (src/cli/export-command.ts, import-command.ts): a merchant filled
 * through the HTTP API with every record kind is exported with the CLI, imported with the CLI
 * into a fresh database of the other store, and every read through the API then answers byte
 * for byte the same on both servers (ids, stamps, server createdAt, consent, X-Total-Count,
 * Link walks), the rc.2 loyalty reads (programs, accounts with balance and pending points,
 * transactions, rewards, coupons) and the privacy trail (audit chain, erasure markers, consent
 * history). A token from the imported client works; a write after the import sorts after
 * every imported record; a second import into the now non-empty merchant is refused.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { addClient, caller, tokenFor } from './support/credentials.js';
import { STORES, type StoreKind } from './support/stores.js';
import { startTestServer, type TestResponse } from './support/test-server.js';
import { BUILT_CLI } from './support/built-cli.js';

const CLI = BUILT_CLI;
const MERCHANT = 'move-merchant';
const ADMIN_KEY = 'export-import-admin-key-0123456789';

function odc(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Writes every record kind through the API: merges, identities, external ids, consent from events. */
async function fill(server: Server, token: string): Promise<void> {
  const api = caller(server, token, MERCHANT);
  const ok = async (path: string, body: unknown) => {
    const res = await api.post(path, body);
    assert.ok(res.status < 300, `${path}: ${res.status} ${res.text}`);
  };
  for (let i = 0; i < 12; i += 1) {
    await ok('/customers', [
      {
        id: `c-${i}`,
        identifier: { type: 'email', value: `Person${i}@Example.com` },
        name: `Person ${i}`,
        externalIds: [{ source: 'crm', key: 'id', value: `crm-${i}` }],
        contacts: { phones: [{ number: `+55 11 99999-${String(1000 + i)}` }] },
        ...(i % 3 === 0 ? { createdAt: `2026-01-0${String(1 + (i % 9))}T10:00:00Z` } : {}),
      },
    ]);
  }
  // A merge: a second identity for c-1 (by phone), then a customer without id found by e-mail.
  await ok('/customers', [{ identifier: { type: 'phone', value: '+55 11 98888-0001' }, id: 'c-1', name: 'Merged' }]);
  await ok('/customers', [{ identifier: { type: 'email', value: 'person2@example.com' }, externalIds: [{ source: 'pos', key: 'k', value: 'p-2' }] }]);
  await ok('/customers', [{ identifier: { type: 'document', value: '123.456.789-00' }, name: 'Server-made id' }]);
  await ok('/leads', [
    { id: 'L-1', name: 'Lia' },
    { name: 'No id', contact: 'leo@example.com' },
    { id: 'L-3', createdAt: '2026-02-01T00:00:00Z' },
  ]);
  await ok('/orders', [
    { id: 'o-1', status: 'CONFIRMED', customer: { id: 'c-1' }, createdAt: '2026-03-01T10:00:00Z' },
    { id: 'o-2', status: 'DELIVERED', customer: { id: 'email:person3@example.com' } },
    { id: 'o-3', status: 'DELIVERED', createdAt: 'yesterday' },
  ]);
  await ok('/reviews', {
    reviewId: 'r-1',
    reviewType: 'ORDER',
    overallRating: { ratingStyle: 'STAR', value: 5 },
    reviewDate: '2026-03-02T00:00:00Z',
    customer: { customerId: 'c-1' },
    subject: { orderId: 'o-1' },
  });
  await ok('/reviews', { reviewType: 'MERCHANT_EXPERIENCE', overallRating: { ratingStyle: 'STAR', value: 2 }, reviewDate: '2026-03-03T00:00:00Z' });
  await ok('/customer/events', { eventId: 'e-1', eventType: 'customer.opted_in', occurredAt: '2026-04-01T00:00:00Z', customerId: 'c-1' });
  await ok('/customer/events', { eventId: 'e-2', eventType: 'customer.opted_out', occurredAt: '2026-04-02T00:00:00Z', customerId: 'c-2' });
  await ok('/customer/events', { eventType: 'order_completed', occurredAt: '2026-04-03T00:00:00Z', customerId: 'crm-4', data: { n: 1 } });
  await ok('/customer/events', { eventId: 'e-4', eventType: 'customer.opted_in', occurredAt: '2026-04-04T00:00:00Z', customerId: 'nobody-yet' });
}

/**
 * The loyalty ledger (a program with rules, a reward, an account with earned and pending points,
 * a redemption and its used coupon) and the privacy tables (an export and an erasure in the
 * audit trail, an erasure marker, consent history). Returns the account id.
 */
async function fillLoyaltyAndPrivacy(server: Server, token: string): Promise<string> {
  const auth = { authorization: `Bearer ${token}`, 'x-app-merchantid': MERCHANT };
  const admin = { 'x-admin-key': ADMIN_KEY };
  const ok = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
    const res = await server.request(method, path, body, headers);
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
    return res.json;
  };
  const loyalty = `/admin/merchants/${MERCHANT}/loyalty`;
  await ok('POST', '/od/v2/loyalty/programs', { items: [{ id: 'clube', name: 'Clube', merchantId: MERCHANT }] }, auth);
  await ok('PUT', `${loyalty}/programs/clube/rules`, { pointsPerCurrencyUnit: 2, couponValidityDays: 30 }, admin);
  await ok('PUT', `${loyalty}/rewards/pizza`, { id: 'pizza', programId: 'clube', cost: 50, name: 'Pizza' }, admin);
  await ok('PUT', `${loyalty}/rewards/old`, { id: 'old', programId: 'clube', cost: 10, active: false }, admin);
  const account = await ok('POST', `${loyalty}/accounts`, { programId: 'clube', customerId: 'c-1' }, admin);
  await ok('POST', `${loyalty}/accounts/${account.id}/adjustments`, { amount: 100, key: 'welcome', reason: 'welcome' }, admin);
  const order = (id: string, lastEvent: string, value: number) => ({
    id,
    customer: { id: 'c-1' },
    lastEvent,
    total: { orderAmount: { value, currency: 'BRL' } },
  });
  await ok('POST', '/orders', [order('lo-1', 'CONCLUDED', 40), order('lo-2', 'CREATED', 25)], auth);
  await ok('POST', '/od/v2/loyalty/redemptions', { accountId: account.id, rewardId: 'pizza' }, { ...auth, 'idempotency-key': 'r-1' });
  const coupons = await ok('GET', '/od/v2/loyalty/coupons?customerId=c-1', undefined, auth);
  await ok('POST', `/od/v2/loyalty/coupons/${coupons.items[0].id}/use`, { relatedOrderId: 'lo-1' }, auth);
  const consents = (status: string) => [{ purpose: 'marketing', channel: 'email', status, grantedAt: '2026-08-01T10:00:00Z' }];
  const rc2Customer = (status: string) => ({
    items: [{ id: 'c-consent', identifier: { type: 'email', value: 'consent@example.com' }, consents: consents(status) }],
  });
  await ok('POST', '/od/v2/customers', rc2Customer('opt_in'), auth);
  await ok('POST', '/od/v2/customers', rc2Customer('opt_out'), auth);
  await server.store.exportSubject(MERCHANT, 'c-2', { actor: 'test' });
  await server.store.eraseSubject(MERCHANT, 'c-11', { actor: 'test' });
  return account.id;
}

/** The rc.2 loyalty reads and the privacy trail, as a client and the operator see them. */
async function readLoyaltyAndPrivacy(server: Server, token: string, accountId: string): Promise<string[]> {
  const auth = { authorization: `Bearer ${token}`, 'x-app-merchantid': MERCHANT };
  const paths = [
    '/od/v2/loyalty/programs',
    '/od/v2/loyalty/programs/clube',
    '/od/v2/customers/c-1/loyalty-accounts',
    `/od/v2/loyalty/accounts/${accountId}`,
    `/od/v2/loyalty/accounts/${accountId}/transactions`,
    '/od/v2/loyalty/rewards',
    '/od/v2/loyalty/coupons',
    '/od/v2/loyalty/coupons?customerId=c-1',
  ];
  const seen: string[] = [];
  for (const path of paths) {
    const res = await server.request('GET', path, undefined, auth);
    seen.push(`${path}\n${res.status}\n${res.text}`);
  }
  const rules = await server.request('GET', `/admin/merchants/${MERCHANT}/loyalty/programs`, undefined, { 'x-admin-key': ADMIN_KEY });
  seen.push(`admin programs\n${rules.status}\n${rules.text}`);
  seen.push(`audit\n${JSON.stringify(await server.store.readAudit(MERCHANT, { afterSeq: 0, limit: 100 }))}`);
  // Last, as it adds an audit entry of its own: the consent-list history (docs/contract.md §14.5).
  const subject = JSON.parse((await server.store.exportSubject(MERCHANT, 'c-consent', { actor: 'test' })) ?? '{}');
  seen.push(`consent lists\n${JSON.stringify(subject.consent?.lists)}`);
  // The erasure marker refuses the erased person's identifier again (docs/contract.md §14).
  const again = await server.request('POST', '/customers', [{ identifier: { type: 'email', value: 'Person11@Example.com' } }], auth);
  seen.push(`erased again\n${again.status}\n${JSON.parse(again.text).code ?? ''}`);
  return seen;
}

/** Every read a client can make of the merchant, with what it observes: status, data headers, body. */
async function readAll(server: Server, token: string, since: string): Promise<string[]> {
  const api = caller(server, token, MERCHANT);
  const enc = encodeURIComponent;
  const refs = ['c-0', 'c-1', 'c-2', 'c-3', 'crm-4', 'email:person5@example.com', 'phone:+5511988880001', 'document:12345678900', 'nobody-yet'];
  const paths = [
    ...refs.map((r) => `/customers/${enc(r)}`),
    ...refs.map((r) => `/customers/${enc(r)}/reviews`),
    ...['o-1', 'o-2', 'o-3'].map((id) => `/orders/${id}`),
    '/reviews/r-1',
    '/customers',
    '/customers?customerIdentifierType=email',
    '/customers?customerIdentifierType=phone&customerIdentifierValue=%2B55%2011%2098888-0001',
    '/customers?customerIdentifierValue=person7%40example.com',
    '/customers?externalId=crm-3',
    '/customers?externalId=p-2&externalIdSource=pos',
    `/customers?updatedFrom=${enc(since)}`,
    `/leads?updatedFrom=${enc(since)}`,
    '/leads',
    '/orders',
    '/orders?customerId=c-1',
    '/orders?createdFrom=2026-02-01T00:00:00Z',
    '/reviews',
    '/reviews?reviewType=ORDER',
    '/reviews?orderId=o-1',
    '/customer/events',
    '/customer/events?eventType=customer.opted_out',
    '/customer/events?customerId=c-1',
  ];
  const seen: string[] = [];
  const observe = (path: string, res: TestResponse) =>
    `${path}\n${res.status}\n${['x-total-count', 'link', 'content-type'].map((h) => `${h}: ${(res.headers.get(h) ?? '').replaceAll(server.url, '')}`).join('\n')}\n${res.text}`;
  for (const path of paths) seen.push(observe(path, await api.get(path)));
  for (const list of ['/customers', '/leads', '/orders', '/reviews', '/customer/events']) {
    let path: string | undefined = `${list}?pageSize=3`;
    for (let page = 0; path && page < 20; page += 1) {
      const res = await api.get(path);
      seen.push(observe(`${list} page ${page}`, res));
      const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      path = next ? next.replace(server.url, '') : undefined;
    }
  }
  return seen;
}

const sqlite = STORES.find((k) => k.name === 'sqlite') as StoreKind;
const postgres = STORES.find((k) => k.name === 'postgres');
const moves: [StoreKind, StoreKind][] = postgres
  ? [
      [sqlite, postgres],
      [postgres, sqlite],
    ]
  : [[sqlite, sqlite]];

for (const [from, to] of moves) {
  describe(`odc export / odc import: ${from.name} → ${to.name}`, () => {
    it('moves a merchant so that every read answers the same, and refuses a second import', { timeout: 180_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'odc-export-'));
      const source = await startTestServer(from, { withAuth: { adminKey: ADMIN_KEY } });
      let target: Server | undefined;
      try {
        const creds = await addClient(source, { merchants: [MERCHANT], name: 'mover', scopes: ['od.crm'] });
        const token = await tokenFor(source, creds);
        const since = new Date().toISOString();
        await fill(source, token);
        const accountId = await fillLoyaltyAndPrivacy(source, token);
        const sealed = source.auth?.secrets.encrypt('whsec-0123456789abcdef') as string;
        await source.store.webhooks.addSubscription({
          id: 'sub-1',
          tenant: MERCHANT,
          url: 'https://hooks.example.com/odc',
          secret: sealed,
          eventTypes: ['customer.opted_in'],
          createdAt: '2026-05-01T00:00:00.000Z',
        });

        const file = join(dir, 'merchant.ndjson');
        const exported = await odc(['export', '--merchant', MERCHANT, '--database', source.fixture.location, file]);
        assert.equal(exported.code, 0, exported.stderr);
        assert.match(exported.stderr, /odc: database /);
        const lines = readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        assert.equal(lines[0].format, 'odc-export');
        const kinds = new Set(lines.slice(1).map((l) => l.kind));
        for (const kind of [
          'customer',
          'customerIdentity',
          'customerExternalId',
          'lead',
          'order',
          'review',
          'event',
          'client',
          'webhookSubscription',
          'erasureMarker',
          'privacyAudit',
          'consentHistory',
          'loyaltyProgram',
          'loyaltyReward',
          'loyaltyAccount',
          'loyaltyEntry',
          'loyaltyPending',
          'loyaltyCoupon',
        ])
          assert.ok(kinds.has(kind), `the export holds ${kind} lines`);

        // The same instance key on both sides: signing secrets and webhook secrets are sealed with it.
        target = await startTestServer(to, { withAuth: { secretKey: source.secretKey, adminKey: ADMIN_KEY } });
        const imported = await odc(['import', '--database', target.fixture.location, file]);
        assert.equal(imported.code, 0, imported.stderr);
        assert.match(imported.stderr, /odc: database /);

        const targetToken = await tokenFor(target, creds);
        const [before, after] = [await readAll(source, token, since), await readAll(target, targetToken, since)];
        assert.equal(after.length, before.length);
        for (const [i, answer] of before.entries()) assert.equal(after[i], answer);
        const [ledgerBefore, ledgerAfter] = [
          await readLoyaltyAndPrivacy(source, token, accountId),
          await readLoyaltyAndPrivacy(target, targetToken, accountId),
        ];
        assert.deepEqual(ledgerAfter, ledgerBefore);
        const account = JSON.parse(ledgerBefore[3].split('\n')[2]);
        assert.deepEqual([account.balance, account.metadata.pointsPending], [130, 50], 'points earned, pending and spent travelled');
        assert.match(ledgerBefore.at(-3) ?? '', /"action":"privacy.erase"/);
        assert.match(ledgerBefore.at(-2) ?? '', /"opt_in"[\s\S]*"opt_out"/);
        assert.match(ledgerBefore.at(-1) ?? '', /^erased again\n4\d\d\n/);
        assert.ok(
          before.some((a) => a.includes('"optIn"') || a.includes('consent')),
          'consent is among what was compared',
        );

        const [subscription] = await target.store.webhooks.listSubscriptions(MERCHANT);
        assert.equal(subscription.id, 'sub-1');
        assert.equal(target.auth?.secrets.decrypt(subscription.secret), 'whsec-0123456789abcdef');

        // The change clock moved past every imported stamp: a new write sorts last.
        const api = caller(target, targetToken, MERCHANT);
        assert.equal((await api.post('/customers', [{ id: 'c-new', identifier: { type: 'email', value: 'new@example.com' } }])).status < 300, true);
        const all = (await api.get('/customers?pageSize=500')).json as Array<{ id: string }>;
        assert.equal(all.at(-1)?.id, 'c-new');

        const again = await odc(['import', '--database', target.fixture.location, file]);
        assert.notEqual(again.code, 0);
        assert.match(again.stderr, /already has data/);
      } finally {
        await source.stop();
        await target?.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
