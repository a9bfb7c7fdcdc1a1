/**
 * The engine of `odc push`: files of records to the Customer endpoints, in constant memory.
 *
 * Pass 1 streams every file and checks each record with the contract's own validator, so
 * nothing invalid is ever sent: by default one bad record stops the push before any request
 * (every problem reported as `file:line: pointer: reason`); with `skipInvalid` each reject is
 * written to an NDJSON file and the rest goes. Pass 2 streams the files again and sends:
 * batches (cut by item count and by serialized bytes, within the server's declared limits)
 * for customers, leads and orders, one request per record for reviews and events. At most
 * `concurrency` requests are in flight and the reader waits for a free slot, so memory stays
 * bounded by concurrency × batch size whatever the file size. Records sharing a key (a
 * customer's id, identifier or external ids; a lead's, order's or review's id) are never in
 * flight at once, so the file's order decides which version wins.
 */
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import type { OdcClient, Order } from '../client/odc-client.js';
import { OdcError } from '../client/client-errors.js';
import type { Customer } from '../contract/customer.js';
import type { CustomerEvent } from '../contract/event.js';
import { normalizeIdentifierValue } from '../contract/identity.js';
import type { Lead } from '../contract/lead.js';
import type { Review } from '../contract/review.js';
import type { ContractValidator, ResourceKind } from '../contract/validation.js';
import { isProblem, readRecords, type FileRecord } from './record-reader.js';

export type PushKind = 'customers' | 'leads' | 'orders' | 'reviews' | 'events';

interface KindPlan {
  resource: ResourceKind;
  /** Batched kinds send arrays; the others one object per request. */
  batched: boolean;
  send(client: OdcClient, records: unknown[]): Promise<void>;
  /** The keys the server identifies the record by: two records sharing one must not race. */
  keysOf(record: Record<string, unknown>): string[];
}

const idKey = (prefix: string, field: string) => (r: Record<string, unknown>) => (typeof r[field] === 'string' ? [`${prefix}:${r[field]}`] : []);

function customerKeys(c: Record<string, unknown>): string[] {
  const keys = typeof c.id === 'string' ? [`id:${c.id}`] : [];
  const { type, value } = (c.identifier ?? {}) as { type?: unknown; value?: unknown };
  if (typeof type === 'string' && typeof value === 'string') keys.push(`identifier:${type}:${normalizeIdentifierValue(type, value) ?? value}`);
  if (Array.isArray(c.externalIds))
    for (const x of c.externalIds as ({ source?: unknown; key?: unknown; value?: unknown } | null)[])
      keys.push(`external:${x?.source}|${x?.key ?? ''}|${x?.value}`);
  return keys;
}

export const pushKinds: Record<PushKind, KindPlan> = {
  customers: { resource: 'customer', batched: true, send: (c, r) => c.upsertCustomers(r as Customer[]), keysOf: customerKeys },
  leads: { resource: 'lead', batched: true, send: (c, r) => c.upsertLeads(r as Lead[]), keysOf: idKey('lead', 'id') },
  orders: { resource: 'order', batched: true, send: (c, r) => c.upsertOrders(r as Order[]), keysOf: idKey('order', 'id') },
  reviews: { resource: 'review', batched: false, send: (c, r) => c.createReview(r[0] as Review), keysOf: idKey('review', 'reviewId') },
  events: { resource: 'event', batched: false, send: (c, r) => c.publishCustomerEvent(r[0] as CustomerEvent), keysOf: () => [] },
};

export interface PushProgress {
  phase: 'validate' | 'send';
  /** Records read so far (validate), valid records found (send). */
  records: number;
  invalid: number;
  sent: number;
  bytesRead: number;
  bytesTotal: number;
  /** Since the push started, and since the current phase started. */
  seconds: number;
  phaseSeconds: number;
}

export interface PushOptions {
  kind: PushKind;
  files: string[];
  client: OdcClient;
  validator: ContractValidator;
  /** Largest batch in items and in serialized bytes (the server's declared limits). */
  maxBatch: number;
  maxBytes: number;
  concurrency: number;
  skipInvalid: boolean;
  /** Where rejects go with `skipInvalid`, one NDJSON line {file, line, errors, record|text} each. */
  rejectsFile?: string;
  /** Spacing of requests, when the server declares a rate (requests per second). */
  requestsPerSecond?: number;
  onProgress?: (progress: PushProgress) => void;
}

