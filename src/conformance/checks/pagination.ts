/**
 * Pagination of lists: bare arrays with `X-Total-Count` and an RFC 8288 `Link` header, the
 * committee's `page`/`pageSize` parameters, and a walk along `rel="next"` that sees every
 * record exactly once (docs/contract.md §2).
 */
import type { Check } from '../check.js';
import { fail } from '../check.js';
import type { RunContext } from '../context.js';
import { nextLink } from '../context.js';
import { at, describeStatus, expectRefused, expectStatus } from '../expect.js';

const PAGE_RECORDS = 7;
const rulebook = (section: string, text: string) => `"${text}" (docs/contract.md ${section}; committee OpenAPI page/pageSize)`;

/** Seven events of one run-scoped customer: a list with a known size behind a filter. */
function pagedEvents(ctx: RunContext): Promise<{ customerId: string; ids: string[] }> {
  return ctx.memo('paged-events', async () => {
    const customerId = ctx.payloads.key('pages');
    const ids: string[] = [];
    for (let n = 1; n <= PAGE_RECORDS; n += 1) {
      const event = ctx.payloads.event(`page-${n}`, customerId, { occurredAt: `2026-06-0${n}T10:00:00Z` });
      await ctx.mustWrite('publishCustomerEvent', event, `event ${n} of ${PAGE_RECORDS}`);
      ids.push(String(event.eventId));
    }
    return { customerId, ids };
  });
}

export const paginationChecks: Check[] = [
  {
    id: 'pagination.page-size-respected',
    level: 'SHOULD',
    operation: 'listCustomerEvents',
    requires: ['publishCustomerEvent'],
    rule: rulebook('§2.2', 'pageSize is 1 to 500 (default 50)'),
    async run(ctx) {
      const { customerId } = await pagedEvents(ctx);
      const exchange = await ctx.call('listCustomerEvents', { query: { customerId, pageSize: '3' } });
      expectStatus(exchange, 200, 'GET /customer/events?pageSize=3');
      if (!Array.isArray(exchange.json) || exchange.json.length > 3)
        fail('pageSize is not respected', 'at most 3 items', Array.isArray(exchange.json) ? `${exchange.json.length} items` : 'not an array', exchange);
    },
  },
  {
    id: 'pagination.total-count-header',
    level: 'SHOULD',
    operation: 'listCustomerEvents',
    requires: ['publishCustomerEvent'],
    rule: rulebook('§2.1', 'Pagination travels in headers: X-Total-Count ... and an RFC 8288 Link'),
    async run(ctx) {
      const { customerId } = await pagedEvents(ctx);
      const exchange = await ctx.call('listCustomerEvents', { query: { customerId, pageSize: '3' } });
      expectStatus(exchange, 200, 'GET /customer/events?pageSize=3');
      const total = exchange.headers.get('x-total-count');
      if (total === null || !/^\d+$/.test(total)) fail('no X-Total-Count header', 'X-Total-Count: <integer>', total ?? 'absent', exchange);
      if (Number(total) < PAGE_RECORDS) fail('X-Total-Count is below the records written', `>= ${PAGE_RECORDS}`, total, exchange);
    },
  },
  {
    id: 'pagination.link-next',
    level: 'SHOULD',
    operation: 'listCustomerEvents',
    requires: ['publishCustomerEvent'],
    rule: rulebook('§2.4', 'The answer carries rel="next" when more records follow'),
    async run(ctx) {
      const { customerId } = await pagedEvents(ctx);
      const exchange = await ctx.call('listCustomerEvents', { query: { customerId, pageSize: '3' } });
      expectStatus(exchange, 200, 'GET /customer/events?pageSize=3');
      if (!nextLink(exchange.headers.get('link')))
        fail('a first page of several has no Link rel="next"', 'Link: <...>; rel="next"', exchange.headers.get('link') ?? 'no Link header', exchange);
    },
  },
  {
    id: 'pagination.walk-complete',
    level: 'MUST',
    operation: 'listCustomerEvents',
    requires: ['publishCustomerEvent'],
    rule: '"listCustomerEvents | ... | Retrieve customer event history" (seed, Operations): a paged history must be retrievable whole; "A client that follows next links therefore never skips a record and never sees one twice" (docs/contract.md §2.5)',
    async run(ctx) {
      const { customerId, ids } = await pagedEvents(ctx);
      const walk = await ctx.walk('listCustomerEvents', { query: { customerId }, pageSize: 3, maxPages: 20 });
      const last = walk.exchanges[walk.exchanges.length - 1];
      if (last.status !== 200) fail('a page of the walk failed', '200', describeStatus(last), last);
      const seen = walk.items.map((i) => String(at(i, 'eventId'))).filter((id) => ids.includes(id));
      const missing = ids.filter((id) => !seen.includes(id));
      const twice = seen.filter((id, i) => seen.indexOf(id) !== i);
      if (missing.length > 0 || twice.length > 0) {
        fail(
          'walking the pages does not see each record exactly once',
          `${ids.length} events once each`,
          `${missing.length} missing, ${twice.length} repeated over ${walk.exchanges.length} pages`,
          last,
        );
      }
    },
  },
  {
    id: 'pagination.bad-page-size-refused',
    level: 'SHOULD',
    operation: 'listCustomers',
    rule: rulebook('§2.6', 'a bad value, an empty value or a known parameter given twice is a 400 VALIDATION_ERROR'),
    async run(ctx) {
      expectRefused(await ctx.call('listCustomers', { query: { pageSize: 'lots' } }), 'GET /customers?pageSize=lots');
      expectRefused(await ctx.call('listCustomers', { query: { page: '0' } }), 'GET /customers?page=0');
    },
  },
  {
    id: 'pagination.unknown-parameters-ignored',
    level: 'SHOULD',
    operation: 'listCustomers',
    rule: rulebook('§2.6', 'Unknown parameters are ignored'),
    async run(ctx) {
      expectStatus(await ctx.call('listCustomers', { query: { conformanceUnknown: ctx.runId } }), 200, 'GET /customers?conformanceUnknown=...');
    },
  },
];
