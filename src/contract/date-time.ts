/**
 * Date-times on the wire (docs/contract.md §2, §11): RFC 3339 read to epoch microseconds, the
 * precision of the server's stamps. In the contract layer because the server's query parser and
 * pull's checkpoint (src/sync) read them the same way, and sync must not import the server.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * An RFC 3339 date-time to epoch microseconds (the precision of `updatedAt`), or undefined
 * when it is malformed or names a time that does not exist (30 February, 24:00). A `+` offset
 * arrives as a space when a client forgets to percent-encode it; that one mistake is read the
 * way it was meant.
 */
export function parseDateTime(raw: string): number | undefined {
  const text = raw.replace(/ (\d{2}:\d{2})$/, '+$1');
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const offsetHours = m[9] === undefined ? 0 : Number(m[9]);
  const offsetMinutes = m[10] === undefined ? 0 : Number(m[10]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const subMillis = Number(`${m[7] ?? ''}000000`.slice(3, 6));
  return ms * 1000 + subMillis;
}
