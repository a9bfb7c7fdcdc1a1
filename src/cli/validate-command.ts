/**
 * `odc validate <file> --as <kind>`: checks a payload file offline with the server's own
 * validator (src/contract/validation.ts) and error registry, so the messages are the ones
 * the server would answer: `<JSON pointer>: <reason>` relative to the body as sent.
 *
 * The file holds records: one object, an array or `{"items": [...]}`, or NDJSON (one record a
 * line, what `odc push` reads). An array is checked item by item as a batch is (pointers
 * `/3/...`, or `/items/3/...`), also for reviews and events, whose operations take one object
 * per request; NDJSON problems name the line (`line 4: /identifier: ...`). `--as` takes the
 * singular kinds and the plural ones `odc push` takes. Exit 0 when valid, 1 when not; a file
 * that cannot be read is reported as such (FILE_UNREADABLE), not as malformed JSON.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ContractError } from '../contract/errors.js';
import type { OrderProfile } from '../contract/order.js';
import { ContractValidator, readBatch, type ResourceKind } from '../contract/validation.js';

export const validateKinds: readonly ResourceKind[] = ['customer', 'lead', 'order', 'review', 'event'];
/** The plural spellings `odc push` takes, accepted here too. */
const pluralKinds: Record<string, ResourceKind> = { customers: 'customer', leads: 'lead', orders: 'order', reviews: 'review', events: 'event' };

export interface ValidationOutcome {
  valid: boolean;
  /** How many items the file holds. */
  items: number;
  /** The server's error body when invalid. */
  error?: { code: string; message: string; details: string[] };
}

/** Validates a parsed body as the server would (a single object, or a batch in either form). */
export function validatePayload(body: unknown, kind: ResourceKind, orderProfile: OrderProfile = 'lenient'): ValidationOutcome {
  const validator = new ContractValidator({ orderProfile });
  const list = Array.isArray(body) ? body : (body as { items?: unknown } | null)?.items;
  const isBatch = Array.isArray(list);
  try {
    if (isBatch) {
      // No item limit offline: the limit is the target's, declared in its discovery.
      const { items, prefix } = readBatch(body, kind, Number.MAX_SAFE_INTEGER);
      validator.assertItems(kind, items, prefix);
      return { valid: true, items: items.length };
    }
    validator.assertOne(kind, body);
    return { valid: true, items: 1 };
  } catch (error) {
    if (error instanceof ContractError) return { valid: false, items: isBatch ? (list as unknown[]).length : 1, error: error.toBody() };
    throw error;
  }
}

type FileBody = { body: unknown; lines?: number[] } | { error: ValidationOutcome['error'] & object };

/**
 * Reads the file as one JSON document, else as NDJSON (one value per non-blank line; the
 * records then form a batch and `lines[i]` is the line of record i).
 */
export function readPayloadFile(file: string): FileBody {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : code === 'EACCES' ? 'permission denied' : code;
    return { error: { code: 'FILE_UNREADABLE', message: `${file}: cannot read: ${reason} (${code})`, details: [] } };
  }
  try {
    return { body: JSON.parse(text) };
  } catch (whole) {
    const rows = text.split('\n');
    const records: unknown[] = [];
    const lines: number[] = [];
    for (const [index, row] of rows.entries()) {
      if (row.trim() === '') continue;
      try {
        records.push(JSON.parse(row));
        lines.push(index + 1);
      } catch (error) {
        // One line that is not JSON: as a single document the file was not JSON either.
        if (records.length === 0 && rows.filter((r) => r.trim() !== '').length === 1) break;
        return { error: { code: 'MALFORMED_JSON', message: `${file}:${index + 1}: ${(error as Error).message}`, details: [] } };
      }
    }
    if (records.length > 0) return { body: records, lines };
    return { error: { code: 'MALFORMED_JSON', message: `${file}: ${(whole as Error).message}`, details: [] } };
  }
}

/** NDJSON: `/3/identifier: ...` becomes `line 4: /identifier: ...`. */
function onLines(details: string[], lines: number[]): string[] {
  return details.map((d) =>
    d.replace(/^\/(\d+)(\S*)/, (match, index: string, rest: string) => (lines[Number(index)] ? `line ${lines[Number(index)]}: ${rest || '/'}` : match)),
  );
}

export function validateCommand(): Command {
  return new Command('validate')
    .description('validate a payload file offline, with the messages the server gives')
    .argument('<file>', 'JSON file (one object, an array or {"items": [...]}) or NDJSON (one record a line)')
    .addOption(new Option('--as <kind>', 'what the file holds').choices([...validateKinds, ...Object.keys(pluralKinds)]).makeOptionMandatory())
    .addOption(new Option('--order-profile <profile>', 'Order validation profile').choices(['lenient', 'strict']).default('lenient'))
    .option('--json', "print the outcome as JSON (the server's error body when invalid)")
    .action((file: string, opts: { as: string; orderProfile: OrderProfile; json?: boolean }) => {
      const kind = pluralKinds[opts.as] ?? (opts.as as ResourceKind);
      const read = readPayloadFile(file);
      let outcome: ValidationOutcome;
      if ('error' in read) outcome = { valid: false, items: 0, error: read.error };
      else {
        outcome = validatePayload(read.body, kind, opts.orderProfile);
        if (outcome.error && read.lines) outcome.error = { ...outcome.error, details: onLines(outcome.error.details, read.lines) };
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
      else if (outcome.valid) process.stdout.write(`${file}: valid (${outcome.items} ${kind}${outcome.items === 1 ? '' : 's'})\n`);
      else {
        const error = outcome.error!;
        const head = error.message.startsWith(file) ? `${error.code} ${error.message}` : `${file}: ${error.code} ${error.message}`;
        process.stdout.write(`${head}\n${error.details.map((d) => `  ${d}\n`).join('')}`);
      }
      if (!outcome.valid) process.exitCode = 1;
    });
}
