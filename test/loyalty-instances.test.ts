/**
 * Two `odc serve` processes (the built CLI) on one PostgreSQL database, racing redemptions for
 * the last points of one account (docs/contract.md §15.4): each redemption reads the account
 * under a row lock (`FOR UPDATE`) in its own transaction, so across instances too exactly one
 * is accepted (202), the others answer 409, the balance never goes negative and always equals
 * the sum of the account's entries.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { addApiClient, fetchToken, serverProcess, type ServerProcess } from './support/server-process.js';
import { createPgDatabase, STORES } from './support/stores.js';

const skip = STORES.some((s) => s.name === 'postgres') ? false : 'PostgreSQL not available';
const M = 'm1';
const COST = 30;
const RACERS = 20;
const ROUNDS = 3;

describe('racing redemptions across two odc processes on one PostgreSQL database', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'odc-loyalty-instances-'));
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  const instances: ServerProcess[] = [];
  let token: string;
  let accountId: string;

  before(async () => {
    database = await createPgDatabase();
    const secretKeyFile = join(dir, 'secret.key');
    const credentials = await addApiClient(database.url, secretKeyFile, M);
    const store = await PostgresStore.open({ connectionString: database.url, poolSize: 2 });
    try {
      await store.upsertCustomers(M, [{ id: 'c-1', identifier: { type: 'email', value: 'ana@example.com' } }]);
      await store.loyalty.upsertPrograms(M, [{ id: 'clube', name: 'Clube', merchantId: M }]);
      await store.loyalty.putReward(M, { id: 'pizza', programId: 'clube', cost: COST });
      accountId = (await store.loyalty.enrol(M, 'clube', 'c-1')).id;
    } finally {
      await store.close();
    }
    for (let i = 0; i < 2; i += 1) {
      const instance = serverProcess({ database: database.url, secretKeyFile, args: ['--rate-limit', '0'] });
      instances.push(instance);
      await instance.start();
    }
    token = await fetchToken(instances[0].url, credentials);
  });

  after(async () => {
    for (const instance of instances) if (instance.running) await instance.kill('SIGTERM');
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Balance and the sum of entries, read from the database itself. */
  async function ledgerState(): Promise<{ balance: number; sum: number; redeemed: number }> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT a.balance::int AS balance,
                (SELECT coalesce(sum(amount), 0)::int FROM loyalty_entries e WHERE e.tenant = a.tenant AND e.account_id = a.id) AS sum,
                (SELECT count(*)::int FROM loyalty_entries e WHERE e.tenant = a.tenant AND e.account_id = a.id AND e.type = 'redeem') AS redeemed
         FROM loyalty_accounts a WHERE a.tenant = $1 AND a.id = $2`,
        [M, accountId],
      );
      return rows[0];
    } finally {
      await client.end();
    }
  }

  it(`${RACERS} redemptions for the last ${COST} points, half to each instance: exactly one is accepted, ${ROUNDS} rounds`, { timeout: 180_000 }, async () => {
    const store = await PostgresStore.open({ connectionString: database.url, poolSize: 1 });
    try {
      for (let round = 1; round <= ROUNDS; round += 1) {
        // Top the account up to exactly one reward's cost.
        await store.loyalty.post(M, accountId, { type: 'adjust', amount: COST, sourceKey: `adjust:round-${round}` });
        const answers = await Promise.all(
          Array.from({ length: RACERS }, (_, i) =>
            fetch(`${instances[i % 2].url}/od/v2/loyalty/redemptions`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${token}`,
                'x-app-merchantid': M,
                'content-type': 'application/json',
                'idempotency-key': `round-${round}-racer-${i}`,
              },
              body: JSON.stringify({ accountId, rewardId: 'pizza' }),
            }).then(async (res) => ({ status: res.status, instance: i % 2, body: await res.text() })),
          ),
        );
        const accepted = answers.filter((a) => a.status === 202);
        const refused = answers.filter((a) => a.status === 409);
        assert.equal(accepted.length, 1, `round ${round}: ${JSON.stringify(answers.map((a) => a.status))}`);
        assert.equal(
          refused.length,
          RACERS - 1,
          `round ${round}: every other racer is refused: ${JSON.stringify(answers.filter((a) => a.status !== 202 && a.status !== 409))}`,
        );
        for (const r of refused) assert.match(r.body, /"code":"CONFLICT"/);
        const state = await ledgerState();
        assert.deepEqual(state, { balance: 0, sum: 0, redeemed: round }, `round ${round}: balance = sum of entries, never negative`);
      }
    } finally {
      await store.close();
    }
  });
});
