/**
 * Customers over HTTP: upsertCustomer, getCustomerById, listCustomers, and the identity and
 * merge rules of docs/contract.md §5.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

for (const kind of STORES) {
  describe(`customers (${kind.name})`, () => {
    const server = useServer(kind);
    const post = (body: unknown) => server.request('POST', '/customers', body);
    const get = (ref: string) => server.request('GET', `/customers/${encodeURIComponent(ref)}`);

    it('upserts a batch with 200 and no body, then reads each customer back', async () => {
      const res = await post([
        { identifier: { type: 'email', value: 'ana@example.com' }, name: 'Ana' },
        { identifier: { type: 'document', value: '123.456.789-09' }, name: 'Bia' },
      ]);
      assert.equal(res.status, 200);
      assert.equal(res.text, '');
      const ana = await get('email:ana@example.com');
      assert.equal(ana.status, 200);
      assert.equal(ana.json.name, 'Ana');
      assert.equal(typeof ana.json.id, 'string');
      assert.match(ana.json.updatedAt, /^\d{4}-\d{2}-\d{2}T/);
      assert.match(ana.json.createdAt, /^\d{4}-\d{2}-\d{2}T/);
      const byId = await get(ana.json.id);
      assert.deepEqual(byId.json, ana.json);
    });

    it('matches identifiers in normalized form and stores the form last sent', async () => {
      await post([{ identifier: { type: 'phone', value: '+55 (11) 98888-7777' }, name: 'Caio' }]);
      await post([{ identifier: { type: 'phone', value: '+5511988887777' }, demographics: { gender: 'M' } }]);
      const res = await get('phone:+5511988887777');
      assert.equal(res.json.name, 'Caio');
      assert.equal(res.json.demographics.gender, 'M');
      assert.equal(res.json.identifier.value, '+5511988887777');
      const list = await server.request('GET', '/customers?customerIdentifierType=phone&customerIdentifierValue=%2B55%2011%2098888-7777');
      assert.equal(list.json.length, 1);

      await post([{ identifier: { type: 'email', value: '  Dora@Example.COM ' }, name: 'Dora' }]);
      await post([{ identifier: { type: 'email', value: 'dora@example.com' }, name: 'Dora L.' }]);
      const dora = await server.request('GET', '/customers?customerIdentifierValue=DORA@example.com');
      assert.equal(dora.json.length, 1);
      assert.equal(dora.json[0].name, 'Dora L.');
      assert.equal(dora.json[0].identifier.value, 'dora@example.com');
    });

    it('enriches field by field, keeps omitted fields, clears with null, unions externalIds and contacts', async () => {
      const identifier = { type: 'external_id', value: 'crm:merge:1' };
      await post([
        {
          identifier,
          name: 'Eva',
          contacts: { emails: [{ email: 'eva@a.com', isPrimary: true }], phones: [{ number: '+55 11 1111-1111' }] },
          externalIds: [
            { source: 'PDV', key: 'code', value: 'A1' },
            { source: 'APP', key: 'uid', value: 'u1' },
          ],
          metadata: { customTags: ['vip'], customRules: { a: 1, b: 2 } },
          addresses: [{ city: 'São Paulo' }],
        },
      ]);
      await post([
        {
          identifier,
          contacts: { emails: [{ email: 'EVA@a.com', isPrimary: false }, { email: 'eva@b.com' }], phones: [{ number: '+551111111111', type: 'home' }] },
          externalIds: [{ source: 'PDV', key: 'code', value: 'A2' }],
          metadata: { customTags: ['new'], customRules: { b: null, c: 3 } },
          addresses: [{ city: 'Recife' }],
          name: null,
        },
      ]);
      const eva = (await get('crm:merge:1')).json;
      assert.equal(eva.name, undefined, 'null clears');
      assert.deepEqual(eva.contacts.emails, [{ email: 'EVA@a.com', isPrimary: false }, { email: 'eva@b.com' }]);
      assert.deepEqual(eva.contacts.phones, [{ number: '+551111111111', type: 'home' }]);
      assert.deepEqual(eva.externalIds, [
        { source: 'PDV', key: 'code', value: 'A2' },
        { source: 'APP', key: 'uid', value: 'u1' },
      ]);
      assert.deepEqual(eva.metadata, { customTags: ['new'], customRules: { a: 1, c: 3 } });
      assert.deepEqual(eva.addresses, [{ city: 'Recife' }], 'other arrays are replaced');
    });

    it('does not move updatedAt on a re-send that changes nothing', async () => {
      const customer = { identifier: { type: 'custom', value: 'noop-1' }, name: 'Fred', metadata: { customTags: ['x'] } };
      await post([customer]);
      const first = (await get('custom:noop-1')).json;
      await post([customer]);
      await post([{ identifier: customer.identifier }]);
      const second = (await get('custom:noop-1')).json;
      assert.equal(second.updatedAt, first.updatedAt);
      assert.deepEqual(second, first);
      const since = await server.request(
        'GET',
        `/customers?updatedFrom=${encodeURIComponent(new Date(Date.parse(first.updatedAt) + 1).toISOString())}&customerIdentifierValue=noop-1`,
      );
      assert.equal(since.json.length, 0);
      await post([{ identifier: customer.identifier, name: 'Fredo' }]);
      const third = (await get('custom:noop-1')).json;
      assert.ok(third.updatedAt >= first.updatedAt);
      const changed = await server.request('GET', `/customers?updatedFrom=${encodeURIComponent(third.updatedAt)}&customerIdentifierValue=noop-1`);
      assert.equal(changed.json.length, 1);
    });

    it('matches by externalIds when the identifier is new, keeping the stored identifier and recording the new one', async () => {
      await post([{ identifier: { type: 'email', value: 'gil@example.com' }, externalIds: [{ source: 'PDV', key: 'code', value: 'G1' }] }]);
      await post([{ identifier: { type: 'phone', value: '+5521977776666' }, name: 'Gil', externalIds: [{ source: 'PDV', key: 'code', value: 'G1' }] }]);
      const byEmail = (await get('email:gil@example.com')).json;
      assert.equal(byEmail.name, 'Gil');
      assert.deepEqual(byEmail.identifier, { type: 'email', value: 'gil@example.com' });
      const byPhone = (await get('phone:+5521977776666')).json;
      assert.equal(byPhone.id, byEmail.id, 'the new identifier is another identity of the same customer');
      await post([{ identifier: { type: 'phone', value: '+55 21 97777-6666' }, demographics: { gender: 'F' } }]);
      const again = (await get(byEmail.id)).json;
      assert.equal(again.demographics.gender, 'F');
      const all = await server.request('GET', '/customers?externalId=G1');
      assert.equal(all.json.length, 1, 'never two records');
    });

    it('keeps a payload id as the stable id, assigns one otherwise, and refuses an id that belongs to another customer', async () => {
      await post([{ id: 'cust-h', identifier: { type: 'email', value: 'h@example.com' } }]);
      assert.equal((await get('cust-h')).json.identifier.value, 'h@example.com');
      await post([{ id: 'cust-h2', identifier: { type: 'email', value: 'h@example.com' }, name: 'H' }]);
      const h = (await get('email:h@example.com')).json;
      assert.equal(h.id, 'cust-h', 'the id is stable');
      assert.equal(h.name, 'H');
      await post([{ id: 'cust-i', identifier: { type: 'email', value: 'i@example.com' } }]);
      const conflict = await post([
        { identifier: { type: 'email', value: 'new@example.com' } },
        { id: 'cust-i', identifier: { type: 'email', value: 'h@example.com' } },
      ]);
      assert.equal(conflict.status, 409);
      assert.equal(conflict.json.code, 'CONFLICT');
      assert.match(conflict.json.details[0], /^\/1\/id: /);
      assert.equal((await get('email:new@example.com')).status, 404, 'the batch is all or nothing');
    });

    it('resolves GET /customers/{id} by id, then external_id identifier, then <type>:<value>', async () => {
      await post([
        { id: 'ext-j', identifier: { type: 'external_id', value: 'crm:customer:J' }, name: 'by-id' },
        { identifier: { type: 'external_id', value: 'ext-j-ref' }, name: 'by-external' },
        { identifier: { type: 'document', value: '529.982.247-25' }, name: 'by-typed' },
      ]);
      assert.equal((await get('ext-j')).json.name, 'by-id');
      assert.equal((await get('crm:customer:J')).json.name, 'by-id');
      assert.equal((await get('ext-j-ref')).json.name, 'by-external');
      assert.equal((await get('document:52998224725')).json.name, 'by-typed');
      assert.equal((await get('document:529.982.247-25')).json.name, 'by-typed');
      assert.equal((await get('external_id:crm:customer:J')).json.name, 'by-id', 'split at the first colon');
      const missing = await get('email:nobody@example.com');
      assert.equal(missing.status, 404);
      assert.equal(missing.json.code, 'NOT_FOUND');
    });

    it('filters by externalId over externalIds values and external_id identifiers, narrowed by externalIdSource', async () => {
      await post([
        { identifier: { type: 'email', value: 'k1@example.com' }, externalIds: [{ source: 'PDV', key: 'code', value: 'K' }] },
        { identifier: { type: 'email', value: 'k2@example.com' }, externalIds: [{ source: 'APP', key: 'uid', value: 'K' }] },
        { identifier: { type: 'external_id', value: 'K' } },
      ]);
      const any = await server.request('GET', '/customers?externalId=K');
      assert.equal(any.json.length, 3);
      assert.equal(any.headers.get('x-total-count'), '3');
      const pdv = await server.request('GET', '/customers?externalId=K&externalIdSource=PDV');
      assert.deepEqual(
        pdv.json.map((c: any) => c.identifier.value),
        ['k1@example.com'],
      );
      const byType = await server.request('GET', '/customers?customerIdentifierType=external_id&externalId=K');
      assert.equal(byType.json.length, 1);
    });

    it('refuses a bad customerIdentifierType with 400', async () => {
      const res = await server.request('GET', '/customers?customerIdentifierType=cpf');
      assert.equal(res.status, 400);
      assert.equal(res.json.code, 'VALIDATION_ERROR');
      assert.match(res.json.details[0], /customerIdentifierType: must be one of document, phone, email, external_id, custom/);
    });

    it('ignores a client-sent updatedAt and consent, which the server owns', async () => {
      await post([
        {
          identifier: { type: 'custom', value: 'owned' },
          updatedAt: '2001-01-01T00:00:00Z',
          consent: { status: 'opted_in', occurredAt: '2001-01-01T00:00:00Z', eventId: 'x' },
        },
      ]);
      const c = (await get('custom:owned')).json;
      assert.notEqual(c.updatedAt, '2001-01-01T00:00:00.000Z');
      assert.ok(Date.parse(c.updatedAt) > Date.parse('2020-01-01T00:00:00Z'));
      assert.equal(c.consent, undefined);
    });

    it('merges two sends of the same customer inside one batch', async () => {
      const res = await post([
        { identifier: { type: 'email', value: 'twice@example.com' }, name: 'One' },
        { identifier: { type: 'email', value: 'TWICE@example.com' }, demographics: { gender: 'X' } },
      ]);
      assert.equal(res.status, 200);
      const list = await server.request('GET', '/customers?customerIdentifierValue=twice@example.com');
      assert.equal(list.json.length, 1);
      assert.equal(list.json[0].name, 'One');
      assert.equal(list.json[0].demographics.gender, 'X');
    });

    it('accepts the committee wrapped form {"items": [...]}', async () => {
      const res = await post({ items: [{ identifier: { type: 'custom', value: 'wrapped-1' } }] });
      assert.equal(res.status, 200);
      assert.equal((await get('custom:wrapped-1')).status, 200);
    });
  });
}
