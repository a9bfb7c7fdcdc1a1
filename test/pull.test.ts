/**
 * `odc pull` between two real processes on loopback: an origin (`odc serve --role origin`) on
 * one SQLite file, and the pull command writing into another.
 *
 * The puller is killed with SIGKILL half-way through the customers (once its output says 30
 * pages are committed), restarted, and must finish with every record of every resource present
 * exactly once and equal to the origin's (only `updatedAt`, the server's own time, differs).
 * A second pull after 5 changes and 3 additions on the origin must bring only those. Then
 * `--watch` must pick up a change on its own and stop cleanly on SIGINT, and the loops a server
 * runs for its configured sources (startPullSources) must pull and stop the same way.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { OdcClient } from '../src/client/odc-client.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { PageResult, PageRequest } from '../src/store/store.js';
import { checkpointName, sourceKeyOf } from '../src/sync/pull-checkpoints.js';
import { startPullSources } from '../src/sync/pull-sources.js';

const root = join(import.meta.dirname, '..');
const CUSTOMERS = 10_000;
const PAGE_SIZE = 100;
const children = new Set<ChildProcess>();

interface Running {
  child: ChildProcess;
  lines: string[];
  waitFor(match: RegExp): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

/** Spawns `node --import tsx <args>`, collecting stdout and stderr lines. */
function run(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.add(child);
  const lines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const waiter of waiters) waiter(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (children.delete(child), resolve(code))));
  const waitFor = (match: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const seen = lines.map((l) => match.exec(l)).find(Boolean);
      if (seen) return resolve(seen);
      const waiter = (line: string) => {
        const m = match.exec(line);
        if (m) waiters.delete(waiter), resolve(m);
      };
      waiters.add(waiter);
      void exited.then((code) => (waiters.delete(waiter), reject(new Error(`process exited (${code}) before ${match}:\n${lines.slice(-20).join('\n')}`))));
    });
  return { child, lines, waitFor, exited };
}

/** Every document of a local list, walked by keyset position. */
async function localAll(list: (page: PageRequest) => Promise<PageResult>): Promise<any[]> {
  const all: any[] = [];
  let after: PageRequest['after'];
  for (;;) {
    const page = await list({ limit: 500, offset: 0, after });
    all.push(...page.items.map((item) => JSON.parse(item)));
    if (!page.hasMore) return all;
    after = page.last;
  }
}

const withoutUpdatedAt = ({ updatedAt: _, ...doc }: any) => doc;
const keyOf = (doc: any) => String(doc.id ?? doc.reviewId);

