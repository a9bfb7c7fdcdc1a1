/**
 * A re-sent customer's external ids (issue 13 §1): the write plan adds and removes only the
 * keys its document gained or lost (docs/contract.md §5.8), instead of deleting every row of
 * the customer and inserting them again; both stores apply that plan alike.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Customer } from '../src/contract/customer.js';
import { MAX_EXTERNAL_IDS } from '../src/contract/limits.js';
import { customerUpsertProgram } from '../src/domain/write-programs.js';
import { emptyPrivacyResult, externalIdKey, identityKey, type CustomerRow, type LookupResult, type WritePlan } from '../src/store/engine.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const externalIds = Array.from({ length: MAX_EXTERNAL_IDS }, (_, i) => ({ source: `SRC${i % 7}`, key: `key-${i}`, value: `v-${i}` }));
const stored: CustomerRow = {
  id: 'cap-1',
  data: JSON.stringify({ identifier: { type: 'external_id', value: 'cap:1' }, name: 'Ana', externalIds }),
  created_at: '2026-01-01T00:00:00.000000Z',
  stamp: 1,
  consent: null,
};

/** Runs the upsert program against `stored` alone, answering its look-up rounds from memory. */
function planFor(customer: Customer): WritePlan {
  const program = customerUpsertProgram(
    [customer],
    (() => {
      let next = 10;
      return () => next++;
    })(),
  );
  const answer = (): LookupResult => ({
    customers: new Map([[stored.id, stored]]),
    identities: new Map([[identityKey('external_id', 'cap:1'), stored.id]]),
    externalIds: new Map(externalIds.map((e) => [externalIdKey(e.source, e.key, e.value), [stored.id]])),
    identitiesOf: new Map(),
    eventsByCustomer: [],
    records: new Map(),
    subscriptions: [],
    ...emptyPrivacyResult(),
  });
  let step = program.next();
  while (!step.done) step = program.next(answer());
  return step.value.plan;
}

describe('external-id rows of a re-sent customer (write plan)', () => {
  const identifier = { type: 'external_id', value: 'cap:1' } as const;

  it('a re-send changing another field at the cap of 100 external ids writes no external-id row', () => {
    const plan = planFor({ identifier, name: 'Ana Maria', externalIds } as Customer);
    assert.equal(plan.customers.length, 1, 'the document changed');
    assert.deepEqual(plan.externalIds, []);
    assert.deepEqual(plan.externalIdsRemoved, []);
  });

  it('an unchanged re-send writes nothing', () => {
    const plan = planFor({ identifier, name: 'Ana', externalIds } as Customer);
    assert.equal(plan.customers.length, 0);
    assert.deepEqual([plan.externalIds, plan.externalIdsRemoved], [[], []]);
  });

  it('a new value for a known source and key is one row removed and one added', () => {
    const plan = planFor({ identifier, externalIds: [{ source: 'SRC3', key: 'key-3', value: 'changed' }] } as Customer);
    assert.deepEqual(plan.externalIdsRemoved, [{ source: 'SRC3', key: 'key-3', value: 'v-3', customerId: 'cap-1' }]);
    assert.deepEqual(plan.externalIds, [{ source: 'SRC3', key: 'key-3', value: 'changed', customerId: 'cap-1' }]);
  });
});

for (const kind of STORES) {
  describe(`external-id rows of a re-sent customer (${kind.name})`, () => {
    const server = useServer(kind);
    const post = (body: unknown) => server.request('POST', '/customers', body);
    const ids = async (query: string) => ((await server.request('GET', `/customers?${query}`)).json as { id: string }[]).map((c) => c.id);

    it('finds the customer by its new value only, by untouched values still, and another holder keeps its row', async () => {
      const identifier = { type: 'external_id', value: 'xr:1' };
      await post([
        {
          id: 'xr-1',
          identifier,
          externalIds: [
            { source: 'PDV', key: 'code', value: 'XR-OLD' },
            { source: 'APP', key: 'uid', value: 'XR-KEEP' },
          ],
        },
        { id: 'xr-2', identifier: { type: 'external_id', value: 'xr:2' }, externalIds: [{ source: 'PDV', key: 'other', value: 'XR-OLD' }] },
      ]);
      assert.equal((await post([{ identifier, name: 'changed', externalIds: [{ source: 'PDV', key: 'code', value: 'XR-NEW' }] }])).status, 200);
      assert.deepEqual(await ids('externalId=XR-NEW'), ['xr-1']);
      assert.deepEqual(await ids('externalId=XR-KEEP'), ['xr-1']);
      assert.deepEqual(await ids('externalId=XR-OLD'), ['xr-2'], 'only xr-1 lost the value');
      // Matching by the removed value no longer finds xr-1: a new customer is made.
      await post([{ identifier: { type: 'email', value: 'xr3@example.com' }, externalIds: [{ source: 'PDV', key: 'code', value: 'XR-OLD' }] }]);
      assert.equal((await ids('externalId=XR-OLD&externalIdSource=PDV')).length, 2);
    });
  });
}
