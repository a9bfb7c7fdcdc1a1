/**
 * What `npm pack` ships installs into an empty project where `npx odc --version` and
 * `import { OdcClient } from 'odc'` work. Neither needs better-sqlite3's native addon, so the
 * install skips install scripts by default (seconds instead of minutes compiling it on a
 * machine without a prebuilt binary); ODC_PACK_TEST_SCRIPTS=1 runs them too, as a user's
 * install would.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ensureBuilt } from './support/build.js';

const ROOT = join(import.meta.dirname, '..');
const run = promisify(execFile);
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('the npm package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odc-pack-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs into an empty project where npx odc and the client import work', { timeout: 900_000 }, async () => {
    // The build is made once (ensureBuilt), not by pack's prepare script: other test files run
    // the built CLI at the same time, and must not see dist/ rewritten under them.
    ensureBuilt();
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 });
    const [{ filename, files }] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const paths = files.map((f) => f.path);
    for (const expected of [
      'LICENSE',
      'CHANGELOG.md',
      'README.md',
      'package.json',
      'dist/src/cli/index.js',
      'dist/src/client/index.js',
      'dist/src/client/index.d.ts',
    ])
      assert.ok(paths.includes(expected), `the tarball holds ${expected}`);
    assert.deepEqual(
      paths.filter((p) => /^(test|bench|scripts|src)\//.test(p)),
      [],
      'no sources, tests or benchmarks',
    );

    const project = join(dir, 'consumer');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    const scripts = process.env.ODC_PACK_TEST_SCRIPTS === '1' ? [] : ['--ignore-scripts'];
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...scripts, join(dir, filename)], {
      cwd: project,
      maxBuffer: 32 * 1024 * 1024,
    });

    const cli = await run('npx', ['odc', '--version'], { cwd: project });
    assert.equal(cli.stdout.trim(), version);
    const client = await run(process.execPath, ['--input-type=module', '-e', "import { OdcClient } from 'odc'; console.log(typeof OdcClient)"], {
      cwd: project,
    });
    assert.equal(client.stdout.trim(), 'function');
  });
});
