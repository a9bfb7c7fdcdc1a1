/**
 * The tests that run the built package (`npx odc`, `npm pack`) need dist/ to match src/: after
 * `npm ci` it does (the prepare script builds); in a working copy it is rebuilt here when it is
 * missing or older than a source file.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist', 'src', 'cli', 'index.js')).mtimeMs;
  } catch {}
  if (built < newestSource(join(ROOT, 'src'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}
