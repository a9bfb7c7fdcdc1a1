/**
 * `odc push` end to end, against a real `odc serve --dev --rate-limit 0` process on loopback
 * and a temporary SQLite database: files written to a temp dir are pushed by a spawned CLI
 * (test/support/push-cli.ts) and read back over HTTP.
 *
 * Covered: 10,000 customers from NDJSON and leads from a pretty-printed JSON array all arrive;
 * invalid records stop the push before any request, each named by file:line, and with
 * --skip-invalid the rest arrive while the rejects file holds exactly the bad ones; reviews and
 * events go one request each; and a 100+ MB NDJSON file goes through in constant memory. That
 * last test runs the CLI with a 64 MB V8 heap, which a push holding the file (or its records)
 * could not survive, and checks the peak RSS the process reports; ODC_QUICK_TESTS=1 skips it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { OdcClient } from '../src/client/odc-client.js';
import { BUILT_CLI } from './support/built-cli.js';

const root = join(import.meta.dirname, '..');

interface Served {
  url: string;
  token: string;
  child: ChildProcess;
  exited: Promise<unknown>;
}

async function startServe(dir: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    [BUILT_CLI, 'serve', '--dev', '--port', '0', '--rate-limit', '0', '--log-level', 'warn', '--database', join(dir, 'odc.db')],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = once(child, 'exit');
  let url = '';
  for await (const line of createInterface({ input: child.stdout! })) {
    url ||= /^odc listening on (\S+)/.exec(line)?.[1] ?? '';
    if (line.startsWith('dev mode: a token')) break;
  }
  assert.ok(url, 'the server printed its URL');
  return { url, token: readFileSync(join(dir, 'dev-token'), 'utf8').trim(), child, exited };
}

interface PushRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function push(args: string[], options: { nodeArgs?: string[]; env?: Record<string, string> } = {}): Promise<PushRun> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'test/support/push-cli.ts', 'push', ...args], {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Writes one line per record through a stream, so large files never sit in memory. */
async function writeNdjson(file: string, n: number, record: (i: number) => unknown): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < n; i += 1) if (!out.write(`${JSON.stringify(record(i))}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** A pretty-printed JSON array of raw element texts; returns the line each element starts on. */
function writeJsonArray(file: string, elements: string[]): number[] {
  const starts: number[] = [];
  let line = 2;
  for (const element of elements) {
    starts.push(line);
    line += element.split('\n').length;
  }
  writeFileSync(file, `[\n${elements.join(',\n')}\n]\n`);
  return starts;
}

const customer = (prefix: string) => (i: number) => ({
  identifier: { type: 'external_id', value: `${prefix}-${i}` },
  name: `Customer ${i}`,
  contacts: { emails: [{ email: `${prefix}-${i}@example.com`, isPrimary: true }] },
});

describe('odc push', () => {
  let dir: string;
  let served: Served;
  let client: OdcClient;
  const total = async (path: string) =>
    Number((await fetch(`${served.url}${path}?pageSize=1`, { headers: { authorization: `Bearer ${served.token}` } })).headers.get('x-total-count'));
  const pushTo = (kind: string, files: string[], ...more: string[]) => [kind, ...files, '--to', served.url, '--token', served.token, ...more];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'odc-push-'));
    served = await startServe(dir);
    client = new OdcClient({ baseUrl: served.url, token: served.token });
  });

  after(async () => {
    if (served?.child.exitCode === null) served.child.kill('SIGTERM');
    await served?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes 10,000 customers from NDJSON and leads from a JSON array, and reads every one back', async () => {
    const customers = join(dir, 'customers.ndjson');
    await writeNdjson(customers, 10_000, customer('push-c'));
    const leads = join(dir, 'leads.json');
    writeJsonArray(
      leads,
      Array.from({ length: 1_500 }, (_, i) => JSON.stringify({ id: `push-lead-${i}`, name: `Lead ${i}`, contact: `lead${i}@example.com` }, null, 2)),
    );
    const before = await total('/customers');

    const sentCustomers = await push(pushTo('customers', [customers], '--json'));
    assert.equal(sentCustomers.code, 0, sentCustomers.stderr);
    const summary = JSON.parse(sentCustomers.stdout);
    assert.deepEqual([summary.status, summary.records, summary.sent, summary.rejected, summary.batches], ['sent', 10_000, 10_000, 0, 10]);
    const sentLeads = await push(pushTo('leads', [leads], '--batch-size', '400'));
    assert.equal(sentLeads.code, 0, sentLeads.stderr);
    assert.match(sentLeads.stdout, /sent 1,500 leads to .*: 1,500 records read, 4 batches in [\d.]+ s \([\d,]+ records\/s\)\n$/);

    assert.equal(await total('/customers'), before + 10_000);
    const values = new Set<string>();
    for await (const c of client.iterateCustomers({ pageSize: 500 })) if (c.identifier.value.startsWith('push-c-')) values.add(c.identifier.value);
    assert.equal(values.size, 10_000);
    for (const i of [0, 4_999, 9_999]) {
      const stored = await client.getCustomerById(`push-c-${i}`);
      assert.equal(stored.name, `Customer ${i}`);
      assert.equal(stored.contacts?.emails?.[0].email, `push-c-${i}@example.com`);
    }
    const leadIds = new Set<string>();
    for await (const lead of client.iterateLeads({ pageSize: 500 })) leadIds.add(String(lead.id));
    assert.equal(leadIds.size, 1_500);
    assert.ok(leadIds.has('push-lead-0') && leadIds.has('push-lead-1499'));
  });

  it('sends nothing when records are invalid, naming each by file:line; --skip-invalid sends the rest and writes the rejects', async () => {
    const file = join(dir, 'mixed.json');
    const elements = Array.from({ length: 20 }, (_, i) => JSON.stringify(customer('mixed')(i), null, 2));
    elements[3] = JSON.stringify({ identifier: { type: 'cpf', value: '123' } }, null, 2);
    elements[11] = '{\n  "identifier": {"type": "email", "value": }\n}';
    elements[17] = JSON.stringify({ name: 'no identifier' }, null, 2);
    const lines = writeJsonArray(file, elements);
    const badLines = [lines[3], lines[11], lines[17]];
    const before = await total('/customers');

    const refused = await push(pushTo('customers', [file]));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`${file}:${badLines[0]}: /identifier/type: must be one of`));
    assert.match(refused.stderr, new RegExp(`${file}:${badLines[1]}: not valid JSON`));
    assert.match(refused.stderr, new RegExp(`${file}:${badLines[2]}: /identifier: is required`));
    assert.match(refused.stderr, /3 invalid records; nothing was sent/);
    assert.match(refused.stdout, /nothing sent: 20 records read, 3 invalid/);
    assert.equal(await total('/customers'), before, 'the server received nothing');

    const rejectsFile = join(dir, 'rejects.ndjson');
    const skipped = await push(pushTo('customers', [file], '--skip-invalid', '--rejects', rejectsFile, '--json'));
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.deepEqual([JSON.parse(skipped.stdout).sent, JSON.parse(skipped.stdout).rejected], [17, 3]);
    assert.equal(await total('/customers'), before + 17);
    const rejects = readFileSync(rejectsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rejects.map((r) => [r.file, r.line]),
      badLines.map((line) => [file, line]),
    );
    assert.deepEqual(rejects[0].record, { identifier: { type: 'cpf', value: '123' } });
    assert.equal(rejects[1].text, elements[11]);
    assert.match(rejects[2].errors[0], /^\/identifier: is required/);
  });

  it('sends reviews and events one request each', async () => {
    const reviews = join(dir, 'reviews.ndjson');
    await writeNdjson(reviews, 5, (i) => ({
      reviewId: `push-rv-${i}`,
      reviewType: 'ORDER',
      overallRating: { ratingStyle: 'STAR', value: 1 + i },
      reviewDate: '2026-06-01T12:00:00Z',
      customer: { customerId: 'push-c-0' },
    }));
    const events = join(dir, 'events.json');
    writeJsonArray(
      events,
      Array.from({ length: 7 }, (_, i) =>
        JSON.stringify({ eventType: 'ORDER_COMPLETED', occurredAt: `2026-06-01T12:0${i}:00Z`, customerId: 'push-c-1', data: { orderId: `o-${i}` } }, null, 2),
      ),
    );
    const [reviewsBefore, eventsBefore] = [await total('/reviews'), await total('/customer/events')];

    for (const [kind, file, n] of [
      ['reviews', reviews, 5],
      ['events', events, 7],
    ] as const) {
      const run = await push(pushTo(kind, [file], '--json'));
      assert.equal(run.code, 0, run.stderr);
      const summary = JSON.parse(run.stdout);
      assert.deepEqual([summary.sent, summary.requests, summary.batches], [n, n, 0], kind);
    }
    assert.equal(await total('/reviews'), reviewsBefore + 5);
    assert.equal(await total('/customer/events'), eventsBefore + 7);
    assert.equal((await client.getReviewById('push-rv-4')).overallRating.value, 5);
  });

  it('pushes a 100+ MB NDJSON file in constant memory', {
    skip: process.env.ODC_QUICK_TESTS === '1' && 'ODC_QUICK_TESTS=1: the large-file memory test is skipped',
  }, async (t) => {
    const file = join(dir, 'large.ndjson');
    const filler = 'f'.repeat(400);
    await writeNdjson(file, 200_000, (i) => ({ ...customer('large')(i), metadata: { customRules: { filler } } }));
    const bytes = statSync(file).size;
    assert.ok(bytes > 100 * 1024 * 1024, `the file is ${bytes} bytes`);
    const before = await total('/customers');

    const run = await push(pushTo('customers', [file], '--json'), { nodeArgs: ['--max-old-space-size=64'], env: { ODC_PRINT_MAX_RSS: '1' } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).sent, 200_000);
    const peakRssMb = Number(/maxRSS=(\d+)/.exec(run.stderr)?.[1]) / 1024;
    t.diagnostic(`peak RSS ${peakRssMb.toFixed(0)} MB pushing ${(bytes / 1048576).toFixed(0)} MB (${JSON.parse(run.stdout).perSecond.toFixed(0)} records/s)`);
    // Holding the file would take its size again in RSS, on top of the ~100 MB of node + tsx.
    assert.ok(peakRssMb > 0 && peakRssMb < 200, `peak RSS ${peakRssMb.toFixed(0)} MB`);
    assert.equal(await total('/customers'), before + 200_000);
    rmSync(file);
  });
});
