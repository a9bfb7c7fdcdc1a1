/**
 * The discovery manifest, `GET /.well-known/opendelivery` (discovery.openapi.yaml,
 * discovery.en.md): public, cacheable, readable from browsers; valid against the reference
 * schema; declaring the customer capability, authentication, signing and limits exactly as the
 * server is configured; and declaring nothing the server cannot do: every declared operation
 * and URL is called and must answer.
 */
import assert from 'node:assert/strict';
import { recordLimits } from '../src/contract/limits.js';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { operations, type OperationDefinition } from '../src/contract/operations.js';
import { addClient, tokenFor } from './support/credentials.js';
import { rawRequest } from './support/raw-request.js';
import { STORES } from './support/stores.js';
import { useServer, type TestServer } from './support/test-server.js';

// CommonJS packages: from an ES module the class (resp. plugin) sits on `.default`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

const WELL_KNOWN = '/.well-known/opendelivery';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The reference's DiscoveryManifest schema (OpenAPI 3.0 keywords such as `example` ignored),
 * read from the shared reference beside the repository; the checks against it are skipped
 * with a notice where that folder is absent.
 */
const REFERENCE = new URL('../../shared/reference/discovery.openapi.yaml', import.meta.url);
const hasReference = existsSync(REFERENCE);
if (!hasReference) console.log('notice: ../shared/reference absent; discovery is not checked against the reference schema');
const validateManifest = (() => {
  if (!hasReference) return Object.assign(() => true, { errors: null }) as unknown as ValidateFunction;
  const document = parse(readFileSync(REFERENCE, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(document, 'discovery.openapi.yaml');
  return ajv.getSchema('discovery.openapi.yaml#/components/schemas/DiscoveryManifest')!;
})();

const manifestOf = async (server: TestServer) => (await server.request('GET', WELL_KNOWN)).json;

/** A fresh token per call: the suite's rate limit (9/s per client) never shapes the answers. */
async function freshToken(server: TestServer): Promise<string> {
  return tokenFor(server, await addClient(server, { merchants: ['m1'] }));
}

const bodies: Record<string, unknown> = {
  upsertCustomer: [{ id: 'disc-cust', identifier: { type: 'email', value: 'disc@example.com' } }],
  upsertLead: [{ id: 'disc-lead' }],
  upsertOrders: [{ id: 'disc-order', customer: { id: 'disc-cust' } }],
  createReview: {
    reviewId: 'disc-review',
    reviewType: 'ORDER',
    overallRating: { ratingStyle: 'STAR', value: 5 },
    reviewDate: '2026-06-01T00:00:00Z',
    customer: { customerId: 'disc-cust' },
  },
  publishCustomerEvent: { eventType: 'discovery.checked', occurredAt: '2026-06-01T00:00:00Z', customerId: 'disc-cust' },
};
const ids: Record<string, string> = { customer: 'disc-cust', order: 'disc-order', review: 'disc-review' };

for (const kind of STORES) {
  describe(`discovery manifest (${kind.name})`, () => {
    const server = useServer(kind, { maxBatchItems: 7, bodyLimit: 123456, withAuth: { rateLimitPerSecond: 9 } });

    it('is public, JSON, cacheable for 60 s', async () => {
      const res = await server.request('GET', WELL_KNOWN);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
      assert.equal(typeof res.json, 'object');
      const withBadToken = await server.request('GET', WELL_KNOWN, undefined, { authorization: 'Bearer nonsense' });
      assert.equal(withBadToken.status, 200, 'credentials are neither needed nor checked');
    });

    it('answers browsers: CORS on GET and a successful preflight', async () => {
      const res = await server.request('GET', WELL_KNOWN, undefined, { origin: 'https://partner.example' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const preflight = await server.request('OPTIONS', WELL_KNOWN, undefined, { origin: 'https://partner.example', 'access-control-request-method': 'GET' });
      assert.ok(preflight.status === 200 || preflight.status === 204, `preflight answered ${preflight.status}`);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /\bGET\b/);
    });

    it('is valid against the reference DiscoveryManifest schema, with its required fields', { skip: !hasReference && 'no ../shared/reference' }, async () => {
      const m = await manifestOf(server);
      assert.equal(validateManifest(m), true, JSON.stringify(validateManifest.errors));
      assert.match(m.appId, UUID);
      assert.equal(typeof m.openDelivery.currentVersion, 'string');
      assert.ok(m.openDelivery.supportedVersions.includes(m.openDelivery.currentVersion));
      assert.equal(typeof m.discovery.version, 'string');
      assert.ok(m.authentication.supportedGrantTypes.includes('client_credentials'));
      assert.deepEqual([...m.authentication.clientIdGeneration].sort(), ['by_app', 'by_merchant']);
      assert.equal(typeof m.capabilities.customer.version, 'string');
      assert.equal(m.capabilities.customer.supported, true);
    });

    it('declares the customer capability, authentication, signing and merchant discovery', async () => {
      const m = await manifestOf(server);
      const customer = m.capabilities.customer;
      assert.equal(typeof customer.role, 'string');
      assert.deepEqual([...customer.supportedOperations].sort(), operations.map((op) => op.operationId).sort());
      assert.deepEqual(customer.unsupportedOperations, []);
      assert.ok(customer.modes.includes('push') && customer.modes.includes('pull'));
      const auth = m.authentication;
      assert.equal(auth.required, true);
      assert.deepEqual([...auth.models].sort(), ['client_credentials_application', 'client_credentials_merchant']);
      assert.ok(auth.scopes.includes('od.crm') && auth.scopes.includes('od.all'));
      assert.deepEqual(auth.messageSigning.supported, true);
      assert.deepEqual(auth.messageSigning.required, false, 'optional is the default mode');
      assert.equal(auth.messageSigning.algorithm, 'HMAC-SHA256');
      assert.deepEqual(auth.messageSigning.operations, ['publishCustomerEvent']);
      assert.deepEqual(auth.messageSigning.headers, ['X-App-Id', 'X-App-MerchantId', 'X-App-Signature']);
      assert.equal(typeof auth.merchantDiscovery.endpoint, 'string');
    });

    it('declares the limits the server is configured with, and enforces them', async () => {
      const m = await manifestOf(server);
      const customer = m.capabilities.customer;
      assert.equal(customer.maxBatchSize, 7);
      assert.equal(customer.maxPayloadSizeKb, Math.floor(123456 / 1024));
      assert.equal(customer.requestsPerSecond, 9);
      assert.equal(customer.pagination.defaultPageSize, 50);
      assert.equal(customer.pagination.maxPageSize, 500);
      assert.equal(customer.pagination.totalCountHeader, 'X-Total-Count');
      assert.deepEqual(m.operationalLimits, { maxPageSize: 500, maxBatchSize: 7, rateLimitPerSecond: 9, recordLimits });
      const headers = { authorization: `Bearer ${await freshToken(server)}` };
      const leads = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `limit-${n}-${i}` }));
      assert.equal((await server.request('POST', '/leads', leads(7), headers)).status, 200, 'the declared batch size is accepted');
      assert.equal((await server.request('POST', '/leads', leads(8), headers)).status, 413, 'one more item is refused');
      const big = [{ id: 'big', notes: 'x'.repeat(123456) }];
      assert.equal((await server.request('POST', '/leads', big, headers)).status, 413, 'a body over the declared size is refused');
      assert.equal((await server.request('GET', `/leads?pageSize=${customer.pagination.maxPageSize}`, undefined, headers)).status, 200);
      assert.equal((await server.request('GET', `/leads?pageSize=${customer.pagination.maxPageSize + 1}`, undefined, headers)).status, 400);
    });

    it('declares no operation the server cannot execute: each one answers', async () => {
      const declared: string[] = (await manifestOf(server)).capabilities.customer.supportedOperations;
      const found = declared.map((id) => operations.find((op) => op.operationId === id) as OperationDefinition | undefined);
      assert.ok(found.every(Boolean), `every declared operation is in the contract table: ${declared.join(', ')}`);
      // Writes first, so the reads find something; a 404 for an id is allowed, not for a route.
      const ordered = (found as OperationDefinition[]).sort((x, y) => (x.method === y.method ? 0 : x.method === 'POST' ? -1 : 1));
      for (const op of ordered) {
        const path = op.path.replace('{customerId}', 'disc-cust').replace('{id}', ids[op.resource] ?? 'x');
        const res = await server.request(op.method, path, op.method === 'POST' ? bodies[op.operationId] : undefined, {
          authorization: `Bearer ${await freshToken(server)}`,
        });
        const label = `${op.operationId}: ${op.method} ${path} -> ${res.status} ${res.text.slice(0, 200)}`;
        assert.ok(![405, 501].includes(res.status), label);
        assert.ok(!(res.status === 404 && /no operation at/.test(res.json?.message ?? '')), label);
        if (res.status === 404) assert.ok(op.response === 'one' && res.json.code === 'NOT_FOUND', label);
        else assert.equal(res.status, op.status, label);
      }
    });

    it('declares URLs that answer: token, JWKS, merchant discovery, OpenAPI document', async () => {
      const m = await manifestOf(server);
      const client = await addClient(server, { merchants: ['m1', 'm2'] });
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });
      const tokenRes = await fetch(m.authentication.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      assert.equal(tokenRes.status, 200);
      const { access_token: token, token_type: type } = (await tokenRes.json()) as { access_token: string; token_type: string };
      assert.equal(type.toLowerCase(), 'bearer');
      const jwks = await fetch(m.authentication.jwksUrl);
      assert.equal(jwks.status, 200);
      const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
      assert.ok(
        ((await jwks.json()) as { keys: { kid: string }[] }).keys.some((k) => k.kid === header.kid),
        'the JWKS holds the key of the token',
      );
      const merchants = await fetch(m.authentication.merchantDiscovery.endpoint, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(merchants.status, 200);
      assert.deepEqual(((await merchants.json()) as { merchantId: string }[]).map((x) => x.merchantId).sort(), ['m1', 'm2']);
      const openapi = await fetch(m.documentation.openApiUrl);
      assert.equal(openapi.status, 200);
      assert.match(((await openapi.json()) as { openapi: string }).openapi, /^3\./);
      assert.equal(m.capabilities.customer.endpoint, server.url, 'the endpoint is this server');
    });

    it('keeps the appId across a restart', async () => {
      const first = (await manifestOf(server)).appId;
      await server.restart();
      assert.equal((await manifestOf(server)).appId, first);
    });

    it('does not copy a hostile Host header into the manifest', async () => {
      for (const host of ['evil.com/<script>', 'evil.com"><script>alert(1)</script>', 'evil.com\\@x']) {
        const res = await rawRequest(server.url, { method: 'GET', path: WELL_KNOWN, headers: { host } });
        assert.ok(res.status === 200 || res.status === 400, `${host}: ${res.status}`);
        assert.ok(!res.text.includes(host), `${host} appears verbatim: ${res.text.slice(0, 300)}`);
        assert.ok(!res.text.includes('<script>'), `${host}: ${res.text.slice(0, 300)}`);
        if (res.status === 200) {
          for (const url of [res.json.capabilities.customer.endpoint, res.json.authentication.tokenUrl]) {
            assert.doesNotThrow(() => new URL(url), url);
            assert.match(new URL(url).pathname, /^\/[\w./-]*$/, `${host}: ${url}`);
          }
        }
      }
    });
  });

  describe(`discovery and signing modes (${kind.name})`, () => {
    const required = useServer(kind, { withAuth: { signatureMode: 'required' } });
    const off = useServer(kind, { withAuth: { signatureMode: 'off' } });

    it('says messageSigning.required when signatures are required, and supported false when off', async () => {
      const r = (await manifestOf(required)).authentication.messageSigning;
      assert.equal(r.supported, true);
      assert.equal(r.required, true);
      const o = (await manifestOf(off)).authentication.messageSigning;
      assert.equal(o.supported, false);
      assert.equal(o.required, false);
      assert.deepEqual(o.operations, []);
    });
  });

  describe(`discovery behind a public URL (${kind.name})`, () => {
    const server = useServer(kind, { publicUrl: 'https://crm.example.com', basePath: '/v2', withAuth: {} });
    let token: string;
    before(async () => {
      token = await freshToken(server);
    });

    it('uses the public URL for every absolute URL, whatever the Host header', async () => {
      for (const headers of [{}, { host: 'internal.local:8080' }] as Record<string, string>[]) {
        const res = await rawRequest(server.url, { method: 'GET', path: WELL_KNOWN, headers });
        const m = JSON.parse(res.text);
        assert.equal(m.capabilities.customer.endpoint, 'https://crm.example.com/v2');
        assert.equal(m.authentication.tokenUrl, 'https://crm.example.com/oauth/token');
        assert.equal(m.authentication.jwksUrl, 'https://crm.example.com/.well-known/jwks.json');
        assert.equal(m.authentication.merchantDiscovery.endpoint, 'https://crm.example.com/v2/merchants');
        assert.ok(!res.text.includes('internal.local'));
      }
      // The same paths, on this server, answer.
      const local = (url: string) => server.url + new URL(url).pathname;
      const m = await manifestOf(server);
      assert.equal((await fetch(local(m.authentication.merchantDiscovery.endpoint), { headers: { authorization: `Bearer ${token}` } })).status, 200);
      assert.equal((await fetch(`${local(m.capabilities.customer.endpoint)}/customers`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
      assert.equal((await fetch(local(m.authentication.jwksUrl))).status, 200);
    });
  });

  describe(`discovery without authentication (${kind.name})`, () => {
    const server = useServer(kind);

    it('says authentication is not required', async () => {
      const res = await server.request('GET', WELL_KNOWN);
      assert.equal(res.status, 200);
      assert.equal(res.json.authentication.required, false);
      assert.equal(res.json.authentication.tokenUrl, undefined);
      assert.equal(res.json.capabilities.customer.supported, true);
    });

    // Without credentials the server accepts no grant type, and says so: the reference schema's
    // minItems: 1 on supportedGrantTypes cannot be met without declaring what the server does
    // not do, so this embedded-only mode is deliberately outside it. `odc serve` always has auth.
    it('declares no grant type rather than one it does not accept', { skip: !hasReference && 'no ../shared/reference' }, async () => {
      const m = await manifestOf(server);
      assert.deepEqual(m.authentication.supportedGrantTypes, []);
      assert.equal(validateManifest(m), false);
      assert.ok(
        validateManifest.errors?.every((e) => e.instancePath.startsWith('/authentication/')),
        JSON.stringify(validateManifest.errors),
      );
    });
  });
}
