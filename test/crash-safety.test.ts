/**
 * Crash safety (issue 7, item 1; docs/contract.md §7): a real `odc serve` process is killed
 * with SIGKILL at random moments while several clients push customer batches and events, and
 * restarted each time. Afterwards every request that got a 2xx is fully stored, and every
 * other one (error, reset, no answer) is stored whole or not at all: never half a batch.
 *
 * Each batch is sent once and never retried, so its outcome is exactly what the server said
 * about that one request. A customer's name says which batch it came in, so one walk through
 * the customer list counts what each batch left in the store.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createPgDatabase, STORES, type StoreKind } from './support/stores.js';
import { addApiClient, fetchToken, serverProcess, type ServerProcess } from './support/server-process.js';
import { waitFor } from './support/wait-for.js';

const KILLS = 22;
const CLIENTS = 4;
const BATCH_SIZE = 50;
const MERCHANT = 'crash-merchant';

/** refused: a 4xx, or no connection at all; either way the server cannot have written it. */
type Outcome = 'acknowledged' | 'refused' | 'unknown';

interface Sent {
  kind: 'batch' | 'event';
  id: string;
  outcome: Outcome;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A database for the child process: a SQLite file in a temporary folder, or a fresh PostgreSQL database. */
async function databaseFor(kind: StoreKind, dir: string): Promise<{ database: string; drop(): Promise<void> }> {
  if (kind.name === 'sqlite') return { database: join(dir, 'odc.db'), drop: async () => undefined };
  const pgDatabase = await createPgDatabase();
  return { database: pgDatabase.url, drop: () => pgDatabase.drop() };
}

function batch(batchId: string) {
  return Array.from({ length: BATCH_SIZE }, (_, i) => ({
    identifier: { type: 'custom', value: `${batchId}-${i}` },
    name: `Customer ${i} of ${batchId}`,
  }));
}

/** One write, sent once; its outcome as the client saw it. */
async function send(server: ServerProcess, token: string, path: string, body: unknown): Promise<Outcome> {
  try {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-app-merchantid': MERCHANT, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    if (res.status >= 200 && res.status < 300) return 'acknowledged';
    // A 4xx means the server read the request and refused it: nothing may have been written.
    return res.status < 500 ? 'refused' : 'unknown';
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED' ? 'refused' : 'unknown';
  }
}

for (const kind of STORES) {
  describe(`crash safety (${kind.name})`, () => {
    it(`keeps every acknowledged write, and no half batch, across ${KILLS} SIGKILLs under load`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'odc-crash-'));
      const db = await databaseFor(kind, dir);
      const server = serverProcess({ database: db.database, secretKeyFile: join(dir, 'secret.key'), args: ['--rate-limit', '0'] });
      try {
        const credentials = await addApiClient(db.database, join(dir, 'secret.key'), MERCHANT);
        await server.start();
        const token = await fetchToken(server.url, credentials);
        const sent: Sent[] = [];
        let stop = false;
        let next = 0;

        const client = async (n: number) => {
          while (!stop) {
            const id = `c${n}-${(next += 1)}`;
            const isBatch = next % 3 !== 0;
            const outcome = isBatch
              ? await send(server, token, '/customers', batch(id))
              : await send(server, token, '/customer/events', { id, eventType: 'crash.test', occurredAt: new Date().toISOString(), data: { client: n } });
            sent.push({ kind: isBatch ? 'batch' : 'event', id, outcome });
            if (outcome !== 'acknowledged') await sleep(50);
          }
        };
        const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));

        let kills = 0;
        try {
          const acknowledged = () => sent.reduce((n, s) => n + (s.outcome === 'acknowledged' ? 1 : 0), 0);
          for (; kills < KILLS; kills += 1) {
            // Every kill lands under load: the restarted server has acknowledged writes again
            // (a loaded machine may take seconds to start it), then a random moment follows.
            const before = acknowledged();
            await waitFor(() => acknowledged() > before, 'a write acknowledged since the last restart', { timeoutMs: 60_000 });
            await sleep(randomInt(0, 400));
            const exit = await server.kill('SIGKILL');
            assert.equal(exit.signal, 'SIGKILL', `the server exited by itself before kill ${kills + 1}: ${server.output.slice(-5).join('\n')}`);
            await server.start();
          }
          await sleep(300);
        } finally {
          stop = true;
          await Promise.all(clients);
        }

        // Read everything back from the last process.
        const read = async (url: string) => {
          const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'x-app-merchantid': MERCHANT } });
          assert.equal(res.status, 200, `${url}: ${res.status}`);
          return { items: (await res.json()) as any[], link: res.headers.get('link') };
        };
        /** Every item of a list, following rel="next". */
        const walk = async (path: string) => {
          const all: any[] = [];
          for (let url: string | undefined = `${server.url}${path}`; url; ) {
            const page = await read(url);
            all.push(...page.items);
            const next = /<([^>]+)>;\s*rel="next"/.exec(page.link ?? '')?.[1];
            url = next ? new URL(next, url).toString() : undefined;
          }
          return all;
        };
        const storedPerBatch = new Map<string, Set<string>>();
        for (const customer of await walk('/customers?pageSize=500')) {
          const batchId = / of (\S+)$/.exec(customer.name)?.[1] ?? '?';
          if (!storedPerBatch.has(batchId)) storedPerBatch.set(batchId, new Set());
          storedPerBatch.get(batchId)!.add(customer.name);
        }
        for (const b of sent.filter((s) => s.kind === 'batch')) {
          const stored = storedPerBatch.get(b.id)?.size ?? 0;
          if (b.outcome === 'acknowledged') {
            assert.equal(stored, BATCH_SIZE, `acknowledged batch ${b.id} has ${stored} of ${BATCH_SIZE} customers`);
          } else {
            assert.ok(stored === 0 || stored === BATCH_SIZE, `batch ${b.id} (${b.outcome}) is half stored: ${stored} of ${BATCH_SIZE}`);
            if (b.outcome === 'refused') assert.equal(stored, 0, `refused batch ${b.id} was stored`);
          }
        }
        const storedEvents = new Set((await walk('/customer/events?eventType=crash.test&pageSize=500')).map((e) => e.id as string));
        const events = sent.filter((s) => s.kind === 'event');
        for (const e of events.filter((s) => s.outcome === 'acknowledged')) assert.ok(storedEvents.has(e.id), `acknowledged event ${e.id} is missing`);
        for (const e of events.filter((s) => s.outcome === 'refused')) assert.ok(!storedEvents.has(e.id), `refused event ${e.id} was stored`);

        const count = (kindOf: Sent['kind'], outcome: Outcome) => sent.filter((s) => s.kind === kindOf && s.outcome === outcome).length;
        const acknowledgedBatches = count('batch', 'acknowledged');
        const unknownBatches = sent.filter((s) => s.kind === 'batch' && s.outcome === 'unknown');
        const unknownStored = unknownBatches.filter((b) => storedPerBatch.has(b.id)).length;
        t.diagnostic(
          `${kills} kills; batches: ${acknowledgedBatches} acknowledged, ${unknownBatches.length} without an answer (${unknownStored} of them stored whole), ${count('batch', 'refused')} refused; ` +
            `events: ${count('event', 'acknowledged')} acknowledged, ${count('event', 'unknown')} without an answer`,
        );
        assert.equal(kills, KILLS);
        assert.ok(acknowledgedBatches >= KILLS, `too little load to prove anything: ${acknowledgedBatches} acknowledged batches`);
        assert.ok(count('event', 'acknowledged') > 0, 'no event was acknowledged');
      } finally {
        await server.kill('SIGKILL');
        await db.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
