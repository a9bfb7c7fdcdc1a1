/**
 * One registry code per source of failure (docs/contract.md §4.3): the error handler never
 * picks a code by status alone where several codes share it. A 400 from the body parser is
 * MALFORMED_JSON, from a bad query or a schema VALIDATION_ERROR, from broken framing or an
 * unreadable URL MALFORMED_REQUEST; an error that carries only a status gets that status's
 * chosen code. Unit cases drive Fastify's own error classes through the handler of a bare
 * Fastify instance; the black-box cases send each kind of bad request to odc on both stores.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { errorCodes as fastifyErrors, type FastifyInstance } from 'fastify';
import { errorCodes } from '../src/contract/errors.js';
import { codeForStatus, registerErrorHandling, toContractError } from '../src/server/error-handler.js';
import { registerJsonBody } from '../src/server/json-body.js';
import { rawRequest } from './support/raw-request.js';
import { STORES } from './support/stores.js';
import { useServer } from './support/test-server.js';

const limits = { bodyLimit: 1024, maxBatchItems: 10 };

describe('error codes by source (unit)', () => {
  it('maps each Fastify error code to the registry code of its source', () => {
    const cases: [Error, string, number][] = [
      [new fastifyErrors.FST_ERR_CTP_INVALID_JSON_BODY(), 'MALFORMED_JSON', 400],
      [new fastifyErrors.FST_ERR_CTP_EMPTY_JSON_BODY(), 'MALFORMED_JSON', 400],
      [new fastifyErrors.FST_ERR_CTP_INVALID_CONTENT_LENGTH(), 'MALFORMED_REQUEST', 400],
      [new fastifyErrors.FST_ERR_BAD_URL('/%zz'), 'MALFORMED_REQUEST', 400],
      [new fastifyErrors.FST_ERR_INVALID_URL('x'), 'MALFORMED_REQUEST', 400],
      [new fastifyErrors.FST_ERR_VALIDATION('querystring/pageSize must be <= 500'), 'VALIDATION_ERROR', 400],
      [new fastifyErrors.FST_ERR_CTP_BODY_TOO_LARGE(), 'PAYLOAD_TOO_LARGE', 413],
      [new fastifyErrors.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/plain'), 'UNSUPPORTED_MEDIA_TYPE', 415],
      [new fastifyErrors.FST_ERR_NOT_FOUND(), 'NOT_FOUND', 404],
    ];
    for (const [error, code, status] of cases) {
      const mapped = toContractError(error, limits);
      assert.equal(mapped.code, code, (error as { code?: string }).code);
      assert.equal(mapped.statusCode, status, (error as { code?: string }).code);
    }
  });

  it('chooses one code per status, of that status, for errors that carry only a status', () => {
    for (const def of Object.values(errorCodes)) {
      const code = codeForStatus[def.status];
      assert.ok(code, `status ${def.status} has a code`);
      assert.equal(errorCodes[code].status, def.status);
    }
    assert.equal(codeForStatus[400], 'VALIDATION_ERROR');
    const bare = Object.assign(new Error('plugin says no'), { statusCode: 400 });
    assert.equal(toContractError(bare, limits).code, 'VALIDATION_ERROR');
    const tooMany = toContractError(Object.assign(new Error('slow down'), { statusCode: 429 }), limits);
    assert.equal(tooMany.code, 'RATE_LIMITED');
    assert.ok(tooMany.headers['retry-after']);
    const unavailable = toContractError(Object.assign(new Error('closing'), { statusCode: 503 }), limits);
    assert.equal(unavailable.code, 'UNAVAILABLE');
    assert.ok(unavailable.headers['retry-after']);
    assert.equal(toContractError(new TypeError('boom'), limits).code, 'INTERNAL');
  });

  describe('through the handler of a Fastify instance', () => {
    let app: FastifyInstance;
    before(async () => {
      app = Fastify();
      app.decorate('limits', limits);
      registerJsonBody(app);
      registerErrorHandling(app);
      app.post(
        '/schema',
        {
          schema: {
            querystring: { type: 'object', properties: { size: { type: 'integer', maximum: 5 } } },
            body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
          },
        },
        async () => ({ ok: true }),
      );
      app.get('/bare-400', async () => {
        throw Object.assign(new Error('refused by a plugin'), { statusCode: 400 });
      });
      await app.ready();
    });
    after(() => app.close());

    it('answers a schema failure of the query with VALIDATION_ERROR naming the parameter', async () => {
      const res = await app.inject({ method: 'POST', url: '/schema?size=9', payload: { name: 'x' } });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'VALIDATION_ERROR');
      assert.match(res.json().details[0], /^size: /);
    });

    it('answers a schema failure of the body with VALIDATION_ERROR and a JSON pointer', async () => {
      const res = await app.inject({ method: 'POST', url: '/schema', payload: { name: { first: 'x' } } });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'VALIDATION_ERROR');
      assert.match(res.json().details[0], /^\/name: /);
    });

    it('answers a parser failure with MALFORMED_JSON', async () => {
      const res = await app.inject({ method: 'POST', url: '/schema', payload: '{"name":', headers: { 'content-type': 'application/json' } });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'MALFORMED_JSON');
    });

    it('answers an error that carries only status 400 with VALIDATION_ERROR, not MALFORMED_JSON', async () => {
      const res = await app.inject({ method: 'GET', url: '/bare-400' });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'VALIDATION_ERROR');
    });
  });
});

for (const kind of STORES) {
  describe(`error codes by source, black-box (${kind.name})`, () => {
    const server = useServer(kind);

    it('a body that is not JSON: MALFORMED_JSON', async () => {
      const res = await server.request('POST', '/customers', '[{', { 'content-type': 'application/json' });
      assert.equal(res.status, 400);
      assert.equal(res.json.code, 'MALFORMED_JSON');
    });

    it('a bad query parameter: VALIDATION_ERROR', async () => {
      for (const query of ['pageSize=0', 'page=x', 'updatedFrom=yesterday', 'customerIdentifierType=passport']) {
        const res = await server.request('GET', `/customers?${query}`);
        assert.equal(res.status, 400, query);
        assert.equal(res.json.code, 'VALIDATION_ERROR', query);
      }
    });

    it('a body that breaks the schema: VALIDATION_ERROR', async () => {
      const res = await server.request('POST', '/customers', [{ identifier: { type: 'passport', value: 'x' } }]);
      assert.equal(res.status, 400);
      assert.equal(res.json.code, 'VALIDATION_ERROR');
    });

    it('a URL that is not percent-encoded UTF-8: MALFORMED_REQUEST', async () => {
      const res = await rawRequest(server.url, { method: 'GET', path: '/customers/%E0%A4%A' });
      assert.equal(res.status, 400);
      assert.equal(res.json.code, 'MALFORMED_REQUEST');
    });

    it('broken framing (Content-Length and Transfer-Encoding together): MALFORMED_REQUEST', async () => {
      const res = await rawRequest(server.url, {
        method: 'POST',
        path: '/customers',
        body: '[]',
        headers: { 'content-type': 'application/json', 'content-length': '2', 'transfer-encoding': 'chunked' },
      });
      assert.equal(res.status, 400);
      assert.equal(res.json.code, 'MALFORMED_REQUEST');
    });
  });
}
