/**
 * `odc validate FILE --as kind`: offline, with the very messages the server answers. Each case
 * is sent to a real server and validated from a file; the server's error body and the
 * command's must be identical. Exit 0 when valid, 1 when not.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validatePayload } from '../src/cli/validate-command.js';
import type { ResourceKind } from '../src/contract/validation.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';
import { BUILT_CLI } from './support/built-cli.js';

const CLI = BUILT_CLI;

function odc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const paths: Record<ResourceKind, string> = { customer: '/customers', lead: '/leads', order: '/orders', review: '/reviews', event: '/customer/events' };

const cases: { name: string; kind: ResourceKind; body: unknown }[] = [
  {
    name: 'a batch with a customer without identifier and one with a bad type',
    kind: 'customer',
    body: [{ identifier: { type: 'phone', value: '+5511999999999' } }, { name: 'x' }, { identifier: { type: 'shoe', value: '1' } }],
  },
  { name: 'the wrapped form', kind: 'customer', body: { items: [{ identifier: { type: 'email' } }] } },
  { name: 'a phone identifier without digits', kind: 'customer', body: [{ identifier: { type: 'phone', value: 'call me' } }] },
  {
    name: 'a review without reviewDate and a string rating',
    kind: 'review',
    body: { reviewType: 'ORDER', overallRating: { ratingStyle: 'STAR', value: 'four' } },
  },
  { name: 'an event without occurredAt', kind: 'event', body: { eventType: 'customer.updated' } },
  { name: 'an order without id', kind: 'order', body: [{ status: 'CONFIRMED' }] },
  { name: 'a lead whose contact is a number', kind: 'lead', body: [{ id: 'l1', contact: 42 }] },
];

for (const kind of STORES.slice(0, 1)) {
  describe(`odc validate gives the server's messages (${kind.name})`, () => {
    const server = useServer(kind);

    for (const c of cases) {
      it(c.name, async () => {
        const res = await server.request('POST', paths[c.kind], c.body);
        assert.equal(res.status, 400, res.text);
        const outcome = validatePayload(c.body, c.kind);
        assert.equal(outcome.valid, false);
        assert.deepEqual(outcome.error, res.json);
      });
    }

    it('checks each item of an array of reviews as the server checks each review', async () => {
      const reviews = [
        { reviewType: 'ORDER', overallRating: { ratingStyle: 'STAR', value: 1 }, reviewDate: '2026-06-01T12:00:00Z' },
        { reviewType: 'NOPE', overallRating: { ratingStyle: 'STAR', value: 1 }, reviewDate: '2026-06-01T12:00:00Z' },
      ];
      const one = await server.request('POST', '/reviews', reviews[1]);
      const outcome = validatePayload(reviews, 'review');
      assert.equal(outcome.valid, false);
      assert.equal(outcome.items, 2, 'an invalid batch still counts its items');
      assert.deepEqual(
        outcome.error!.details,
        one.json.details.map((d: string) => `/1${d}`),
      );
    });

    it('accepts what the server accepts: the seed examples', async () => {
      const review = { reviewId: 'rev-001', reviewType: 'ORDER', overallRating: { ratingStyle: 'STAR', value: 4 }, reviewDate: '2026-06-01T12:00:00Z' };
      assert.equal((await server.request('POST', '/reviews', review)).status, 201);
      assert.deepEqual(validatePayload(review, 'review'), { valid: true, items: 1 });
      const customers = [{ identifier: { type: 'phone', value: '+5511999999999' } }];
      assert.equal((await server.request('POST', '/customers', customers)).status, 200);
      assert.deepEqual(validatePayload(customers, 'customer'), { valid: true, items: 1 });
    });
  });
}

describe('odc validate (CLI)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'odc-validate-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on a valid file and 1 on an invalid one, printing pointer: reason lines', async () => {
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    writeFileSync(good, JSON.stringify({ items: [{ identifier: { type: 'email', value: 'a@example.com' } }, { identifier: { type: 'custom', value: 'x' } }] }));
    writeFileSync(bad, JSON.stringify([{ identifier: { type: 'email', value: 'a@example.com' } }, { name: 'no identifier' }]));
    const ok = await odc(['validate', good, '--as', 'customer']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `${good}: valid (2 customers)\n`);
    const ko = await odc(['validate', bad, '--as', 'customer']);
    assert.equal(ko.code, 1);
    assert.equal(ko.stdout, `${bad}: VALIDATION_ERROR 1 of 2 customers invalid; nothing was written\n  /1/identifier: is required\n`);
    const asJson = await odc(['validate', bad, '--as', 'customer', '--json']);
    assert.equal(asJson.code, 1);
    assert.deepEqual(JSON.parse(asJson.stdout).error.details, ['/1/identifier: is required']);
  });

  it('exits 1 on a file that is not JSON, and refuses an unknown --as', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"identifier": ');
    const run = await odc(['validate', broken, '--as', 'customer']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /MALFORMED_JSON/);
    const unknown = await odc(['validate', broken, '--as', 'merchant']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /--as <kind>' argument 'merchant' is invalid/);
  });

  it("reads NDJSON, the repository's examples pass, and problems name the line", async () => {
    const example = fileURLToPath(new URL('../examples/customers.ndjson', import.meta.url));
    const run = await odc(['validate', example, '--as', 'customers']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /: valid \(200 customers\)\n$/);
    const lines = join(dir, 'bad.ndjson');
    writeFileSync(lines, `${JSON.stringify({ identifier: { type: 'email', value: 'a@example.com' } })}\n\n${JSON.stringify({ name: 'no identifier' })}\n`);
    const ko = await odc(['validate', lines, '--as', 'customer', '--json']);
    assert.equal(ko.code, 1);
    const outcome = JSON.parse(ko.stdout);
    assert.equal(outcome.items, 2, 'the count of records, never -1');
    assert.deepEqual(outcome.error.details, ['line 3: /identifier: is required']);
    const notJson = join(dir, 'broken.ndjson');
    writeFileSync(notJson, '{"identifier": {"type": "email", "value": "a@example.com"}}\n{"identifier": \n');
    const broken = await odc(['validate', notJson, '--as', 'customers']);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, new RegExp(`MALFORMED_JSON ${notJson}:2: `));
  });

  it('reports a missing file as missing, not as malformed JSON', async () => {
    const missing = join(dir, 'missing.json');
    const run = await odc(['validate', missing, '--as', 'leads', '--json']);
    assert.equal(run.code, 1);
    assert.deepEqual(JSON.parse(run.stdout), {
      valid: false,
      items: 0,
      error: { code: 'FILE_UNREADABLE', message: `${missing}: cannot read: no such file (ENOENT)`, details: [] },
    });
  });

  it('accepts every plural kind odc push takes', async () => {
    const file = join(dir, 'one-event.json');
    writeFileSync(file, JSON.stringify({ eventType: 'customer.updated' }));
    for (const kind of ['customers', 'leads', 'orders', 'reviews', 'events']) {
      const run = await odc(['validate', file, '--as', kind]);
      assert.doesNotMatch(run.stderr, /is invalid/, kind);
    }
  });
});
