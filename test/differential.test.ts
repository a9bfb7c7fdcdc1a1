/**
 * Differential test: the same seeded sequence of writes, sent over HTTP to a SQLite server and
 * a PostgreSQL server, must leave everything readable through the API identical byte for byte
 * (docs/architecture.md: the rules live once, in src/domain/), apart from server-made ids and
 * stamps, which are mapped to tokens in order of appearance.
 *
 * The generator draws from small pools so that writes collide: re-sends, merges through
 * another identity, `null` clears, duplicate keys inside a batch, consent events tied on
 * `occurredAt` with and without `eventId`, invalid items and unparseable order dates.
 * ODC_DIFF_SEED=<n> replays a run; a failure prints its seed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES } from './support/stores.js';
import { startTestServer, type TestResponse } from './support/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** mulberry32: a small seeded PRNG, so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.ODC_DIFF_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STEPS = Number(process.env.ODC_DIFF_STEPS ?? 90);

interface Operation {
  method: 'POST';
  path: string;
  body: unknown;
}

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  const identifiers = [
    { type: 'email', value: 'ana@example.com' },
    { type: 'email', value: ' ANA@Example.com ' },
    { type: 'email', value: 'bia@example.com' },
    { type: 'phone', value: '+55 11 99999-0001' },
    { type: 'phone', value: '+5511999990001' },
    { type: 'document', value: '123.456.789-00' },
    { type: 'external_id', value: 'crm-7' },
    { type: 'external_id', value: 'crm-8' },
  ];
  const customerIds = ['c-1', 'c-2', 'c-3'];
  const refs = ['c-1', 'c-2', 'crm-7', 'crm-8', 'email:ana@example.com', 'phone:+5511999990001', 'nobody'];
  const times = ['2026-06-01T12:00:00Z', '2026-06-01T12:00:00.000Z', '2026-06-02T08:30:00-03:00', '2026-06-03T00:00:00Z'];

  const customer = (): Record<string, unknown> => {
    if (chance(0.05)) return { name: 'no identifier' };
    const c: Record<string, unknown> = { identifier: pick(identifiers) };
    if (chance(0.3)) c.id = pick(customerIds);
    if (chance(0.5)) c.name = chance(0.2) ? null : pick(['Ana', 'Ana Souza', 'Bia']);
    if (chance(0.3)) c.externalIds = [{ source: pick(['crm', 'pos']), key: pick(['k', 'j']), value: pick(['v1', 'v2']) }];
    if (chance(0.3)) c.contacts = chance(0.2) ? null : { emails: [{ email: pick(['ana@example.com', 'x@example.com']) }] };
    if (chance(0.2)) c.createdAt = pick(times);
    return c;
  };
  const lead = (): Record<string, unknown> => {
    if (chance(0.05)) return { id: 'L-bad', createdAt: 'not a date' };
    const l: Record<string, unknown> = { name: pick(['Lia', 'Leo']) };
    if (chance(0.7)) l.id = pick(['L-1', 'L-2']);
    if (chance(0.3)) l.createdAt = pick(times);
    if (chance(0.3)) l.contact = pick(['lia@example.com', '+5511900000000']);
    return l;
  };
  const order = (): Record<string, unknown> => {
    const o: Record<string, unknown> = { id: pick(['o-1', 'o-2', 'o-3']), status: pick(['CONFIRMED', 'DELIVERED']) };
    if (chance(0.6)) o.customer = { id: pick(refs) };
    // Lenient: an unparseable createdAt is kept as sent, and createdFrom uses the time first received.
    if (chance(0.5)) o.createdAt = pick([...times, 'yesterday', '']);
    return o;
  };
  const review = (): Record<string, unknown> => {
    const r: Record<string, unknown> = {
      reviewType: pick(['ORDER', 'MERCHANT_EXPERIENCE']),
      overallRating: { ratingStyle: 'STAR', value: pick([1, 4, 5]) },
      reviewDate: pick(times),
    };
    if (chance(0.6)) r.reviewId = pick(['r-1', 'r-2']);
    if (chance(0.6)) r.customer = { customerId: pick(refs) };
    if (chance(0.5)) r.subject = { orderId: pick(['o-1', 'o-2']) };
    if (chance(0.05)) delete r.overallRating;
    return r;
  };
  const event = (): Record<string, unknown> => {
    const e: Record<string, unknown> = {
      eventType: pick(['customer.opted_out', 'CUSTOMER_OPTED_IN', 'customer.opted_in', 'order_completed']),
      // Few instants, so consent events tie on occurredAt.
      occurredAt: pick(['2026-06-01T12:00:00Z', '2026-06-01T12:00:00Z', '2026-06-02T00:00:00Z']),
    };
    if (chance(0.7)) e.customerId = pick(refs);
    const key = random();
    if (key < 0.3) e.eventId = pick(['e-1', 'e-2', 'e-3']);
    else if (key < 0.45) e.id = pick(['e-4', 'e-5']);
    if (chance(0.3)) e.data = { n: pick([1, 2]) };
    if (chance(0.03)) delete e.occurredAt;
    return e;
  };
  /** A batch of 1 to 4 items, sometimes repeating one (a duplicate key inside the batch). */
  const batch = (make: () => Record<string, unknown>) => {
    const items = Array.from({ length: 1 + Math.floor(random() * 3) }, make);
    if (chance(0.3)) items.push(structuredClone(pick(items)));
    return items;
  };
  return (): Operation => {
    switch (pick(['customers', 'customers', 'leads', 'orders', 'reviews', 'events', 'events'] as const)) {
      case 'customers':
        return { method: 'POST', path: '/customers', body: batch(customer) };
      case 'leads':
        return { method: 'POST', path: '/leads', body: batch(lead) };
      case 'orders':
        return { method: 'POST', path: '/orders', body: batch(order) };
      case 'reviews':
        return { method: 'POST', path: '/reviews', body: review() };
      default:
        return { method: 'POST', path: '/customer/events', body: event() };
    }
  };
}

