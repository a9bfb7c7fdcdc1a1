/**
 * Properties of ContractValidator for customers (docs/contract.md §3 and §4), one at a time
 * and in batches: every customer built to the contract passes, whatever optional blocks and
 * unknown fields it carries; breaking one rule always yields an issue whose JSON pointer names
 * the broken place, with a reason a person can act on; phone and document identifiers need a
 * digit; a batch (assertItems, all or nothing) lists every bad item and only those.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ContractError } from '../src/contract/errors.js';
import { customerArb, IDENTIFIER_TYPES, noDigit } from './support/contract-arbitraries.js';
import { assertNames, customerMutations, mutationProperty, RUNS, validator } from './support/contract-mutations.js';

describe('ContractValidator: customer', () => {
  it('accepts every customer built to the schema, with any optional blocks and unknown fields', () => {
    fc.assert(
      fc.property(customerArb, (c) => {
        assert.deepStrictEqual(validator.check('customer', c), [], JSON.stringify(c));
      }),
      RUNS,
    );
  });

  it('accepts the minimal customer: an identifier alone, of each type', () => {
    for (const type of IDENTIFIER_TYPES) {
      assert.deepStrictEqual(
        validator.check('customer', { identifier: { type, value: type === 'phone' ? '+5511999999999' : type === 'document' ? '123' : 'x' } }),
        [],
        type,
      );
    }
  });

  it('breaking one rule always yields an issue at the broken location', () => {
    mutationProperty('customer', customerArb, customerMutations);
  });

  it('a phone or document identifier with no digit is refused; any non-empty value of the other types is accepted', () => {
    fc.assert(
      fc.property(customerArb, noDigit, (c, value) => {
        for (const type of ['phone', 'document']) {
          const issues = validator.check('customer', { ...c, identifier: { type, value } });
          assertNames(issues, '/identifier/value', `${type} ${JSON.stringify(value)}`);
          assert.ok(
            issues.some((l) => /digit/i.test(l)),
            `the reason should say a digit is needed: ${issues}`,
          );
        }
        for (const type of ['email', 'external_id', 'custom']) {
          assert.deepStrictEqual(validator.check('customer', { ...c, identifier: { type, value } }), [], type);
        }
      }),
      RUNS,
    );
  });

  it('messages are actionable: an unknown type lists the five allowed values and what was sent', () => {
    const issues = validator.check('customer', { identifier: { type: 'cpf', value: '123' } });
    const line = issues.find((l) => l.startsWith('/identifier/type: '));
    assert.ok(line, JSON.stringify(issues));
    for (const allowed of IDENTIFIER_TYPES) assert.ok(line.includes(allowed), `${line} should list ${allowed}`);
    assert.ok(line.includes('cpf'), `${line} should show the value sent`);
  });

  it('messages are actionable: required, type, empty and format say what is expected', () => {
    const missing = validator.check('customer', {});
    assert.ok(
      missing.some((l) => l.startsWith('/identifier: ') && /required/i.test(l)),
      JSON.stringify(missing),
    );
    const wrongType = validator.check('customer', { identifier: { type: 'email', value: 'a@x' }, name: 42 });
    assert.ok(
      wrongType.some((l) => l.startsWith('/name: ') && l.includes('string') && l.includes('number')),
      JSON.stringify(wrongType),
    );
    const empty = validator.check('customer', { identifier: { type: 'email', value: '' } });
    assert.ok(
      empty.some((l) => l.startsWith('/identifier/value: ') && /empty|at least/i.test(l)),
      JSON.stringify(empty),
    );
    const format = validator.check('customer', { identifier: { type: 'email', value: 'a@x' }, createdAt: '2026-06-01T12:00:00' });
    assert.ok(
      format.some((l) => l.startsWith('/createdAt: ') && /RFC 3339/.test(l)),
      JSON.stringify(format),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------------

describe('ContractValidator: assertItems (batch, all or nothing)', () => {
  const batchArb = fc.array(fc.tuple(customerArb, fc.option(fc.constantFrom(...customerMutations), { freq: 3 }), fc.nat(), fc.string({ maxLength: 6 })), {
    minLength: 1,
    maxLength: 12,
  });

  for (const prefix of ['', '/items']) {
    it(`lists every bad index and only those${prefix ? ', under /items for the wrapped form' : ''}`, () => {
      fc.assert(
        fc.property(batchArb, (rows) => {
          const bad = new Map<number, string>();
          const items = rows.map(([c, mutation, n, s], index) => {
            if (!mutation) return c;
            const broken = structuredClone(c);
            bad.set(index, mutation.apply(broken, n, s));
            return broken;
          });
          if (bad.size === 0) {
            assert.deepStrictEqual(validator.assertItems('customer', items, prefix), items);
            return;
          }
          let thrown: unknown;
          try {
            validator.assertItems('customer', items, prefix);
          } catch (error) {
            thrown = error;
          }
          assert.ok(thrown instanceof ContractError, `expected a ContractError for bad items ${[...bad.keys()]}`);
          assert.equal(thrown.code, 'VALIDATION_ERROR');
          assert.ok(thrown.message.length > 0);
          const indexPattern = new RegExp(`^${prefix.replace('/', '\\/')}\\/(\\d+)[/:]`);
          const listed = new Set<number>();
          for (const line of thrown.details) {
            const m = indexPattern.exec(line);
            assert.ok(m, `detail not under ${prefix}/<index>: ${line}`);
            listed.add(Number(m[1]));
          }
          assert.deepStrictEqual(
            [...listed].sort((a, b) => a - b),
            [...bad.keys()].sort((a, b) => a - b),
            'indices listed',
          );
          for (const [index, pointer] of bad) assertNames(thrown.details, `${prefix}/${index}${pointer}`, `item ${index}`);
        }),
        RUNS,
      );
    });
  }
});
