/**
 * List bodies rendered in slices (issue 13 §1): an rc.2 page holds `pageSize` records whatever
 * their size (docs/bindings.md), so 500 customers at the caps of docs/contract.md §9.2 are some
 * 32 MB of JSON. Mapping and stringifying them in one go held the event loop for hundreds of
 * milliseconds; here each slice of about RENDER_SLICE_BYTES is encoded, then the loop turns
 * before the next, and the page is sent as those chunks with its exact Content-Length, so the
 * bytes on the wire are the same as `JSON.stringify` of the whole page.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** Rendered text per slice before the event loop is let go. */
export const RENDER_SLICE_BYTES = 256 * 1024;

/** Resolves in a later turn of the event loop, after pending I/O callbacks ran. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface ChunkedBody {
  chunks: Buffer[];
  bytes: number;
}

/**
 * `head` + the items, each mapped and stringified, joined by commas + `tail`, as UTF-8 chunks of
 * about `sliceBytes` (an item is never split); the event loop turns between chunks.
 */
export async function renderJsonArray<T>(
  head: string,
  items: readonly T[],
  toJson: (item: T) => unknown,
  tail: string,
  sliceBytes = RENDER_SLICE_BYTES,
): Promise<ChunkedBody> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let slice = head;
  const flush = () => {
    const chunk = Buffer.from(slice);
    chunks.push(chunk);
    bytes += chunk.length;
    slice = '';
  };
  for (let i = 0; i < items.length; i += 1) {
    slice += (i > 0 ? ',' : '') + JSON.stringify(toJson(items[i]));
    if (slice.length >= sliceBytes && i < items.length - 1) {
      flush();
      await nextTurn();
    }
  }
  slice += tail;
  flush();
  return { chunks, bytes };
}

/** Sends a chunked body as a stream with its exact length, so no write encodes it all at once. */
export function sendChunked(reply: FastifyReply, body: ChunkedBody): FastifyReply {
  if (body.chunks.length === 1) return reply.type('application/json; charset=utf-8').send(body.chunks[0]);
  return reply
    .type('application/json; charset=utf-8')
    .header('content-length', String(body.bytes))
    .send(Readable.from(body.chunks, { objectMode: false }));
}