export interface PushSummary {
  /** `invalid`: bad records stopped the push before sending; `failed`: a request failed for good. */
  status: 'sent' | 'invalid' | 'failed';
  records: number;
  sent: number;
  rejected: number;
  failed: number;
  batches: number;
  requests: number;
  seconds: number;
  perSecond: number;
  /** The first problems, `file:line: reason`, for a person to read. */
  problems: string[];
}

/** Problem lines kept for the report; the count of invalid records is always exact. */
const MAX_PROBLEM_LINES = 100;

/** Adds `file:line: reason` lines while there is room; returns how many did not fit. */
function locate(problems: string[], file: string, line: number, reasons: string[]): number {
  const room = Math.max(0, MAX_PROBLEM_LINES - problems.length);
  for (const reason of reasons.slice(0, room)) problems.push(`${file}:${line}: ${reason}`);
  return Math.max(0, reasons.length - room);
}

/** Reads every record of every file, with its problems (empty when it may be sent). */
async function* checkedRecords(o: PushOptions, onBytes: (bytes: number) => void) {
  const plan = pushKinds[o.kind];
  let before = 0;
  for (const file of o.files) {
    const size = statSync(file).size;
    for await (const item of readRecords(file)) {
      onBytes(before + item.position);
      if (isProblem(item)) {
        yield { item, errors: [item.error], bytes: 0 };
        continue;
      }
      const errors = o.validator.check(plan.resource, item.value, '');
      const bytes = errors.length === 0 ? Buffer.byteLength(JSON.stringify(item.value)) : 0;
      if (bytes + 2 > o.maxBytes) errors.push(`the record is ${bytes} bytes serialized; the server accepts at most ${o.maxBytes} bytes per request`);
      yield { item, errors, bytes };
    }
    before += size;
  }
}

export async function pushFiles(o: PushOptions): Promise<PushSummary> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const bytesTotal = o.files.reduce((sum, file) => sum + statSync(file).size, 0);
  const progress: PushProgress = { phase: 'validate', records: 0, invalid: 0, sent: 0, bytesRead: 0, bytesTotal, seconds: 0, phaseSeconds: 0 };
  let phaseStarted = 0;
  const report = () => o.onProgress?.({ ...progress, seconds: seconds(), phaseSeconds: seconds() - phaseStarted });
  const problems: string[] = [];
  let unlisted = 0;

  // Pass 1: validate everything; write rejects when allowed to skip them.
  const rejects = o.skipInvalid && o.rejectsFile ? new RejectsWriter(o.rejectsFile) : undefined;
  for await (const { item, errors } of checkedRecords(o, (b) => (progress.bytesRead = b))) {
    progress.records += 1;
    if (errors.length > 0) {
      progress.invalid += 1;
      unlisted += locate(problems, item.file, item.line, errors);
      if (rejects)
        await rejects.write(
          isProblem(item) ? { file: item.file, line: item.line, errors, text: item.text } : { file: item.file, line: item.line, errors, record: item.value },
        );
    }
    if (progress.records % 1000 === 0) report();
  }
  await rejects?.close();
  report();
  if (unlisted > 0) problems.push(`... and ${unlisted} more problems (${progress.invalid} invalid records in all)`);
  const summary: PushSummary = {
    status: 'sent',
    records: progress.records,
    sent: 0,
    rejected: progress.invalid,
    failed: 0,
    batches: 0,
    requests: 0,
    seconds: 0,
    perSecond: 0,
    problems,
  };
  const finish = (status: PushSummary['status']) => Object.assign(summary, { status, seconds: seconds(), perSecond: summary.sent / Math.max(seconds(), 1e-9) });
  if (progress.invalid > 0 && !o.skipInvalid) return finish('invalid');

  // Pass 2: send the valid records.
  progress.phase = 'send';
  progress.records -= progress.invalid;
  phaseStarted = seconds();
  const sender = new BoundedSender(o, summary, problems, () => {
    progress.sent = summary.sent;
    report();
  });
  let batch: Batch = newBatch();
  for await (const { item, errors, bytes } of checkedRecords(o, (b) => (progress.bytesRead = b))) {
    if (sender.stopped) break;
    if (errors.length > 0) continue;
    const record = item as FileRecord;
    if (!pushKinds[o.kind].batched || batch.records.length >= o.maxBatch || batch.bytes + bytes + 1 > o.maxBytes) {
      if (batch.records.length > 0) await sender.dispatch(batch);
      batch = newBatch();
    }
    batch.records.push(record.value);
    batch.origins.push({ file: record.file, line: record.line });
    batch.bytes += bytes + 1;
  }
  if (batch.records.length > 0 && !sender.stopped) await sender.dispatch(batch);
  await sender.drain();
  return finish(sender.stopped ? 'failed' : 'sent');
}