/** Replaces server-made ids (UUIDs) and stamps (6 fractional digits) by tokens in order of appearance. */
function normalizer() {
  const tokens = new Map<string, string>();
  const token = (kind: string) => (value: string) => {
    let t = tokens.get(value);
    if (!t) {
      t = `<${kind}${tokens.size}>`;
      tokens.set(value, t);
    }
    return t;
  };
  return (text: string) =>
    text
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, token('id'))
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z/g, token('t'))
      // Cursors encode stamps; where they point is checked by following them.
      .replace(/cursor=[^&>]+/g, 'cursor=<c>');
}

/** What a client can observe of an answer: status, the headers that carry data, and the body. */
function observe(res: TestResponse, normalize: (text: string) => string): string {
  const headers = ['x-total-count', 'link', 'content-type'].map((h) => `${h}: ${res.headers.get(h) ?? ''}`).join('\n');
  return normalize(`${res.status}\n${headers}\n${res.text}`);
}

/** Waits for the clock to pass `ms` (a condition, not a fixed sleep). */
async function clockPast(ms: number): Promise<void> {
  while (Date.now() <= ms) await new Promise((resolve) => setImmediate(resolve));
}

/** An instant with at least one whole millisecond free of writes on either side of it. */
async function clearInstant(): Promise<string> {
  await clockPast(Date.now() + 1);
  const mark = Date.now();
  await clockPast(mark + 1);
  return new Date(mark).toISOString();
}

const sqliteKind = STORES.find((k) => k.name === 'sqlite');
const postgresKind = STORES.find((k) => k.name === 'postgres');

