/**
 * `npm run bench -- --quick` runs end to end and prints its table (issue: the bench runs in CI,
 * without timing assertions). It builds, starts odc, the ceiling and Prism as processes, and
 * must leave none of them, nor its databases, behind.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './support/build.js';

const root = join(import.meta.dirname, '..');

describe('npm run bench -- --quick', () => {
  it('prints one row per figure for each store, the ceiling and Prism, and writes them as JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'odc-bench-quick-'));
    try {
      const out = join(dir, 'results.json');
      const stores = (process.env.ODC_TEST_STORES ?? 'sqlite').split(',');
      // `npm run bench` is `npm run build && tsx bench/run.ts`; the build goes through the shared
      // helper so it never rewrites dist/ under another test that runs the built package.
      ensureBuilt();
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--rounds', '2', '--stores', stores.join(','), '--out', out], {
        cwd: root,
        encoding: 'utf8',
        // Generous: the quick bench runs beside the rest of the suite on two shared cores.
        timeout: 600_000,
      });
      assert.equal(result.status, 0, `bench failed:\n${result.stdout}\n${result.stderr}`);
      for (const store of [...stores, 'ceiling']) assert.match(result.stdout, new RegExp(`^  ${store} +\\S`, 'm'), `no row for ${store}`);
      // Prism mocks the committee's document from ../shared/reference; without it the bench says so.
      const prismDocument = join(root, '../shared/reference/committee-customer-2026-06.openapi.yaml');
      assert.match(result.stdout, existsSync(prismDocument) ? /^ {2}prism +\S/m : /^ {2}prism: \.\.\/shared\/reference absent, skipped/m);
      const written = JSON.parse(readFileSync(out, 'utf8')) as {
        quick: boolean;
        figures: Array<{ store: string; figure: string; samples: number[]; median: number }>;
      };
      assert.equal(written.quick, true);
      const sqliteFigures = written.figures.filter((f) => f.store === 'sqlite').map((f) => f.figure);
      for (const expected of [
        'POST /customers, POS batches (no id), per ',
        'ingest rate, last / first',
        'peak RSS',
        'list walk',
        'GET /customers/{id} at',
        'GET /customers?externalId=',
        'GET /customers?updatedFrom=',
        'POST /customers, POS batches, half new',
        'POST /customers, new customers with ids',
        'POST /customer/events',
        'POST /customers, 10 merchants at once',
        'flags: --log-level info',
        'start-up',
      ]) {
        assert.ok(
          sqliteFigures.some((f) => f.startsWith(expected)),
          `no sqlite figure "${expected}" in ${sqliteFigures.join(', ')}`,
        );
      }
      const growth = written.figures.find((f) => f.store === 'sqlite' && f.figure.startsWith('POST /customers, POS batches (no id)'));
      assert.equal(growth?.samples.length, 10, 'one rate per tenth of the growth');
      const ingest = written.figures.find((f) => f.store === 'sqlite' && f.figure.startsWith('POST /customers, POS batches, half new'));
      assert.equal(ingest?.samples.length, 2, 'one sample per round (--rounds 2)');
      assert.ok(
        written.figures.some((f) => f.store === 'ceiling' && f.figure.startsWith('POST /customers, POS batches (no id)')),
        'the ceiling grows beside odc',
      );
      assert.ok(
        written.figures.every((f) => Number.isFinite(f.median) && f.median >= 0),
        'every figure measured',
      );
      assert.ok((ingest?.median ?? 0) > 0 && (growth?.median ?? 0) > 0, 'ingest measured');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
