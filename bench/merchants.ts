/**
 * Many merchants pushing at once: `merchants` tenants, each with its own client, each sending
 * `batches` POS batches of `batch` new customers one after the other, all merchants at the
 * same time, spread over the given odc instances (PostgreSQL: two `odc serve` on one
 * database). A 503 or 429 is retried after its Retry-After, as a POS does (measure.ts), and
 * the latency includes the wait. Beside it, measured in the same round, one merchant sending the same number of
 * the same batches, `inFlight` at a time. Aggregate customers/s and p99 per request of both.
 */
import { posBatchBody } from './data.js';
import { percentile, postBatches, retried } from './measure.js';
import type { Target } from './ingest.js';

export interface PushFigures {
  rate: number;
  p99: number;
}

export async function pushFromMerchants(
  one: Target,
  many: Target[],
  options: { batches: number; batch: number; inFlight: number; firstCustomer: number },
): Promise<{ one: PushFigures; many: PushFigures; customers: number; manyRetries: number }> {
  const { batches, batch, inFlight, firstCustomer } = options;
  const total = many.length * batches;
  const body = (i: number) => () => posBatchBody(firstCustomer + i * batch, batch);
  const oneLatencies: number[] = [];
  const oneSeconds = await postBatches(
    one.url,
    one.auth,
    Array.from({ length: total }, (_, i) => body(i)),
    inFlight,
    oneLatencies,
  );
  const manyLatencies: number[] = [];
  const retriesBefore = retried.count;
  const began = process.hrtime.bigint();
  await Promise.all(
    many.map((merchant) =>
      postBatches(
        merchant.url,
        merchant.auth,
        Array.from({ length: batches }, (_, i) => body(i)),
        1,
        manyLatencies,
      ),
    ),
  );
  const manySeconds = Number(process.hrtime.bigint() - began) / 1e9;
  return {
    one: { rate: (total * batch) / oneSeconds, p99: percentile(oneLatencies, 99) },
    many: { rate: (total * batch) / manySeconds, p99: percentile(manyLatencies, 99) },
    customers: total * batch,
    manyRetries: retried.count - retriesBefore,
  };
}
