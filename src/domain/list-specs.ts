/**
 * What each list filter means (docs/contract.md §2), as a typed spec every engine translates
 * mechanically to SQL: equality, sets, ranges, identity look-ups; pages in (stamp, id) order
 * after a position or at an offset, with the total. Units are decided here: `updated` ranges
 * are microsecond stamps, `created`/`occurred` ranges compare millisecond columns.
 */
import { identifierTypes } from '../contract/customer.js';
import { millisRange } from '../store/change-clock.js';
import type { ListCondition, ListSpec } from '../store/engine.js';
import type { CustomerFilter, EventFilter, LeadFilter, OrderFilter, PageRequest, ReviewFilter, TimeRange } from '../store/store.js';
import { normalizedOrUndefined } from './customer-resolution.js';

function range(column: string, value: TimeRange | undefined): ListCondition[] {
  return value && (value.from !== undefined || value.to !== undefined) ? [{ kind: 'range', column, range: value }] : [];
}

function customerRefsCondition(refs: string[] | undefined): ListCondition[] {
  return refs ? [{ kind: 'in', column: 'customer_ref', values: refs }] : [];
}

export function customerListSpec(filter: CustomerFilter, page: PageRequest): ListSpec {
  const conditions: ListCondition[] = [];
  if (filter.identifierType !== undefined || filter.identifierValue !== undefined) {
    // A value without a type matches its normalized form under any type.
    const types = filter.identifierType === undefined ? identifierTypes : [filter.identifierType];
    const value = filter.identifierValue;
    const values =
      value === undefined ? undefined : [...new Set(types.map((t) => normalizedOrUndefined(t, value)).filter((v): v is string => v !== undefined))];
    conditions.push({ kind: 'identity', type: filter.identifierType, values });
  }
  if (filter.externalId !== undefined) {
    // Without a source, an external_id identifier value matches too.
    conditions.push({ kind: 'externalId', value: filter.externalId, source: filter.externalIdSource, orIdentifier: filter.externalIdSource === undefined });
  }
  // Only a time range (or nothing): the total comes from the stamp buckets.
  const countFromBuckets = conditions.length === 0 ? { table: 'customers' as const, range: filter.updated } : undefined;
  const selective = filter.externalId !== undefined || filter.identifierValue !== undefined;
  return { table: 'customers', conditions: [...conditions, ...range('stamp', filter.updated)], page, countFromBuckets, selective };
}

export function leadListSpec(filter: LeadFilter, page: PageRequest): ListSpec {
  return { table: 'leads', conditions: range('stamp', filter.updated), page, countFromBuckets: { table: 'leads', range: filter.updated } };
}

export function orderListSpec(filter: OrderFilter, page: PageRequest): ListSpec {
  return {
    table: 'orders',
    conditions: [...customerRefsCondition(filter.customerRefs), ...range('created_ms', millisRange(filter.created)), ...range('stamp', filter.updated)],
    page,
  };
}

export function reviewListSpec(filter: ReviewFilter, page: PageRequest): ListSpec {
  const conditions = customerRefsCondition(filter.customerRefs);
  if (filter.orderId !== undefined) conditions.push({ kind: 'equals', column: 'order_ref', value: filter.orderId });
  if (filter.reviewType !== undefined) conditions.push({ kind: 'equals', column: 'review_type', value: filter.reviewType });
  return { table: 'reviews', conditions: [...conditions, ...range('review_ms', millisRange(filter.created))], page };
}

export function eventListSpec(filter: EventFilter, page: PageRequest): ListSpec {
  const conditions = customerRefsCondition(filter.customerRefs);
  if (filter.eventType !== undefined) conditions.push({ kind: 'equals', column: 'event_type', value: filter.eventType });
  return { table: 'events', conditions: [...conditions, ...range('occurred_ms', millisRange(filter.occurred))], page };
}
