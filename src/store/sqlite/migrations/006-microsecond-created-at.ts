/**
 * Every server-made time has microseconds (docs/contract.md §2): server-assigned `createdAt`
 * values stored with milliseconds gain three zero digits, as the domain now writes them.
 */
export const version = 6;
export const name = 'microsecond-created-at';

const widen = (table: string) =>
  `UPDATE ${table} SET created_at = substr(created_at, 1, 23) || '000Z' WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z';`;

export const up = `${widen('customers')}\n${widen('leads')}\n`;
