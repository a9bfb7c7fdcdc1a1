/**
 * `odc validate <file> --as <kind>`: checks a payload file offline with the server's own
 * validator (src/contract/validation.ts) and error registry, so the messages are the ones
 * the server would answer: `<JSON pointer>: <reason>` relative to the body as sent.
 *
 * The file holds records: one object, an array or `{"items": [...]}`. An array is checked
 * item by item as a batch is (pointers `/3/...`, or `/items/3/...`), also for reviews and
 * events, whose operations take one object per request. Exit 0 when valid, 1 when not.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ContractError } from '../contract/errors.js';
import type { OrderProfile } from '../contract/order.js';
import { ContractValidator, readBatch, type ResourceKind } from '../contract/validation.js';

export const validateKinds: readonly ResourceKind[] = ['customer', 'lead', 'order', 'review', 'event'];

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
  const isBatch = Array.isArray(body) || (typeof body === 'object' && body !== null && Array.isArray((body as { items?: unknown }).items));
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
    if (error instanceof ContractError) return { valid: false, items: isBatch ? -1 : 1, error: error.toBody() };
    throw error;
  }
}

export function validateCommand(): Command {
  return new Command('validate')
    .description('validate a payload file offline, with the messages the server gives')
    .argument('<file>', 'JSON file: one object, an array (batch) or {"items": [...]}')
    .addOption(new Option('--as <kind>', 'what the file holds').choices([...validateKinds]).makeOptionMandatory())
    .addOption(new Option('--order-profile <profile>', 'Order validation profile').choices(['lenient', 'strict']).default('lenient'))
    .option('--json', "print the outcome as JSON (the server's error body when invalid)")
    .action((file: string, opts) => {
      let body: unknown;
      try {
        body = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const outcome = { valid: false, items: 0, error: { code: 'MALFORMED_JSON', message: `${file}: ${reason}`, details: [] } };
        process.stdout.write(opts.json ? `${JSON.stringify(outcome)}\n` : `${file}: MALFORMED_JSON ${reason}\n`);
        process.exitCode = 1;
        return;
      }
      const outcome = validatePayload(body, opts.as as ResourceKind, opts.orderProfile as OrderProfile);
      if (opts.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
      else if (outcome.valid) process.stdout.write(`${file}: valid (${outcome.items} ${opts.as}${outcome.items === 1 ? '' : 's'})\n`);
      else process.stdout.write(`${file}: ${outcome.error!.code} ${outcome.error!.message}\n${outcome.error!.details.map((d) => `  ${d}`).join('\n')}\n`);
      if (!outcome.valid) process.exitCode = 1;
    });
}
