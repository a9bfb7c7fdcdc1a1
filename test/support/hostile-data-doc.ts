/**
 * The "Hostile data" part of docs/hostile-input.md (issue 13, classes 1, 5-9 inbound): each
 * class, the answer odc gives, and the test that holds it. The hand-written "Hostile peers" part
 * (what odc does when another server is the attacker) follows it.
 */
export const HOSTILE_DATA_SECTION: readonly string[] = [
  '## Hostile data (records, ids and credentials sent to odc)',
  '',
  'What a client or a stored record may try, and what odc answers (limits: docs/contract.md §9).',
  '',
  '| Class | Input | Answer | Test |',
  '| --- | --- | --- | --- |',
  '| Records that grow without bound | one customer with 101 `externalIds`, 21 phones, e-mails or addresses, or a document over 64 KiB | 400 VALIDATION_ERROR naming the field and the limit | test/record-limits.test.ts |',
  '| Records that grow without bound | re-sends whose *merge* with the stored customer would pass a cap (also two items of one batch) | 422 LIMIT_EXCEEDED, details `<item pointer>/<field>: ... at most N`; nothing of the batch written | test/record-limits.test.ts |',
  '| Records that grow without bound | the caps, declared | maxItems/maxLength in the OpenAPI document; `operationalLimits.recordLimits` in discovery | test/discovery.test.ts |',
  '| Sizes of ids and keys | an id, identifier value, external id part, event id/type or reference over 256 characters, in a body, a path or a query | 400 VALIDATION_ERROR naming it; `Link` headers stay small | test/record-limits.test.ts |',
  '| Identity normalization | documents `AB123456` and `XY123456` | two customers: letters are kept, upper-cased | test/identity.test.ts, test/identity-migration.test.ts |',
  '| Identity normalization | `+55 11 9999-99９９ ext 99` and `+55 11 9999-9999` | two customers: `+551199999999;ext=99` and `+551199999999` (E.164 through libphonenumber-js, Brazil by default) | test/identity.test.ts |',
  '| Identity normalization | `josé@` in NFC and in NFD | one customer: values are NFC-normalized and trimmed before comparing | test/identity.test.ts |',
  '| Identity normalization | an impossible phone identifier (`+55119`, `call me`) | 400 VALIDATION_ERROR: `/identifier/value: a phone identifier is not a possible phone number ...` | test/identity.test.ts |',
  '| Identity normalization | a store written with the old rules | migration `identity-renormalization` recomputes every identity; two customers that would now share one stay apart, each collision logged and listed in the migration result | test/identity-migration.test.ts |',
  '| The token endpoint | wrong secrets for one client id, or from one address | 401 until the window fills (10 per client id, 30 per address, per minute), then 429 RATE_LIMITED with Retry-After, before any hash check | test/token-throttle.test.ts |',
  '| The token endpoint | many credential checks in flight | at most 4 per address and 16 in all; beyond, 429 with Retry-After: 1 at once, so a client from another address never queues behind them | test/token-throttle.test.ts |',
  '| The token endpoint | an unknown or revoked client id | the same scrypt check as a known id (against a dummy hash), so timing does not tell which ids exist | test/token-throttle.test.ts |',
  '| The token endpoint | malformed HTTP Basic credentials (bad base64, no colon, bad percent-encoding) | 400 invalid_request (was 500) | test/token-throttle.test.ts |',
  '| Secret rotation | a token issued before `odc clients rotate-secret` | 401 invalid_token, as after a revocation (tokens carry the secret version they were issued under) | test/token-throttle.test.ts |',
  '| Files | the SQLite database, its `-wal` and `-shm`, the data and key directories | created 0600 / 0700 (older files tightened on open) | test/private-files-and-logs.test.ts |',
  '| Logs | `?access_token=`, `client_secret`, `token`, `password`, `code`... in a request URL | the value is logged as `[REDACTED]` | test/private-files-and-logs.test.ts |',
  '',
  'Event-loop delay under the hostile mix (customers at every cap re-sent while lists of them run in',
  'parallel) is measured by `npx tsx bench/hostile-mix.ts [sqlite|postgres] [seconds] [pageSize] [readers] [writers]`;',
  'on a loaded 2-core machine (load average 7-10) one re-send of 10 such customers blocked the loop',
  'for at most ~150 ms and one 4 MiB page of them for at most ~280 ms, so the 50 ms goal of issue 13 §1',
  'is not met yet: pages must render in smaller synchronous slices.',
];
