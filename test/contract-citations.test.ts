/**
 * Every citation of the rulebook points at a rule that exists: `docs/contract.md §N` needs a
 * section N, `§N.M` a rule M of it, in src/, test/, bench/, docs/ and README.md, and every
 * cross-reference inside docs/contract.md itself. A renumbering that leaves a citation behind
 * fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('..', import.meta.url).pathname;
const rulebook = readFileSync(join(root, 'docs/contract.md'), 'utf8');

/** Section and rule numbers the rulebook defines: `## 5.` headings and `**5.3 ` rules. */
function definedNumbers(text: string): Set<string> {
  const numbers = new Set<string>();
  for (const m of text.matchAll(/^## (\d+)\. /gm)) numbers.add(m[1]);
  for (const m of text.matchAll(/^\*\*(\d+\.\d+) /gm)) numbers.add(m[1]);
  return numbers;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? filesUnder(path) : /\.(ts|mts|md)$/.test(name) ? [path] : [];
  });
}

/** The § numbers of each `docs/contract.md §...` citation, lists like `§3, §4` and `§3 and §4` included. */
function citations(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/contract\.md\s*((?:§\d+(?:\.\d+)?(?:\s*(?:,|and)\s*)?)+)/g)) {
    for (const n of m[1].matchAll(/§(\d+(?:\.\d+)?)/g)) found.push(n[1]);
  }
  return found;
}

describe('docs/contract.md citations', () => {
  const defined = definedNumbers(rulebook);

  it('defines sections 1 to 13, each with numbered rules', () => {
    for (let n = 1; n <= 13; n += 1) {
      assert.ok(defined.has(String(n)), `section ${n}`);
      assert.ok(defined.has(`${n}.1`), `rule ${n}.1`);
    }
  });

  it('numbers the rules of each section 1, 2, 3, ... without gaps or repeats', () => {
    const rules = [...rulebook.matchAll(/^\*\*(\d+)\.(\d+) /gm)].map((m) => [Number(m[1]), Number(m[2])]);
    const next = new Map<number, number>();
    for (const [section, rule] of rules) {
      const expected = next.get(section) ?? 1;
      assert.equal(rule, expected, `§${section}.${rule} follows §${section}.${expected - 1}`);
      next.set(section, rule + 1);
    }
  });

  it('resolves every citation in src, test, bench, docs and the README', () => {
    const files = [...['src', 'test', 'bench', 'docs'].flatMap((dir) => filesUnder(join(root, dir))), join(root, 'README.md')];
    let count = 0;
    const missing: string[] = [];
    for (const file of files) {
      for (const n of citations(readFileSync(file, 'utf8'))) {
        count += 1;
        if (!defined.has(n)) missing.push(`${file.slice(root.length)}: §${n}`);
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(count > 50, `found ${count} citations`);
  });

  it('resolves every cross-reference inside the rulebook', () => {
    const missing = [...rulebook.matchAll(/§(\d+(?:\.\d+)?)/g)].map((m) => m[1]).filter((n) => !defined.has(n));
    assert.deepEqual(missing, []);
  });
});
