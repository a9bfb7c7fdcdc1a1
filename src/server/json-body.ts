/**
 * Request bodies: JSON only, UTF-8 only, parsed safely (contract-decisions §4).
 *
 * Fastify's built-in parsers are replaced by one for `application/json`, so any other content
 * type is a 415. Prototype-poisoning keys (`__proto__`, `constructor.prototype`) are refused
 * rather than silently dropped, and a parse error says where the JSON broke.
 */
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { ContractError } from '../contract/errors.js';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new ContractError('UNSUPPORTED_MEDIA_TYPE', `charset ${charset} is not supported; send application/json in UTF-8`), undefined);
      return;
    }
    const text = body as string;
    if (text.trim() === '') {
      done(new ContractError('MALFORMED_JSON', 'the body is empty; send a JSON document'), undefined);
      return;
    }
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      done(new ContractError('MALFORMED_JSON', `the body is not valid JSON: ${reason}`), undefined);
    }
  });
}
