/**
 * The caps a merged customer must stay within (docs/contract.md §9, "Limits").
 *
 * Lists are merged as unions on every re-send, so a record can outgrow every cap although each
 * write alone is valid (the schemas catch a single item over a cap: 400). A merge over a cap is
 * refused whole with 422 LIMIT_EXCEEDED and nothing is written, so one customer can never grow
 * into a document that blocks the event loop on every read (issue 13 §1).
 */
import { ContractError } from '../contract/errors.js';
import { MAX_ADDRESSES, MAX_CONTACTS_PER_LIST, MAX_EXTERNAL_IDS } from '../contract/limits.js';
import { customerDocumentSizeIssues } from '../contract/record-size.js';

const LIST_CAPS: readonly { path: readonly string[]; limit: number }[] = [
  { path: ['externalIds'], limit: MAX_EXTERNAL_IDS },
  { path: ['contacts', 'phones'], limit: MAX_CONTACTS_PER_LIST },
  { path: ['contacts', 'emails'], limit: MAX_CONTACTS_PER_LIST },
  { path: ['addresses'], limit: MAX_ADDRESSES },
];

function at(document: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = document;
  for (const segment of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
  return value;
}

/**
 * The caps a merged customer document breaks, as `pointer/field: reason` lines; empty when
 * within. `text` is `merged` as JSON when the caller made it already.
 */
export function customerLimitIssues(merged: Record<string, unknown>, pointer: string, text?: string): string[] {
  const issues: string[] = [];
  for (const cap of LIST_CAPS) {
    const list = at(merged, cap.path);
    if (Array.isArray(list) && list.length > cap.limit)
      issues.push(
        `${pointer}/${cap.path.join('/')}: the merge with the stored customer would hold ${list.length} entries; at most ${cap.limit} are allowed (docs/contract.md §9)`,
      );
  }
  issues.push(...customerDocumentSizeIssues(merged, pointer, text));
  return issues;
}

/** Throws LIMIT_EXCEEDED (422) when the merged customer breaks a cap; the caller writes nothing. */
export function assertCustomerWithinLimits(merged: Record<string, unknown>, pointer: string, text?: string): void {
  const issues = customerLimitIssues(merged, pointer, text);
  if (issues.length > 0)
    throw new ContractError('LIMIT_EXCEEDED', 'a merged customer would exceed a limit of docs/contract.md §9; nothing was written', issues);
}
