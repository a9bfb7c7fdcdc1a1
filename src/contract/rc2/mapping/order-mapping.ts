/**
 * rc.2 Order <-> the canonical Open Delivery Order snapshot the seed stores
 * (docs/bindings.md, "Order"):
 *
 * - `storeId` <-> `merchant.id`; `originChannel` <-> `salesChannel`;
 * - `totalAmount` (minor units) + `currency` <-> `total.orderAmount` {value, currency}
 *   (decimal units; the currency's minor digits from ICU, 2 when unknown);
 * - `items[]`: `sku` <-> `externalCode`, `unitPrice` (minor units) <-> `unitPrice` Price;
 * - `customer` {identifier, externalIds} <-> `customer` with `id` set to the reference the
 *   seed's `customerId` filter matches (resolved by the caller), dropped again on the way back;
 * - every other field, either side, is kept and passed through as is.
 */
import { isPlainObject, minorDigits, objectAt, put, rest, shiftDecimal, type JsonObject } from './json-object.js';
import { originChannels } from '../order.js';

function priceOf(amount: unknown, currency: unknown, base: unknown): JsonObject | undefined {
  if (typeof amount !== 'number') return undefined;
  const price: JsonObject = { ...objectAt(base), value: shiftDecimal(amount, -minorDigits(currency)) };
  put(price, 'currency', currency);
  return price;
}

function itemToCanonical(item: unknown, currency: unknown): unknown {
  if (!isPlainObject(item)) return item;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === 'sku') out.externalCode = value;
    else if (key === 'unitPrice') put(out, 'unitPrice', priceOf(value, item.unitPriceCurrency ?? currency, undefined) ?? value);
    else if (key !== 'unitPriceCurrency') out[key] = value;
  }
  return out;
}

function itemFromCanonical(item: unknown, currency: unknown): unknown {
  if (!isPlainObject(item)) return item;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === 'externalCode') out.sku = value;
    else if (key === 'unitPrice' && isPlainObject(value) && typeof value.value === 'number') {
      out.unitPrice = shiftDecimal(value.value, minorDigits(value.currency ?? currency));
      if (value.currency !== undefined && value.currency !== currency) out.unitPriceCurrency = value.currency;
    } else out[key] = value;
  }
  return out;
}

/**
 * An rc.2 Order as the canonical snapshot. `customerRef` is what `customer.id` becomes: the
 * id of the customer the reference resolves to, else `<type>:<value>` of its identifier.
 */
export function orderToCanonical(order: JsonObject, customerRef?: string): JsonObject {
  const out: JsonObject = {};
  const currency = order.currency;
  for (const [key, value] of Object.entries(order)) {
    switch (key) {
      case 'storeId':
      case 'merchant':
        if ('merchant' in out) break;
        out.merchant = order.storeId === undefined ? order.merchant : { ...objectAt(order.merchant), id: order.storeId };
        break;
      case 'originChannel':
        out.salesChannel = value;
        break;
      case 'totalAmount':
      case 'currency':
      case 'total': {
        if ('total' in out) break;
        const total = objectAt(order.total);
        const orderAmount =
          priceOf(order.totalAmount, currency, total.orderAmount) ??
          (currency === undefined ? total.orderAmount : { ...objectAt(total.orderAmount), currency });
        out.total = orderAmount === undefined ? total : { ...total, orderAmount };
        break;
      }
      case 'items':
        out.items = Array.isArray(value) ? value.map((item) => itemToCanonical(item, currency)) : value;
        break;
      case 'customer':
        out.customer = isPlainObject(value) && customerRef !== undefined && value.id === undefined ? { id: customerRef, ...value } : value;
        break;
      case 'updatedAt':
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

/** A stored canonical snapshot as the rc.2 Order. */
export function orderFromCanonical(order: JsonObject): JsonObject {
  const out: JsonObject = {};
  const amount = objectAt(objectAt(order.total).orderAmount);
  const currency = amount.currency;
  for (const [key, value] of Object.entries(order)) {
    switch (key) {
      case 'merchant':
        if (isPlainObject(value) && typeof value.id === 'string') {
          out.storeId = value.id;
          put(out, 'merchant', rest(value, ['id']));
        } else out.merchant = value;
        break;
      case 'salesChannel':
        if ((originChannels as readonly unknown[]).includes(value)) out.originChannel = value;
        else out.salesChannel = value;
        break;
      case 'total': {
        if (!isPlainObject(value)) {
          out.total = value;
          break;
        }
        if (typeof amount.value === 'number') out.totalAmount = shiftDecimal(amount.value, minorDigits(currency));
        put(out, 'currency', currency);
        const amountRest = rest(amount, typeof amount.value === 'number' ? ['value', 'currency'] : ['currency']);
        const totalRest = rest(value, ['orderAmount']);
        if (amountRest !== undefined || totalRest !== undefined) out.total = { ...totalRest, ...(amountRest ? { orderAmount: amountRest } : {}) };
        break;
      }
      case 'items':
        out.items = Array.isArray(value) ? value.map((item) => itemFromCanonical(item, currency)) : value;
        break;
      case 'customer':
        // An rc.2 reference carries its identifier; its `id` was derived from it on the way in.
        out.customer = isPlainObject(value) && isPlainObject(value.identifier) ? (rest(value, ['id']) ?? {}) : value;
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}
