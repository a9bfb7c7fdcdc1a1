/**
 * A/B of two builds of odc on the same machine, minutes apart, rounds interleaved (A, B, A,
 * B, ...) so the machine's drift hits both alike. Each build serves its own fresh database.
 *
 *   npx tsx bench/engine-ab.ts --a /path/to/base --b . --store postgres --what events --rounds 3 --seconds 10
 *
 * `--a` / `--b` are checkouts with a built `dist/`. `--what`: `events` (POST /customer/events,
 * one per request, 32 connections), `ingest` (1000-item POST /customers batches, new customers
 * without `id`, 4 connections), `mixed` (half new, half re-sent), `reads` (GET /customers/{id}).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { batchBody, customerId, mixedBatchBody } from './data.js';
import { measureEvents, measureReads, postBatches } from './measure.js';
import { peakRss } from './server-process.js';
import { credentials, prepareDatabase, token } from './setup.js';

const { values } = parseArgs({
  options: {
    a: { type: 'string', default: '.' },
    b: { type: 'string', default: '.' },
    store: { type: 'string', default: 'sqlite' },
    what: { type: 'string', default: 'events' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    customers: { type: 'string', default: '20000' },
  },
});

async function serve(root: string, database: string, env: Record<string, string>) {
  const args = [join(root, 'dist/src/cli/index.js'), 'serve', '--port', '0', '--database', database, '--rate-limit', '0', '--log-level', 'warn'];
  if (values.store === 'postgres') args.push('--pool-size', '10');
  const child = spawn(process.execPath, [...(process.env.AB_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^odc listening on (\S+)/.exec(line);
      if (m) ok(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`odc exited with ${code}`)));
  });
  return {
    url,
    rss: () => peakRss(child.pid),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const BATCH = 1000;
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const count = Number(values.customers);
const sides = [
  { name: 'A', root: resolve(values.a as string) },
  { name: 'B', root: resolve(values.b as string) },
];
const secretKey = randomBytes(32);
const env = { ODC_SECRET_KEY: secretKey.toString('base64') };
const prepared = [];
for (const side of sides) {
  const db = await prepareDatabase(values.store as string);
  const creds = await credentials(db.location, secretKey);
  const server = await serve(side.root, db.location, env);
  const auth = `Bearer ${await token(server.url, creds)}`;
  prepared.push({ side, db, server, auth, stored: 0 });
}
/** New customers without `id` (the POS shape): the server makes the ids. */
const withoutIds = (start: number, size: number) => {
  const items = JSON.parse(batchBody(start, size)) as Record<string, unknown>[];
  for (const item of items) delete item.id;
  return JSON.stringify(items);
};
const results: Record<string, number[]> = { A: [], B: [] };
try {
  if (values.what === 'reads' || values.what === 'mixed') {
    for (const p of prepared) {
      const bodies = Array.from({ length: Math.ceil(count / BATCH) }, (_, i) => () => batchBody(i * BATCH, BATCH));
      await postBatches(p.server.url, p.auth, bodies, 4);
      p.stored = count;
    }
  }
  for (let round = 0; round < rounds; round += 1) {
    for (const p of prepared) {
      let figure: number;
      if (values.what === 'events') {
        const r = await measureEvents(
          p.server.url,
          p.auth,
          seconds,
          Array.from({ length: Math.max(1, p.stored) }, (_, i) => customerId(i)),
        );
        if (r.non2xx > 0) throw new Error(`${p.side.name}: ${r.non2xx} non-2xx`);
        figure = r.requests.average;
      } else if (values.what === 'reads') {
        const r = await measureReads(p.server.url, p.auth, () => customerId(Math.floor(Math.random() * p.stored)), seconds);
        if (r.non2xx > 0) throw new Error(`${p.side.name}: ${r.non2xx} non-2xx`);
        figure = r.requests.average;
      } else {
        const batches = 20;
        const start = 10_000_000 + round * batches * BATCH;
        const bodies = Array.from({ length: batches }, (_, i) =>
          values.what === 'mixed' ? () => mixedBatchBody(start + i * BATCH, BATCH, p.stored, round * 1000 + i) : () => withoutIds(start + i * BATCH, BATCH),
        );
        figure = (batches * BATCH) / (await postBatches(p.server.url, p.auth, bodies, 4));
      }
      results[p.side.name].push(figure);
      console.log(`round ${round + 1} ${p.side.name} ${values.what} ${values.store}: ${Math.round(figure)}/s`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  for (const p of prepared)
    console.log(`${p.side.name} (${p.side.root}): median ${Math.round(median(results[p.side.name]))}/s, peak RSS ${Math.round(p.server.rss() / 2 ** 20)} MB`);
  console.log(`B/A ${(median(results.B) / median(results.A)).toFixed(2)}`);
} finally {
  for (const p of prepared) {
    await p.server.stop();
    await p.db.cleanup();
  }
}