describe('odc pull from an origin process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odc-pull-'));
  let origin: Running;
  let originUrl: string;
  let token: string;
  let client: OdcClient;

  const customer = (i: number, name = `Customer ${i}`) => ({
    id: `c-${i}`,
    identifier: { type: 'email' as const, value: `c${i}@example.com` },
    name,
    contacts: { phones: [{ number: `+55119${String(i).padStart(8, '0')}`, isPrimary: true }] },
    externalIds: [{ source: 'PDV', key: 'code', value: `P${i}` }],
    metadata: { customTags: i % 2 ? ['odd'] : ['even'] },
  });

  before(async () => {
    origin = run([
      'src/cli/index.ts',
      'serve',
      '--dev',
      '--role',
      'origin',
      '--rate-limit',
      '0',
      '--port',
      '0',
      '--sync',
      'normal',
      '--log-level',
      'warn',
      '--database',
      join(dir, 'origin.db'),
    ]);
    originUrl = (await origin.waitFor(/^odc listening on (\S+)/))[1];
    await origin.waitFor(/^dev mode: a token/);
    token = readFileSync(join(dir, 'dev-token'), 'utf8').trim();
    client = new OdcClient({ baseUrl: originUrl, token });
    for (let start = 0; start < CUSTOMERS; start += 1000) {
      await client.upsertCustomers(Array.from({ length: 1000 }, (_, k) => customer(start + k)));
    }
    await client.upsertLeads(Array.from({ length: 250 }, (_, i) => ({ name: `Lead ${i}`, contact: `lead${i}@example.com` })));
    await client.upsertOrders(Array.from({ length: 300 }, (_, i) => ({ id: `o-${i}`, customer: { id: `c-${i}` }, displayId: `#${i}` })));
    const reviews = Array.from({ length: 150 }, (_, i) => ({
      reviewType: 'ORDER' as const,
      overallRating: { ratingStyle: 'STAR' as const, value: (i % 5) + 1 },
      reviewDate: '2026-06-01T12:00:00Z',
      customer: { customerId: `c-${i}` },
      subject: { orderId: `o-${i}` },
    }));
    const events = Array.from({ length: 250 }, (_, i) => ({
      eventType: i % 10 === 0 ? 'customer.opted_out' : 'ORDER_COMPLETED',
      occurredAt: `2026-06-0${1 + (i % 9)}T12:00:00Z`,
      customerId: `c-${i}`,
      data: { n: i },
    }));
    await Promise.all(reviews.map((r) => client.createReview(r)));
    await Promise.all(events.map((e) => client.publishCustomerEvent(e)));
  });

  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all([...children].map((child) => new Promise((resolve) => child.once('exit', resolve))));
    rmSync(dir, { recursive: true, force: true });
  });

  const pull = (database: string, ...extra: string[]) =>
    run(
      [
        'test/support/pull-cli.ts',
        'pull',
        '--from',
        originUrl,
        '--database',
        database,
        '--page-size',
        String(PAGE_SIZE),
        '--sync',
        'normal',
        '--json',
        ...extra,
      ],
      { ODC_PULL_TOKEN: token },
    );

  const summaryOf = (running: Running) => JSON.parse(running.lines.filter((l) => l.startsWith('{')).at(-1) as string);
  const byResource = (summary: any) => Object.fromEntries(summary.resources.map((r: any) => [r.resource, r]));

  /** Asserts the local tenant holds every origin record exactly once, equal but for updatedAt. */
  async function assertMirrors(database: string): Promise<void> {
    const local = new SqliteStore({ filename: database });
    try {
      const pairs: [string, any[], any[]][] = [
        ['customers', await collect(client.iterateCustomers({ pageSize: 500 })), await localAll((p) => local.listCustomers('default', {}, p))],
        ['leads', await collect(client.iterateLeads({ pageSize: 500 })), await localAll((p) => local.listLeads('default', {}, p))],
        ['orders', await collect(client.iterateOrders({ pageSize: 500 })), await localAll((p) => local.listOrders('default', {}, p))],
        ['reviews', await collect(client.iterateReviews({ pageSize: 500 })), await localAll((p) => local.listReviews('default', {}, p))],
        ['events', await collect(client.iterateCustomerEvents({ pageSize: 500 })), await localAll((p) => local.listEvents('default', {}, p))],
      ];
      for (const [resource, remote, mine] of pairs) {
        const localKeys = mine.map(keyOf);
        assert.equal(new Set(localKeys).size, localKeys.length, `${resource}: no duplicates locally`);
        assert.equal(mine.length, remote.length, `${resource}: as many records as the origin`);
        const localByKey = new Map(mine.map((doc) => [keyOf(doc), withoutUpdatedAt(doc)]));
        for (const doc of remote) assert.deepEqual(localByKey.get(keyOf(doc)), withoutUpdatedAt(doc), `${resource} ${keyOf(doc)}`);
      }
    } finally {
      await local.close();
    }
  }

  it('resumes after SIGKILL half-way with every record exactly once, then pulls only what changed', async () => {
    const database = join(dir, 'local.db');
    const first = pull(database);
    await first.waitFor(/^customers: page (3\d|[4-9]\d) committed/);
    first.child.kill('SIGKILL');
    await first.exited;

    const local = new SqliteStore({ filename: database });
    const countAfterKill = (await local.listCustomers('default', {}, { limit: 1, offset: 0 })).total;
    const checkpoint = await local.auth.getSetting(checkpointName('default', sourceKeyOf(originUrl), 'customers'));
    const eventsAfterKill = (await local.listEvents('default', {}, { limit: 1, offset: 0 })).total;
    await local.close();
    assert.ok(checkpoint, 'the customers checkpoint was saved before the kill');
    assert.ok(countAfterKill >= 30 * PAGE_SIZE && countAfterKill < CUSTOMERS, `killed half-way (${countAfterKill} customers on disk)`);
    assert.equal(eventsAfterKill, 0, 'events were not reached before the kill');

    const second = pull(database);
    assert.equal(await second.exited, 0, second.lines.join('\n'));
    const resumed = byResource(summaryOf(second));
    assert.equal(resumed.customers.created, CUSTOMERS - countAfterKill, 'the restart created exactly the customers missing');
    assert.ok(resumed.customers.unchanged <= PAGE_SIZE + 1, `at most one page came again (${resumed.customers.unchanged})`);
    assert.equal(resumed.customers.updated, 0);
    for (const r of Object.values<any>(resumed)) assert.equal(r.rejected, 0, `${r.resource}: ${r.rejections}`);
    await assertMirrors(database);

    // 5 changes and 3 additions at the origin: only they are written by the next pull.
    await client.upsertCustomers([...[1, 2, 3, 4, 5].map((i) => customer(i * 1000, `Changed ${i}`)), ...[0, 1, 2].map((k) => customer(CUSTOMERS + k))]);
    const third = pull(database);
    assert.equal(await third.exited, 0, third.lines.join('\n'));
    const incremental = byResource(summaryOf(third));
    assert.equal(incremental.customers.created, 3);
    assert.equal(incremental.customers.updated, 5);
    assert.ok(incremental.customers.received <= 9, `only the changed customers and the boundary one came (${incremental.customers.received})`);
    for (const resource of ['leads', 'orders', 'reviews', 'events']) {
      assert.equal(incremental[resource].created + incremental[resource].updated, 0, `${resource}: nothing new`);
      assert.ok(incremental[resource].received <= PAGE_SIZE, `${resource}: at most the last page came again`);
    }
    await assertMirrors(database);
  });

  it('--watch picks up a change at the origin and stops cleanly on SIGINT', async () => {
    const database = join(dir, 'watch.db');
    const watcher = pull(database, '--watch', '--interval', '1', '--resources', 'customers');
    await watcher.waitFor(/^\{"cycle":1,/);
    await client.upsertCustomers([customer(CUSTOMERS + 100, 'Watched')]);
    await watcher.waitFor(/^\{"cycle":\d+,"resources":\[\{"resource":"customers","pages":\d+,"received":\d+,"created":1,/);
    watcher.child.kill('SIGINT');
    assert.equal(await watcher.exited, 0, watcher.lines.join('\n'));
    assert.ok(watcher.lines.includes('stopped'), 'it said it stopped');

    const local = new SqliteStore({ filename: database });
    try {
      const watched = await local.getCustomer('default', `c-${CUSTOMERS + 100}`);
      assert.equal(JSON.parse(watched as string).name, 'Watched');
    } finally {
      await local.close();
    }
  });

  it('startPullSources pulls into a store in this process until stopped', async () => {
    const local = new SqliteStore({ filename: join(dir, 'sources.db') });
    const messages: string[] = [];
    const log = {
      info: (_: object, m: string) => messages.push(m),
      warn: (_: object, m: string) => messages.push(m),
      error: (d: object, m: string) => messages.push(`${m} ${JSON.stringify(d)}`),
    };
    const sources = startPullSources(local, [{ url: originUrl, token, resources: ['customers', 'events'], intervalSeconds: 1 }], log);
    try {
      for (let waited = 0; !messages.includes('pull: cycle done'); waited += 50) {
        assert.ok(waited < 30_000 && !messages.some((m) => m.startsWith('pull: cycle failed')), messages.join('\n'));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const [mine, theirs] = await Promise.all([local.listCustomers('default', {}, { limit: 1, offset: 0 }), client.listCustomers({ pageSize: 1 })]);
      assert.equal(mine.total, theirs.total);
    } finally {
      await sources.stop();
      await local.close();
    }
  });
});

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iterator) all.push(item);
  return all;
}
