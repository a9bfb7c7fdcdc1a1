// Runs the test suite with node's test runner (through tsx for TypeScript), several files at once.
// Refuses focused tests (.only) first: a focused test would silently skip the rest in CI.
// Decides once whether PostgreSQL is reachable: the suites then run on both stores, or on
// SQLite alone with a one-line notice. With ODC_REQUIRE_POSTGRES=1 (CI) its absence fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const root = join(import.meta.dirname, '..');

// The files that run longest start first, so that the rest fill the gaps around them instead of
// one of them finishing alone at the end. Most of their time is waiting (processes starting,
// fsync, kills at random moments), which is why more files than cores run at once.
const LONGEST_FIRST = [
  'bench-quick',
  'crash-safety',
  'loyalty-cli',
  'push',
  'fuzz-generated',
  'pull',
  'loyalty-instances',
  'validate-command',
  'conformance-cli',
  'rolling-restart',
];
const weight = (f) => {
  const i = LONGEST_FIRST.findIndex((name) => f === join('test', `${name}.test.ts`));
  return i === -1 ? LONGEST_FIRST.length : i;
};
const files = readdirSync(join(root, 'test'))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join('test', f))
  .filter((f) => process.argv.length <= 2 || process.argv.slice(2).some((a) => f.includes(a)))
  .sort((a, b) => weight(a) - weight(b) || a.localeCompare(b));

// Independent files run concurrently (each makes its own database, directory and ports).
// ODC_TEST_CONCURRENCY overrides; node's default (cores - 1) would run them one by one here.
const concurrency = Number(process.env.ODC_TEST_CONCURRENCY ?? Math.max(4, availableParallelism() + 2));

const focused = files.filter((f) => /\b(it|test|describe)\.only\s*\(|\{\s*only:\s*true/.test(readFileSync(join(root, f), 'utf8')));
if (focused.length > 0) {
  console.error(`focused tests (.only) are not allowed: ${focused.join(', ')}`);
  process.exit(1);
}

async function postgresReachable() {
  const client = new pg.Client({
    connectionString: process.env.ODC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const env = { ...process.env };
if (!env.ODC_TEST_STORES) {
  if (await postgresReachable()) env.ODC_TEST_STORES = 'sqlite,postgres';
  else if (env.ODC_REQUIRE_POSTGRES === '1') {
    console.error('PostgreSQL is required (ODC_REQUIRE_POSTGRES=1) but not reachable; the PostgreSQL suites cannot run');
    process.exit(1);
  } else {
    console.log('notice: PostgreSQL not reachable; running the suites on SQLite only');
    env.ODC_TEST_STORES = 'sqlite';
  }
}

// The tests that start `odc` as a process run the built CLI (test/support/built-cli.ts): build
// once here when dist/ is missing or older than src/, never in several test files at once.
const newest = (dir) =>
  readdirSync(join(root, dir), { withFileTypes: true }).reduce(
    (max, e) => Math.max(max, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(root, dir, e.name)).mtimeMs),
    0,
  );
const built = existsSync(join(root, 'dist/src/cli/index.js')) ? statSync(join(root, 'dist/src/cli/index.js')).mtimeMs : 0;
if (built < newest('src')) {
  console.log('building dist/ for the tests that run the odc command');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
