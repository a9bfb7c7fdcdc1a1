/**
 * What the fuzz suites check of every answer and of the server afterwards:
 * - `answerProblem`: a 2xx, or a 4xx whose body is the ErrorResponse `{code, message, details}`
 *   with a code of the registry and that code's status; never a 5xx; a request that must be
 *   refused gets a 4xx (with the expected code, and details naming the expected pointer);
 * - `heapAfterGc`: heap in use after a full collection, to see memory come back to baseline;
 * - `snapshot`: every record of a tenant in every collection, as stored, to prove that refused
 *   requests changed nothing.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { errorCodes } from '../../src/contract/errors.js';
import type { PageResult, Store } from '../../src/store/store.js';
import type { FuzzRequest } from './fuzz-requests.js';

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** Undefined when the answer is acceptable for the request, else what is wrong with it. */
export function answerProblem(request: Pick<FuzzRequest, 'expect' | 'code' | 'names'>, answer: Answer): string | undefined {
  const { status } = answer;
  if (status >= 500) return `a ${status}: ${answer.body.slice(0, 300)}`;
  if (status < 200 || (status >= 300 && status < 400)) return `unexpected status ${status}`;
  if (request.expect === 'reject' && status < 400) return `accepted (${status}) though it must be refused`;
  if (status < 400) return undefined;
  if (!/^application\/json/.test(answer.contentType)) return `a ${status} as ${answer.contentType || 'no content type'}: ${answer.body.slice(0, 200)}`;
  let body: { code?: unknown; message?: unknown; details?: unknown };
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `a ${status} whose body is not JSON: ${answer.body.slice(0, 200)}`;
  }
  const code = body.code as keyof typeof errorCodes;
  if (typeof code !== 'string' || !(code in errorCodes)) return `a ${status} with unknown code ${JSON.stringify(body.code)}`;
  if (errorCodes[code].status !== status) return `${code} answered with ${status}, not ${errorCodes[code].status}`;
  if (typeof body.message !== 'string' || body.message === '') return `${code} without a message`;
  if (!Array.isArray(body.details) || body.details.some((d) => typeof d !== 'string')) return `${code} without string details`;
  const expected = request.code === undefined ? undefined : [request.code].flat();
  if (expected !== undefined && !expected.includes(code)) return `expected ${expected.join(' or ')}, got ${code}: ${body.message}`;
  if (
    request.names !== undefined &&
    (expected === undefined || code === expected[0]) &&
    !(body.details as string[]).some((d) => d.startsWith(`${request.names}:`) || d.startsWith(`${request.names}/`))
  ) {
    return `details do not name ${request.names}: ${JSON.stringify(body.details).slice(0, 300)}`;
  }
  return undefined;
}

let gc: (() => void) | undefined;

/** Heap in use after a full collection (gc exposed at run time, so no runner flag is needed). */
export function heapAfterGc(): number {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Every stored record of a tenant, collection by collection, in store order. */
export async function snapshot(store: Store, tenant: string): Promise<Record<string, string[]>> {
  const all = async (list: (page: { limit: number; offset: number }) => Promise<PageResult>) => {
    const items: string[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await list({ limit: 500, offset });
      items.push(...page.items);
      if (!page.hasMore) return items;
    }
  };
  return {
    customers: await all((p) => store.listCustomers(tenant, {}, p)),
    leads: await all((p) => store.listLeads(tenant, {}, p)),
    orders: await all((p) => store.listOrders(tenant, {}, p)),
    reviews: await all((p) => store.listReviews(tenant, {}, p)),
    events: await all((p) => store.listEvents(tenant, {}, p)),
  };
}