describe('differential: SQLite and PostgreSQL answer alike', { skip: !sqliteKind || !postgresKind ? 'needs both stores' : false }, () => {
  let servers: Server[] = [];

  before(async () => {
    servers = await Promise.all([startTestServer(sqliteKind as never), startTestServer(postgresKind as never)]);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it(`replays one seeded history on both stores and reads everything back alike (seed ${SEED})`, { timeout: 60_000 }, async () => {
    const normalizers = servers.map(() => normalizer());
    const transcripts: string[][] = servers.map(() => []);
    /** Sends a request to both servers, one after the other, and records what each answered. */
    const both = async (method: string, path: string, body?: unknown): Promise<TestResponse[]> => {
      const answers: TestResponse[] = [];
      for (const [i, server] of servers.entries()) {
        const res = await server.request(method, path, body);
        transcripts[i].push(`${method} ${path}\n${observe(res, normalizers[i])}`);
        answers.push(res);
      }
      return answers;
    };
    const failWith = (what: string) => {
      const [a, b] = transcripts;
      const at = a.findIndex((entry, i) => entry !== b[i]);
      assert.fail(
        `${what} differ (replay with ODC_DIFF_SEED=${SEED}) at exchange ${at}:\n--- sqlite\n${a[at]}\n--- postgres\n${b[at]}\n--- operations\n${ops.map((o) => `${o.path} ${JSON.stringify(o.body)}`).join('\n')}`,
      );
    };

    const next = generator(prng(SEED));
    const ops: Operation[] = [];
    const marks: string[] = [];
    let accepted = 0;
    for (let step = 0; step < STEPS; step += 1) {
      const op = next();
      ops.push(op);
      const [answer] = await both(op.method, op.path, op.body);
      if (answer.status < 300) accepted += 1;
      // A time between two writes on both stores, a millisecond clear of each, so that
      // updatedFrom/updatedTo/createdFrom select the same records whatever a stamp's µs.
      if (step % 30 === 15) marks.push(await clearInstant());
    }
    if (transcripts[0].join('\n') !== transcripts[1].join('\n')) failWith('write answers');
    // Not vacuous: most writes of a history are accepted, so there is stored state to compare.
    assert.ok(accepted > STEPS / 2, `only ${accepted} of ${STEPS} writes were accepted (seed ${SEED})`);

    const enc = encodeURIComponent;
    const refs = ['c-1', 'c-2', 'c-3', 'crm-7', 'crm-8', 'email:ana@example.com', 'phone:+5511999990001', 'document:12345678900', 'nobody'];
    const reads = [
      ...refs.map((r) => `/customers/${enc(r)}`),
      ...['o-1', 'o-2', 'o-3', 'o-4'].map((id) => `/orders/${id}`),
      ...['r-1', 'r-2', 'r-3'].map((id) => `/reviews/${id}`),
      ...refs.map((r) => `/customers/${enc(r)}/reviews`),
      '/customers',
      '/customers?customerIdentifierType=email',
      '/customers?customerIdentifierType=phone&customerIdentifierValue=%2B55%2011%2099999-0001',
      '/customers?customerIdentifierValue=ana%40example.com',
      '/customers?externalId=v1',
      '/customers?externalId=crm-7',
      '/customers?externalId=v2&externalIdSource=pos',
      '/customers?customerIdentifierType=bogus',
      '/leads',
      '/orders',
      ...refs.map((r) => `/orders?customerId=${enc(r)}`),
      '/reviews',
      '/reviews?reviewType=ORDER',
      '/reviews?orderId=o-1',
      '/reviews?createdFrom=2026-06-02T00:00:00Z',
      '/customer/events',
      '/customer/events?eventType=CUSTOMER.OPTED_OUT',
      '/customer/events?occurredFrom=2026-06-01T12:00:00Z&occurredTo=2026-06-01T12:00:00Z',
      ...refs.map((r) => `/customer/events?customerId=${enc(r)}`),
      ...marks.flatMap((m) => [
        `/customers?updatedFrom=${enc(m)}`,
        `/leads?updatedTo=${enc(m)}`,
        `/orders?createdFrom=${enc(m)}`,
        `/orders?updatedFrom=${enc(m)}`,
      ]),
      '/orders?createdTo=2026-06-02T00:00:00Z',
      '/customers?pageSize=0',
    ];
    for (const path of reads) await both('GET', path);
    // Walk every list in small pages, following rel="next" as given, on each store.
    for (const list of ['/customers', '/leads', '/orders', '/reviews', '/customer/events']) {
      let paths = [`${list}?pageSize=2`, `${list}?pageSize=2`];
      for (let page = 0; page < 50 && paths.every((p) => p !== ''); page += 1) {
        const answers = await Promise.all(servers.map((s, i) => s.request('GET', paths[i])));
        for (const [i, res] of answers.entries()) transcripts[i].push(`GET ${list} page ${page}\n${observe(res, normalizers[i])}`);
        paths = answers.map((res) => /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? '');
      }
    }
    if (transcripts[0].join('\n') !== transcripts[1].join('\n')) failWith('reads');
  });
});
