/**
 * Rolling restart of two `odc serve` instances on one PostgreSQL database (issue 7, item 2):
 * clients of the odc client (src/client) push batches and events through a round-robin over
 * both instances while A is stopped with SIGTERM and started again, then B. No call may fail
 * and every item pushed must be stored: a request refused by the instance going away (503
 * with Retry-After, or a closed connection) is retried by the client and lands on the other.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OdcClient } from '../src/client/odc-client.js';
import { createPgDatabase, STORES } from './support/stores.js';
import { addApiClient, serverProcess, type ServerProcess } from './support/server-process.js';
import { waitFor } from './support/wait-for.js';

const MERCHANT = 'rolling-merchant';
const CLIENTS = 6;

/**
 * A `fetch` that sends each request to the next instance in turn, as a round-robin load
 * balancer in front of them would; the client sees one base URL.
 */
function roundRobin(instances: ServerProcess[]): typeof fetch {
  let next = 0;
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const target = new URL(instances[(next += 1) % instances.length].url);
    url.host = target.host;
    return fetch(url, init);
  };
}

describe('rolling restart (postgres)', { skip: !STORES.some((s) => s.name === 'postgres') && 'PostgreSQL is not among ODC_TEST_STORES' }, () => {
  it('loses nothing pushed through the odc client while two instances restart one after the other', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'odc-rolling-'));
    const database = await createPgDatabase();
    const secretKeyFile = join(dir, 'secret.key');
    const instances = ['a', 'b'].map(() => serverProcess({ database: database.url, secretKeyFile, args: ['--rate-limit', '0', '--shutdown-grace', '8000'] }));
    try {
      const credentials = await addApiClient(database.url, secretKeyFile, MERCHANT);
      for (const instance of instances) await instance.start();
      let retries = 0;
      const client = () =>
        new OdcClient({
          baseUrl: 'http://odc.invalid',
          credentials,
          merchantId: MERCHANT,
          fetch: roundRobin(instances),
          onRetry: () => (retries += 1),
        });

      const pushed: string[] = [];
      const events: string[] = [];
      const failures: unknown[] = [];
      let stop = false;
      const pusher = async (n: number) => {
        const odc = client();
        for (let round = 0; !stop; round += 1) {
          const tag = `p${n}-${round}`;
          const batch = Array.from({ length: 20 }, (_, i) => ({ identifier: { type: 'custom' as const, value: `${tag}-${i}` }, name: `${i} of ${tag}` }));
          try {
            await odc.upsertCustomers(batch);
            pushed.push(...batch.map((c) => c.name));
            await odc.publishCustomerEvent({ id: `e-${tag}`, eventType: 'rolling.test', occurredAt: new Date().toISOString() });
            events.push(`e-${tag}`);
          } catch (error) {
            failures.push(error);
          }
        }
      };
      const pushers = Array.from({ length: CLIENTS }, (_, n) => pusher(n));

      const exits = [];
      try {
        // Each restart happens under load: wait for pushes to be acknowledged before and after it.
        const underLoad = async (what: string) => {
          const seen = pushed.length;
          await waitFor(() => pushed.length >= seen + 3 * CLIENTS, what, { timeoutMs: 30_000 });
        };
        await underLoad('the load to build up');
        for (const instance of instances) {
          exits.push(await instance.kill('SIGTERM'));
          await instance.start();
          await underLoad('pushes to go on after the restart');
        }
      } finally {
        stop = true;
        await Promise.all(pushers);
      }

      assert.deepEqual(
        exits,
        [
          { code: 0, signal: null },
          { code: 0, signal: null },
        ],
        'each instance drained and exited 0',
      );
      assert.deepEqual(failures.map(String), [], 'every client call eventually succeeded');
      const reader = client();
      const stored = new Set<string>();
      for await (const customer of reader.iterateCustomers({ pageSize: 500 })) stored.add(String(customer.name));
      const missing = pushed.filter((name) => !stored.has(name));
      assert.deepEqual(missing.slice(0, 10), [], `${missing.length} of ${pushed.length} pushed customers are missing`);
      const storedEvents = new Set<string>();
      for await (const event of reader.iterateCustomerEvents({ eventType: 'rolling.test', pageSize: 500 })) storedEvents.add(String(event.id));
      assert.deepEqual(
        events.filter((id) => !storedEvents.has(id)),
        [],
        'every published event is stored',
      );
      assert.ok(pushed.length > 0 && retries > 0, `the restarts happened under load (${pushed.length} customers, ${retries} retries)`);
      t.diagnostic(`${pushed.length} customers and ${events.length} events pushed by ${CLIENTS} clients across 2 restarts; ${retries} retries, no failed call`);
    } finally {
      for (const instance of instances) await instance.kill('SIGKILL');
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
