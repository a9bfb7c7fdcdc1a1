/**
 * The layers of docs/architecture.md, checked on the imports themselves: dependencies point one
 * way, so a rule cannot creep back into a store or the HTTP layer leak into sync.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every relative import of `file`, as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g)].map((m) => relative(root, resolve(root, file, '..', m[1])));
}

/** `[file, imported]` pairs where a file under `from` imports something under `to`. */
function crossings(from: string, to: string): string[] {
  return sourceFiles(from).flatMap((file) =>
    importsOf(file)
      .filter((target) => target.startsWith(`${to}/`))
      .map((target) => `${file} → ${target}`),
  );
}

describe('layers (docs/architecture.md)', () => {
  const forbidden: [string, string][] = [
    ['src/store/postgres', 'src/store/sqlite'],
    ['src/store/sqlite', 'src/store/postgres'],
    ['src/store', 'src/server'],
    ['src/store', 'src/sync'],
    ['src/domain', 'src/server'],
    ['src/domain', 'src/store/sqlite'],
    ['src/domain', 'src/store/postgres'],
    ['src/contract', 'src/server'],
    ['src/contract', 'src/store'],
    ['src/contract', 'src/domain'],
    ['src/sync', 'src/server'],
    ['src/client', 'src/server'],
    ['src/client', 'src/store'],
    ['src/conformance', 'src/server'],
    ['src/conformance', 'src/store'],
  ];
  for (const [from, to] of forbidden) {
    it(`${from} imports nothing from ${to}`, () => {
      assert.deepEqual(crossings(from, to), []);
    });
  }

  it('finds the imports it checks (the scan itself works)', () => {
    assert.ok(crossings('src/server', 'src/contract').length > 10);
    assert.ok(crossings('src/store/sqlite', 'src/store').length > 0);
  });
});
