// Runs the test suite with node's test runner (through tsx for TypeScript).
// Refuses focused tests (.only) first: a focused test would silently skip the rest in CI.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const files = readdirSync(join(root, 'test'))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join('test', f))
  .filter((f) => process.argv.length <= 2 || process.argv.slice(2).some((a) => f.includes(a)));

const focused = files.filter((f) => /\b(it|test|describe)\.only\s*\(|\{\s*only:\s*true/.test(readFileSync(join(root, f), 'utf8')));
if (focused.length > 0) {
  console.error(`focused tests (.only) are not allowed: ${focused.join(', ')}`);
  process.exit(1);
}

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
