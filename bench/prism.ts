/**
 * Stoplight Prism mocking the committee's document: what a team would otherwise use to fake
 * this API. It validates requests and invents answers; it stores nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { batchBody } from './data.js';
import { run } from './measure.js';
import type { ResultTable } from './table.js';

export async function benchPrism(table: ResultTable, options: { rounds: number; seconds: number; batch: number }): Promise<void> {
  const document = join(import.meta.dirname, '../../shared/reference/committee-customer-2026-06.openapi.yaml');
  if (!existsSync(document)) return console.log('  prism: ../shared/reference absent, skipped');
  const prism = spawn(join(import.meta.dirname, '../node_modules/.bin/prism'), ['mock', '-h', '127.0.0.1', '-p', '4011', document], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      prism.stdout.on('data', (d: Buffer) => /Prism is listening/.test(d.toString()) && resolve());
      prism.once('exit', (code) => reject(new Error(`prism exited ${code}`)));
    });
    // The committee's form of a batch: {"items": [...]}.
    const body = JSON.stringify({ items: JSON.parse(batchBody(0, options.batch)) });
    const posts: number[] = [];
    const gets: number[] = [];
    let getNon2xx = 0;
    for (let r = 0; r < options.rounds; r += 1) {
      const post = await run({
        url: 'http://127.0.0.1:4011',
        connections: 4,
        duration: options.seconds,
        requests: [{ method: 'POST', path: '/customers', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body }],
      });
      posts.push(post.requests.average * options.batch);
      const get = await run({
        url: 'http://127.0.0.1:4011',
        connections: 16,
        duration: options.seconds,
        requests: [{ method: 'GET', path: '/customers/c-00000001', headers: { authorization: 'Bearer x' } }],
      });
      gets.push(get.requests.average);
      getNon2xx += get.non2xx;
    }
    table.record('prism', 'POST /customers, 1000-item batches (validates, stores nothing)', posts, 'customers/s');
    table.record('prism', `GET /customers/{id}: ${getNon2xx > 0 ? 'not in the document, answers 404' : 'mocked'}`, gets, 'req/s');
  } finally {
    prism.kill('SIGTERM');
  }
}
