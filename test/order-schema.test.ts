/**
 * The two `Order` profiles (docs/contract.md §3), compiled the way the server compiles them:
 * Ajv 8 in strict mode with ajv-formats. Also checks that the generated canonical schema matches
 * the reference it is generated from.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { canonicalOrderSchema } from '../src/contract/order-canonical.generated.js';
import { deriveLenientProfile, OrderLenientSchema, orderSchemaFor, OrderStrictSchema } from '../src/contract/order.js';

// CommonJS packages: from an ES module the class (resp. plugin) sits on `.default`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const REFERENCE = join(ROOT, '..', 'shared', 'reference', 'opendelivery-v1.7.openapi.yaml');

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const lenient = ajv.compile(orderSchemaFor('lenient'));
const strict = ajv.compile(orderSchemaFor('strict'));

/** The binding page's example: a partial CRM snapshot, not a canonical order. */
const bindingExample = { id: 'ord-001', status: 'CONFIRMED', customer: { id: 'cust-001' } };

const price = (value: number) => ({ value, currency: 'BRL' });

/** Every field the canonical schema requires, at every level, and nothing more. */
function completeOrder(): Record<string, unknown> {
  return {
    id: 'b3c1f0d2-5a6e-4f7a-9c8b-1d2e3f4a5b6c',
    type: 'DELIVERY',
    displayId: '1234',
    createdAt: '2026-06-01T12:00:00Z',
    orderTiming: 'INSTANT',
    preparationStartDateTime: '2026-06-01T12:05:00Z',
    merchant: { id: '11222333000181-7b1e4c2a-0d5f-4e8a-9b6c-3f2a1e0d9c8b', name: 'Pizzaria Central' },
    items: [
      {
        id: '4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8',
        name: 'Pizza Margherita',
        externalCode: 'PZ-01',
        unit: 'UN',
        quantity: 1,
        unitPrice: price(50),
        totalPrice: price(50),
      },
    ],
    total: { itemsPrice: price(50), otherFees: price(0), discount: price(0), orderAmount: price(50) },
    payments: {
      prepaid: 50,
      pending: 0,
      methods: [{ value: 50, currency: 'BRL', type: 'PREPAID', method: 'CREDIT' }],
    },
  };
}

function findKey(schema: unknown, key: string, path = '#'): string[] {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => findKey(item, key, `${path}/${i}`));
  if (typeof schema !== 'object' || schema === null) return [];
  return Object.entries(schema).flatMap(([k, v]) => [...(k === key ? [`${path}/${k}=${JSON.stringify(v)}`] : []), ...findKey(v, key, `${path}/${k}`)]);
}

describe('Order lenient profile (default)', () => {
  it('accepts the binding example', () => {
    assert.equal(lenient(bindingExample), true, JSON.stringify(lenient.errors));
  });

  it('requires a non-empty string id', () => {
    assert.equal(lenient({}), false);
    assert.equal(lenient({ id: 5 }), false);
    assert.equal(lenient({ id: '' }), false);
  });

  it('checks the type of canonical fields that are present', () => {
    assert.equal(lenient({ id: 'x', total: 'abc' }), false);
    assert.equal(lenient({ id: 'x', items: [{ quantity: 'two' }] }), false);
    assert.equal(lenient({ id: 'x', total: { itemsPrice: { value: '10' } } }), false);
  });

  it('enforces no enum, format or nested required field', () => {
    assert.equal(lenient({ id: 'x', type: 'WHATEVER' }), true, JSON.stringify(lenient.errors));
    assert.equal(lenient({ id: 'x', createdAt: 'yesterday', merchant: { id: 'short' } }), true);
    assert.equal(lenient({ id: 'x', total: { orderAmount: { value: 10 } } }), true);
  });

  it('accepts unknown fields', () => {
    assert.equal(lenient({ id: 'x', crmScore: 7, customer: { id: 'c', loyaltyTier: 'gold' } }), true);
  });

  it('keeps only the top-level required list', () => {
    assert.deepEqual(OrderLenientSchema.required, ['id']);
    assert.deepEqual(findKey(OrderLenientSchema, 'required'), ['#/required=["id"]']);
    assert.deepEqual(findKey(OrderLenientSchema, 'enum'), []);
    assert.deepEqual(findKey(OrderLenientSchema, 'format'), []);
  });
});

describe('Order strict profile', () => {
  it('rejects the binding example', () => {
    assert.equal(strict(bindingExample), false);
  });

  it('accepts a complete canonical order, with unknown fields too', () => {
    assert.equal(strict(completeOrder()), true, JSON.stringify(strict.errors));
    assert.equal(strict({ ...completeOrder(), crmScore: 7 }), true, JSON.stringify(strict.errors));
  });

  it('enforces enums, formats and nested required fields', () => {
    assert.equal(strict({ ...completeOrder(), type: 'WHATEVER' }), false);
    assert.equal(strict({ ...completeOrder(), createdAt: 'yesterday' }), false);
    assert.equal(strict({ ...completeOrder(), id: 'ord-001' }), false);
    const total = { ...(completeOrder().total as Record<string, unknown>) };
    delete total.orderAmount;
    assert.equal(strict({ ...completeOrder(), total }), false);
  });

  it('is the canonical schema titled Order', () => {
    assert.equal(OrderStrictSchema.title, 'Order');
    assert.deepEqual(OrderStrictSchema.required, canonicalOrderSchema.required);
  });
});

describe('Order schemas', () => {
  it('never forbid unknown fields', () => {
    assert.deepEqual(findKey(OrderLenientSchema, 'additionalProperties'), []);
    assert.deepEqual(findKey(OrderStrictSchema, 'additionalProperties'), []);
  });

  it('derive without modifying the generated schema', () => {
    const before = structuredClone(canonicalOrderSchema);
    deriveLenientProfile(canonicalOrderSchema);
    assert.deepEqual(canonicalOrderSchema, before);
    assert.notEqual(OrderStrictSchema.properties, canonicalOrderSchema.properties);
  });

  it('generated file is up to date with the reference', { skip: !existsSync(REFERENCE) && 'reference not found' }, () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'generate-order-schema.ts'), '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  });
});
