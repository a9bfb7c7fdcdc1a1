/**
 * Two `odc serve` processes on one PostgreSQL database, raced against each other
 * (postgres-store.ts: each write locks its tenant's clock row, so one tenant's writes are
 * serialized across instances). Proves that:
 * - both start together on an empty database (migrations under the advisory lock do not race);
 * - concurrent upserts of the same customers through both instances, each sending other
 *   fields, end in exactly one record per identifier holding every field both sides sent
 *   (docs/contract.md §5: merge, never duplicate, never lose a field), the same whichever
 *   instance answers;
 * - the same event sent to both instances many times at once is stored once, and concurrent
 *   consent events settle as §5 says whatever the order;
 * - a client that follows `rel="next"` alternately on both instances while the other one
 *   writes never skips a record and sees an unchanged one exactly once (§2);
 * - a token issued by one instance works on the other, and a review created on one is read
 *   on the other.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createAuthService } from '../src/auth/auth-service.js';
import { postgresMigrations } from '../src/store/postgres/postgres-migrations.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { createPgDatabase, STORES } from './support/stores.js';
import { BUILT_CLI } from './support/built-cli.js';

const skip = STORES.some((s) => s.name === 'postgres') ? false : 'PostgreSQL not available';
const root = join(import.meta.dirname, '..');

type Instance = { name: string; url: string; child: ChildProcess; exited: Promise<number | null>; output: string[] };

type Res = { status: number; headers: Headers; text: string; json: any };

/** Spawns `odc serve` and resolves with its URL once it prints "odc listening on URL". */
function startInstance(name: string, database: string, secretKey: Buffer, started: Instance[]): Promise<Instance> {
  const args = [BUILT_CLI, 'serve', '--database', database, '--port', '0', '--rate-limit', '0', '--log-level', 'warn'];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ODC_SECRET_KEY: secretKey.toString('base64') },
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const instance: Instance = { name, url: '', child, exited, output: [] };
  started.push(instance);
  // Both streams are read to the end, so a chatty child never blocks on a full pipe.
  const keep = (line: string) => instance.output.length < 500 && instance.output.push(line);
  createInterface({ input: child.stderr! }).on('line', keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s:\n${instance.output.join('\n')}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      const match = /^odc listening on (\S+)/.exec(line);
      if (match && !instance.url) {
        clearTimeout(timer);
        instance.url = match[1];
        resolve(instance);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${instance.output.join('\n')}`));
    });
  });
}

async function stopInstance(instance: Instance): Promise<number | null> {
  if (instance.child.exitCode === null && instance.child.signalCode === null) {
    instance.child.kill('SIGTERM');
    const timer = setTimeout(() => instance.child.kill('SIGKILL'), 10_000);
    await instance.exited;
    clearTimeout(timer);
  }
  return instance.child.exitCode;
}

describe('two odc processes on one PostgreSQL database', { skip }, () => {
  const secretKey = randomBytes(32);
  const started: Instance[] = [];
  let database: Awaited<ReturnType<typeof createPgDatabase>> | undefined;
  let A: Instance;
  let B: Instance;
  let credentials: { clientId: string; clientSecret: string };
  const tokens = new Map<Instance, string>();

  async function call(on: Instance, method: string, path: string, merchant: string, body?: unknown, token = tokens.get(on)): Promise<Res> {
    const headers: Record<string, string> = { 'x-app-merchantid': merchant };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(on.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {}
    return { status: res.status, headers: res.headers, text, json };
  }
  const ok = (res: Res, status: number, what: string) => assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 300)}`);

  async function tokenFrom(on: Instance): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret });
    const res = await fetch(`${on.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: AbortSignal.timeout(30_000),
    });
    const json = (await res.json()) as { access_token: string };
    assert.equal(res.status, 200, `token from ${on.name}: ${JSON.stringify(json)}`);
    return json.access_token;
  }

  before(async () => {
    database = await createPgDatabase();
    // Both start at once on an empty database: both race to migrate it.
    [A, B] = await Promise.all([startInstance('A', database.url, secretKey, started), startInstance('B', database.url, secretKey, started)]);
    const store = await PostgresStore.open({ connectionString: database.url, poolSize: 2 });
    try {
      const auth = await createAuthService(store, { keyFile: '', secretKey });
      credentials = await auth.clients.add({
        name: 'instances test',
        model: 'application',
        merchants: ['race', 'events', 'walk', 'reviews'],
        scopes: ['od.crm'],
      });
    } finally {
      await store.close();
    }
    tokens.set(A, await tokenFrom(A));
    tokens.set(B, await tokenFrom(B));
  });

  after(async () => {
    for (const instance of started) await stopInstance(instance);
    await database?.drop();
  });

  it('both instances came up on the fresh database and applied each migration once', async () => {
    for (const on of [A, B]) ok(await call(on, 'GET', '/healthz', 'race'), 200, `${on.name} /healthz`);
    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version').finally(() => client.end());
    assert.deepEqual(
      rows.map((r) => r.version),
      postgresMigrations.map((m) => m.version),
    );
  });

  it('a token issued by one instance is accepted by the other', async () => {
    ok(await call(B, 'GET', '/customers', 'reviews', undefined, tokens.get(A)), 200, 'token of A on B');
    ok(await call(A, 'GET', '/customers', 'reviews', undefined, tokens.get(B)), 200, 'token of B on A');
  });

  it('concurrent upserts of the same customers on both instances: one record each, no field lost', async () => {
    const K = 20;
    const ROUNDS = 6;
    const ids = Array.from({ length: K }, (_, i) => i);
    const fromA = (i: number, r: number) => ({
      identifier: { type: 'email', value: `race-${i}@example.com` },
      name: `Name ${i} r${r}`,
      externalIds: [{ source: 'A', key: 'k', value: `a-${i}` }],
      ...(i % 2 === 0 ? { contacts: { emails: [{ email: `a${r}-${i}@example.com` }] } } : {}),
    });
    const fromB = (i: number, r: number) => ({
      identifier: { type: 'email', value: `RACE-${i}@Example.com` },
      demographics: { gender: `g${r}` },
      externalIds: [{ source: 'B', key: 'k', value: `b-${i}` }],
      ...(i % 3 === 0 ? { contacts: { emails: [{ email: `B${r}-${i}@Example.com` }] } } : {}),
    });
    const emails = new Map<number, Set<string>>(ids.map((i) => [i, new Set()]));
    for (let r = 0; r < ROUNDS; r++) {
      // Four batches a side, A ascending and B descending, all in flight at once.
      const batches: Promise<Res>[] = [];
      for (let b = 0; b < 4; b++) {
        const slice = ids.slice(b * 5, b * 5 + 5);
        batches.push(
          call(
            A,
            'POST',
            '/customers',
            'race',
            slice.map((i) => fromA(i, r)),
          ),
        );
        batches.push(
          call(
            B,
            'POST',
            '/customers',
            'race',
            [...slice].reverse().map((i) => fromB(K - 1 - i, r)),
          ),
        );
      }
      for (const res of await Promise.all(batches)) ok(res, 200, `round ${r}`);
      for (const i of ids) {
        if (i % 2 === 0) emails.get(i)!.add(`a${r}-${i}@example.com`);
        if (i % 3 === 0) emails.get(i)!.add(`b${r}-${i}@example.com`);
      }
    }
    for (const on of [A, B])
      assert.equal(
        (await call(on, 'GET', '/customers?pageSize=500', 'race')).headers.get('x-total-count'),
        String(K),
        `one record per identifier, listed by ${on.name}`,
      );
    for (const i of ids) {
      const path = `/customers?customerIdentifierValue=${encodeURIComponent(`race-${i}@example.com`)}`;
      const [a, b] = await Promise.all([call(A, 'GET', path, 'race'), call(B, 'GET', path, 'race')]);
      ok(a, 200, path);
      ok(b, 200, path);
      assert.equal(a.json.length, 1, `${path}: ${a.text}`);
      assert.equal(a.headers.get('x-total-count'), '1', path);
      assert.equal(b.text, a.text, `${path}: both instances answer the same record`);
      const c = a.json[0];
      assert.equal(c.name, `Name ${i} r${ROUNDS - 1}`, `customer ${i}: name`);
      assert.equal(c.demographics?.gender, `g${ROUNDS - 1}`, `customer ${i}: gender`);
      const external = (c.externalIds ?? []).map((e: any) => `${e.source}/${e.key}/${e.value}`).sort();
      assert.deepEqual(external, [`A/k/a-${i}`, `B/k/b-${i}`], `customer ${i}: externalIds`);
      const got = new Set<string>((c.contacts?.emails ?? []).map((e: any) => String(e.email).trim().toLowerCase()));
      assert.deepEqual([...got].sort(), [...emails.get(i)!].sort(), `customer ${i}: emails`);
      const byId = await Promise.all([
        call(A, 'GET', `/customers/${encodeURIComponent(c.id)}`, 'race'),
        call(B, 'GET', `/customers/${encodeURIComponent(c.id)}`, 'race'),
      ]);
      assert.equal(byId[0].text, byId[1].text, `customer ${i}: GET by id on both instances`);
      assert.equal(JSON.stringify(byId[0].json), JSON.stringify(c), `customer ${i}: GET by id matches the list`);
    }
  });

  it('the same event sent to both instances at once is stored once', async () => {
    ok(await call(A, 'POST', '/customers', 'events', [{ id: 'c-1', identifier: { type: 'custom', value: 'c-1' } }]), 200, 'customer');
    const withId = { id: 'ev-1', eventType: 'ORDER_COMPLETED', occurredAt: '2026-06-01T12:00:00Z', customerId: 'c-1', data: { n: 1 } };
    const withoutId = { eventType: 'CART_ABANDONED', occurredAt: '2026-06-01T12:05:00Z', customerId: 'c-1', data: { items: 2 } };
    // Opt-in and opt-out at the same instant: opt-out wins the tie, whichever commits first.
    const optIn = { eventType: 'customer.opted_in', occurredAt: '2026-06-01T13:00:00Z', customerId: 'c-1' };
    const optOut = { eventType: 'CUSTOMER_OPTED_OUT', occurredAt: '2026-06-01T13:00:00Z', customerId: 'c-1' };
    const sends: Promise<Res>[] = [];
    for (let n = 0; n < 10; n++) {
      for (const on of [A, B]) {
        sends.push(call(on, 'POST', '/customer/events', 'events', withId), call(on, 'POST', '/customer/events', 'events', withoutId));
        sends.push(call(on, 'POST', '/customer/events', 'events', n % 2 === 0 ? optIn : optOut));
      }
    }
    for (const res of await Promise.all(sends)) ok(res, 202, 'publish');
    const [a, b] = await Promise.all([call(A, 'GET', '/customer/events?pageSize=500', 'events'), call(B, 'GET', '/customer/events?pageSize=500', 'events')]);
    ok(a, 200, 'list events');
    assert.equal(b.text, a.text, 'both instances list the same events');
    assert.equal(a.headers.get('x-total-count'), '4', a.text);
    assert.equal(a.json.length, 4, a.text);
    assert.equal(a.json.filter((e: any) => e.id === 'ev-1').length, 1, a.text);
    assert.equal(a.json.filter((e: any) => e.eventType === 'CART_ABANDONED').length, 1, a.text);
    for (const on of [A, B]) {
      const res = await call(on, 'GET', '/customers/c-1', 'events');
      ok(res, 200, 'customer');
      assert.equal(res.json.consent?.status, 'opted_out', `${on.name}: ${res.text}`);
    }
  });

  it('a cursor walk alternating between the instances, while the other writes, skips nothing', async () => {
    const customer = (id: string, version: string) => ({ id, identifier: { type: 'custom', value: id }, name: version });
    const state = new Map<string, { version: string; changes: number }>();
    const initial = Array.from({ length: 40 }, (_, i) => `w-${String(i).padStart(3, '0')}`);
    ok(
      await call(
        A,
        'POST',
        '/customers',
        'walk',
        initial.map((id) => customer(id, 'v0')),
      ),
      200,
      'seed',
    );
    for (const id of initial) state.set(id, { version: 'v0', changes: 0 });
    const seen: { id: string; version: string }[] = [];
    const instances = [A, B];
    let path: string | undefined = '/customers?pageSize=5';
    for (let p = 0; path !== undefined; p++) {
      assert.ok(p < 200, 'the walk ends');
      const res = await call(instances[p % 2], 'GET', path, 'walk');
      ok(res, 200, `page ${p} on ${instances[p % 2].name}`);
      seen.push(...res.json.map((c: any) => ({ id: c.id, version: c.name })));
      const next = /<([^>]*)>\s*;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      if (next === undefined) break;
      if (p < 20) {
        // The other instance writes: a no-op re-send, two new records, a change of an old one.
        const other = instances[(p + 1) % 2];
        const same = initial[(p * 11 + 3) % initial.length];
        const changed = initial[(p * 7) % initial.length];
        const s = state.get(changed)!;
        s.changes += 1;
        s.version = `v${s.changes}`;
        const fresh = [`n-${p}-0`, `n-${p}-1`];
        const writes = await Promise.all([
          call(other, 'POST', '/customers', 'walk', [customer(same, state.get(same)!.version)]),
          call(
            other,
            'POST',
            '/customers',
            'walk',
            fresh.map((id) => customer(id, 'v0')),
          ),
          call(other, 'POST', '/customers', 'walk', [customer(changed, s.version)]),
        ]);
        for (const w of writes) ok(w, 200, `write between pages ${p}`);
        for (const id of fresh) state.set(id, { version: 'v0', changes: 0 });
      }
      const target = new URL(next, 'http://odc.invalid/customers');
      path = target.pathname + target.search;
    }
    const appearances = new Map<string, string[]>();
    for (const { id, version } of seen) appearances.set(id, [...(appearances.get(id) ?? []), version]);
    const problems: string[] = [];
    for (const id of appearances.keys()) if (!state.has(id)) problems.push(`${id}: listed but never written`);
    for (const [id, { version, changes }] of state) {
      const got = appearances.get(id) ?? [];
      if (got.length === 0) problems.push(`${id}: skipped`);
      else if (changes === 0 && got.length !== 1) problems.push(`${id}: unchanged but listed ${got.length} times`);
      else if (got.length > 1 + changes) problems.push(`${id}: listed ${got.length} times for ${changes} change(s)`);
      else if (got.at(-1) !== version) problems.push(`${id}: last listed as ${got.at(-1)}, final is ${version}`);
    }
    assert.deepEqual(problems, []);
  });

  it('a review created through one instance is read by id through the other', async () => {
    const review = {
      reviewId: 'rv-1',
      reviewType: 'ORDER',
      overallRating: { ratingStyle: 'STAR', value: 4 },
      reviewDate: '2026-06-01T12:00:00Z',
      customer: { customerId: 'c-9' },
    };
    ok(await call(A, 'POST', '/reviews', 'reviews', review), 201, 'create on A');
    const [a, b] = await Promise.all([call(A, 'GET', '/reviews/rv-1', 'reviews'), call(B, 'GET', '/reviews/rv-1', 'reviews', undefined, tokens.get(A))]);
    ok(b, 200, 'read on B');
    assert.equal(b.json.reviewId, 'rv-1');
    assert.equal(b.json.overallRating.value, 4);
    assert.equal(b.text, a.text);
    const unnamed = { ...review, reviewId: undefined, overallRating: { ratingStyle: 'NPS', value: 9 } };
    ok(await call(B, 'POST', '/reviews', 'reviews', unnamed), 201, 'create on B');
    const listed = await call(B, 'GET', '/customers/c-9/reviews', 'reviews');
    const created = listed.json.find((r: any) => r.overallRating.ratingStyle === 'NPS');
    assert.ok(created?.reviewId, listed.text);
    const onA = await call(A, 'GET', `/reviews/${encodeURIComponent(created.reviewId)}`, 'reviews');
    ok(onA, 200, 'read on A');
    assert.deepEqual(onA.json, created);
  });

  it('both instances are still running, and stop cleanly on SIGTERM', async () => {
    for (const instance of [A, B]) {
      assert.equal(instance.child.exitCode, null, `${instance.name} is running:\n${instance.output.join('\n')}`);
      assert.equal(await stopInstance(instance), 0, `${instance.name} exit code:\n${instance.output.join('\n')}`);
    }
  });
});