/** The rejects file: one NDJSON line per invalid record, written with backpressure. */
class RejectsWriter {
  private readonly stream;
  private failure: Error | undefined;

  constructor(file: string) {
    this.stream = createWriteStream(file);
    this.stream.on('error', (error) => (this.failure = error));
  }

  async write(reject: { file: string; line: number; errors: string[]; record?: unknown; text?: string }): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(`${JSON.stringify(reject)}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (!this.failure) await new Promise<void>((resolve) => this.stream.end(resolve));
    if (this.failure) throw this.failure;
  }
}

interface Batch {
  records: unknown[];
  origins: { file: string; line: number }[];
  /** Serialized size as sent: `[` + items joined by `,` + `]`. */
  bytes: number;
}

const newBatch = (): Batch => ({ records: [], origins: [], bytes: 1 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends batches with at most `concurrency` in flight, in key order, stopping at the first failure. */
class BoundedSender {
  stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly keysInFlight = new Map<string, Promise<void>>();
  private nextStartAt = 0;

  constructor(
    private readonly o: PushOptions,
    private readonly summary: PushSummary,
    private readonly problems: string[],
    private readonly onDone: () => void,
  ) {}

  async dispatch(batch: Batch): Promise<void> {
    const plan = pushKinds[this.o.kind];
    const keys = batch.records.flatMap((r) => (typeof r === 'object' && r !== null ? plan.keysOf(r as Record<string, unknown>) : []));
    const blockers = new Set(keys.map((k) => this.keysInFlight.get(k)).filter((p): p is Promise<void> => p !== undefined));
    if (blockers.size > 0) await Promise.all(blockers);
    while (this.inFlight.size >= Math.max(1, this.o.concurrency)) await Promise.race(this.inFlight);
    if (this.stopped) return;
    if (this.o.requestsPerSecond) {
      const wait = this.nextStartAt - performance.now();
      if (wait > 0) await sleep(wait);
      this.nextStartAt = Math.max(performance.now(), this.nextStartAt) + 1000 / this.o.requestsPerSecond;
    }
    this.summary.requests += 1;
    if (plan.batched) this.summary.batches += 1;
    const sending: Promise<void> = plan
      .send(this.o.client, batch.records)
      .then(
        () => {
          this.summary.sent += batch.records.length;
        },
        (error: unknown) => {
          this.summary.failed += batch.records.length;
          this.stopped = true;
          this.describeFailure(error, batch);
        },
      )
      .finally(() => {
        this.inFlight.delete(sending);
        for (const k of keys) if (this.keysInFlight.get(k) === sending) this.keysInFlight.delete(k);
        this.onDone();
      });
    this.inFlight.add(sending);
    for (const k of keys) this.keysInFlight.set(k, sending);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  /** Names the records of a failed request by file and line, mapping a batch's `/3/...` pointers back. */
  private describeFailure(error: unknown, batch: Batch): void {
    const first = batch.origins[0];
    const last = batch.origins[batch.origins.length - 1];
    const where =
      first === last ? `${first.file}:${first.line}` : `${first.file}:${first.line}..${last.file === first.file ? '' : `${last.file}:`}${last.line}`;
    this.problems.push(`${where}: sending failed: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof OdcError)) return;
    const batched = pushKinds[this.o.kind].batched;
    for (const detail of error.details.slice(0, MAX_PROBLEM_LINES)) {
      const match = batched ? /^(?:\/items)?\/(\d+)(\/[^:]*)?: (.*)$/.exec(detail) : null;
      const origin = match ? batch.origins[Number(match[1])] : undefined;
      this.problems.push(origin && match ? `${origin.file}:${origin.line}: ${match[2] ? `${match[2]}: ` : ''}${match[3]}` : `${where}: ${detail}`);
    }
  }
}
