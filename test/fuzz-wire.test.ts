/**
 * The nasty corpus on a real socket (issue 7, item 3), on both stores: every case of
 * support/fuzz-corpus.ts gets exactly its expected status and ErrorResponse code (deep nesting,
 * 10 MB strings, prototype keys, invalid UTF-8, duplicate keys, 1e400, wrong content types,
 * truncated and slow bodies, huge headers, header injection and smuggling, SQL in the URL,
 * broken request lines). Then: the process still answers /healthz, no answer ever set a
 * cookie, Object.prototype is clean, and the refused cases left stored data as it was.
 * docs/hostile-input.md must be what the corpus generates.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { answerProblem, snapshot } from './support/fuzz-answers.js';
import { CORPUS, expectedFor, generatedPartOf, hostileInputDocument, REQUEST_TIMEOUT_MS, type HostileCase } from './support/fuzz-corpus.js';
import { GENERATED_CLASSES } from './support/fuzz-requests.js';
import { wireRequest } from './support/fuzz-wire.js';
import { STORES } from './support/stores.js';
import { useServer, type TestServer } from './support/test-server.js';

/** Sends one case and returns what is wrong with its answer, if anything. */
async function problemOf(server: TestServer, store: 'sqlite' | 'postgres', c: HostileCase): Promise<string | undefined> {
  const expected = expectedFor(c, store);
  const answer = await wireRequest(server.url, { timeoutMs: REQUEST_TIMEOUT_MS + 5_000, ...c.request });
  if (answer.headers['set-cookie'] !== undefined) return 'the answer sets a cookie';
  if (answer.status !== expected.status)
    return `expected ${expected.status}${expected.code ? ` ${expected.code}` : ''}, got ${answer.status || 'no answer'} ${answer.body.slice(0, 200)}`;
  return answerProblem({ expect: 'any', code: expected.code }, { status: answer.status, contentType: answer.headers['content-type'] ?? '', body: answer.body });
}

for (const kind of STORES) {
  describe(`fuzz: the nasty corpus on the wire (${kind.name})`, () => {
    const server = useServer(kind, { requestTimeoutMs: REQUEST_TIMEOUT_MS });
    const refused = CORPUS.filter((c) => expectedFor(c, kind.name).status >= 400);
    const accepted = CORPUS.filter((c) => expectedFor(c, kind.name).status < 400);

    it(`answers the ${refused.length} cases it must refuse with their 4xx, and they change no stored data`, { timeout: 120_000 }, async () => {
      const seeded = await server.request('POST', '/customers', [{ identifier: { type: 'custom', value: 'wire-keep' }, name: 'Keep' }]);
      assert.equal(seeded.status, 200, seeded.text);
      const before = await snapshot(server.store, 'default');
      // In parallel, as an attacker would: stalls and slow bodies overlap everything else.
      const problems = await Promise.all(refused.map(async (c) => [c, await problemOf(server, kind.name, c)] as const));
      assert.deepEqual(
        problems.filter(([, p]) => p !== undefined).map(([c, p]) => `${c.class} / ${c.name}: ${p}`),
        [],
      );
      assert.deepEqual(await snapshot(server.store, 'default'), before, 'refused requests changed stored data');
    });

    it(`answers the ${accepted.length} cases it may accept with their 2xx`, { timeout: 120_000 }, async () => {
      const problems: string[] = [];
      for (const c of accepted) {
        const problem = await problemOf(server, kind.name, c);
        if (problem) problems.push(`${c.class} / ${c.name}: ${problem}`);
      }
      assert.deepEqual(problems, []);
    });

    it('still serves afterwards, with Object.prototype clean', async () => {
      assert.equal((await server.request('GET', '/healthz')).status, 200);
      assert.equal((await server.request('GET', '/customers?pageSize=1')).status, 200);
      assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    });
  });
}

describe('docs/hostile-input.md', () => {
  it('is generated from the corpus and the generated classes (npx tsx scripts/hostile-input-doc.ts)', () => {
    const onDisk = readFileSync(join(import.meta.dirname, '..', 'docs', 'hostile-input.md'), 'utf8');
    // The hand-written part after HAND_WRITTEN_MARKER ("Hostile peers") is not generated.
    assert.equal(generatedPartOf(onDisk), hostileInputDocument(GENERATED_CLASSES));
  });
});
