/**
 * Request bodies: JSON only, UTF-8 only, parsed safely (docs/contract.md §3.9, §4.4).
 *
 * Fastify's built-in parsers are replaced by one for `application/json`, so any other content
 * type is a 415. Prototype-poisoning keys (`__proto__`, `constructor.prototype`) are refused
 * rather than silently dropped, and a parse error says where the JSON broke.
 */
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { ContractError } from '../contract/errors.js';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * Deepest nesting of arrays and objects accepted. Free-form fields (`metadata`, `data`) have
 * no schema to bound them, and recursive code further on (merge, canonical JSON, stringify)
 * must never meet a document deep enough to exhaust the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** The nesting depth of a JSON text, counted without parsing (brackets inside strings skipped). */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i += 1;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth -= 1;
  }
  return deepest;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The pointer of the first key or string that holds a NUL character or an unpaired surrogate
 * (both only reachable through `\\u` escapes), or undefined. Neither is text a person typed,
 * and PostgreSQL's jsonb cannot store them: refusing them here keeps every store alike.
 */
export function findInvalidText(value: unknown, pointer = ''): string | undefined {
  const bad = (text: string) => text.includes('\u0000') || !text.isWellFormed();
  if (typeof value === 'string') return bad(value) ? pointer : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findInvalidText(value[i], `${pointer}/${i}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (bad(key)) return at;
    const found = findInvalidText(child, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.decorateRequest('rawBody', undefined);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new ContractError('UNSUPPORTED_MEDIA_TYPE', `charset ${charset} is not supported; send application/json in UTF-8`), undefined);
      return;
    }
    // Kept as received: X-App-Signature is an HMAC of these exact bytes.
    request.rawBody = raw as Buffer;
    let text: string;
    try {
      text = utf8.decode(raw as Buffer);
    } catch {
      done(new ContractError('MALFORMED_JSON', 'the body is not valid UTF-8'), undefined);
      return;
    }
    if (text.trim() === '') {
      done(new ContractError('MALFORMED_JSON', 'the body is empty; send a JSON document'), undefined);
      return;
    }
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      done(
        new ContractError('VALIDATION_ERROR', `the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`, [
          `: nesting deeper than ${MAX_JSON_DEPTH} levels`,
        ]),
        undefined,
      );
      return;
    }
    let parsed: unknown;
    try {
      parsed = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      done(new ContractError('MALFORMED_JSON', `the body is not valid JSON: ${reason}`), undefined);
      return;
    }
    // Only \\u escapes can produce NUL or lone surrogates; most bodies skip the walk.
    const invalid = text.includes('\\u') ? findInvalidText(parsed) : undefined;
    if (invalid !== undefined) {
      done(
        new ContractError('VALIDATION_ERROR', 'a string or key holds a NUL character or an unpaired UTF-16 surrogate', [
          `${invalid}: must be valid Unicode text without NUL`,
        ]),
        undefined,
      );
      return;
    }
    done(null, parsed);
  });
}
