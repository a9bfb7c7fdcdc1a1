/**
 * Hostile peers (issue 13, classes 2, 3, 4 and the outbound parts of 8): a peer on loopback
 * answers 2 GiB bodies, gzip bombs, endless drips, redirects to other hosts and Link headers
 * pointing elsewhere. The client, token requests, push's discovery, the conformance kit and
 * the shared Link parser must end with a clear error, read little, and never hand a secret or
 * a token to an origin nobody named. docs/hostile-input.md, "Hostile peers", lists the answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { TokenService } from '../src/auth/token-service.js';
import { declaredLimits } from '../src/cli/push-command.js';
import { OdcClient } from '../src/client/odc-client.js';
import { parseLinkHeader, linkTarget } from '../src/client/link-header.js';
import { clampPeerLimit } from '../src/client/peer-limits.js';
import { RunContext } from '../src/conformance/context.js';
import { HttpTarget } from '../src/conformance/http-target.js';
import { runConformance, secretTokenUrl } from '../src/conformance/runner.js';
import { version } from '../src/version.js';
import { GB, hostilePeer, sendHuge, type HostilePeer } from './support/hostile-peer.js';

const MB = 1024 * 1024;
const customer = (value: string) => ({ id: `c-${value}`, identifier: { type: 'custom', value }, updatedAt: '2026-06-01T12:00:00.000000Z' });
const json = (res: import('node:http').ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const token = (res: import('node:http').ServerResponse) => json(res, 200, { access_token: 'the-token', token_type: 'Bearer', expires_in: 3600 });

describe('hostile peers: bounded reads', () => {
  let peer: HostilePeer;
  before(async () => {
    peer = await hostilePeer();
  });
  after(() => peer.close());

  it('cuts a 2 GiB list page at the page cap with an error naming the URL and the cap', { timeout: 60_000 }, async () => {
    peer.hugeBytesSent = 0;
    peer.handle((_req, res) => sendHuge(res, { bytes: 2 * GB, peer, headers: { 'x-total-count': '1' } }));
    const rssBefore = process.memoryUsage().rss;
    const odc = new OdcClient({ baseUrl: peer.url, token: 't', retry: { attempts: 1 } });
    await assert.rejects(odc.listCustomers(), (e: Error) => {
      assert.match(e.message, /larger than 16777216 bytes/);
      assert.ok(e.message.includes(`${peer.url}/customers`), e.message);
      return true;
    });
    assert.ok(peer.hugeBytesSent < 64 * MB, `read stopped early (${Math.round(peer.hugeBytesSent / MB)} MiB generated)`);
    assert.ok(process.memoryUsage().rss - rssBefore < 200 * MB, 'memory did not grow with the body');
  });

  it('cuts a gzip bomb by its decompressed size', { timeout: 60_000 }, async () => {
    peer.hugeBytesSent = 0;
    peer.handle((_req, res) => sendHuge(res, { bytes: 2 * GB, gzip: true, peer }));
    const odc = new OdcClient({ baseUrl: peer.url, token: 't', retry: { attempts: 1 } });
    await assert.rejects(odc.listLeads(), /larger than 16777216 bytes/);
    // Compressed zeros fill the socket buffers with far more than the cap before the cut is seen.
    assert.ok(peer.hugeBytesSent < 512 * MB, `decompression stopped early (${Math.round(peer.hugeBytesSent / MB)} MiB generated)`);
  });

  it('cuts a 2 GiB discovery document and a 2 GiB token response at small caps', { timeout: 60_000 }, async () => {
    peer.handle((_req, res) => sendHuge(res, { bytes: 2 * GB, jsonArray: false }));
    await assert.rejects(new OdcClient({ baseUrl: peer.url }).discovery(), /larger than 1048576 bytes/);
    const odc = new OdcClient({ baseUrl: peer.url, credentials: { clientId: 'c', clientSecret: 's' }, retry: { attempts: 1 } });
    await assert.rejects(odc.listCustomers(), /oauth\/token is larger than 65536 bytes/);
  });

  it('times out an answer that never ends, naming the URL', { timeout: 30_000 }, async () => {
    peer.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const odc = new OdcClient({ baseUrl: peer.url, token: 't', timeoutMs: 400, retry: { attempts: 1 } });
    await assert.rejects(odc.listOrders(), /\/orders did not answer in full within 400 ms/);
  });

  it("gives up on push's discovery request when it hangs, and uses the fallback limits", { timeout: 30_000 }, async () => {
    peer.handle((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).write('{'));
    const warnings: string[] = [];
    const limits = await declaredLimits(new OdcClient({ baseUrl: peer.url, token: 't', timeoutMs: 300 }), undefined, (line) => warnings.push(line));
    assert.equal(limits.maxBatch, 1000);
    assert.match(warnings.join('\n'), /discovery unavailable .*did not answer in full/);
  });

  it("cuts an external identity provider's 2 GiB JWKS at 1 MiB, and refuses the token", { timeout: 60_000 }, async () => {
    peer.hugeBytesSent = 0;
    peer.requests.length = 0;
    peer.handle((_req, res) => sendHuge(res, { bytes: 2 * GB, jsonArray: false, peer }));
    const external = { jwksUrl: `${peer.url}/jwks`, issuer: 'https://idp.example.test', audience: 'odc-api' };
    const tokens = new TokenService({} as never, {} as never, { issuer: 'odc', audience: 'odc-api', ttlSeconds: 60, external });
    const { privateKey } = await generateKeyPair('ES256');
    const jwt = await new SignJWT({ scope: 'od.crm' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(external.issuer)
      .setAudience(external.audience)
      .setExpirationTime('5m')
      .sign(privateKey);
    await assert.rejects(tokens.verify(jwt));
    assert.ok(peer.hugeBytesSent < 64 * MB, `${Math.round(peer.hugeBytesSent / MB)} MiB generated`);
    assert.equal(peer.requests[0]?.headers['user-agent'], `odc/${version}`);
  });

  it('says who it is: User-Agent odc/<version> on discovery, token and list requests', async () => {
    peer.requests.length = 0;
    peer.handle((req, res) => (req.url === '/oauth/token' ? token(res) : json(res, 200, req.url?.startsWith('/.well-known') ? {} : [])));
    const odc = new OdcClient({ baseUrl: peer.url, credentials: { clientId: 'c', clientSecret: 's' } });
    await odc.discovery();
    await odc.listCustomers();
    assert.deepEqual(
      peer.requests.map((r) => r.headers['user-agent']),
      [`odc/${version}`, `odc/${version}`, `odc/${version}`],
    );
  });
});

describe('hostile peers: credentials stay on their origin', () => {
  let origin: HostilePeer;
  let elsewhere: HostilePeer;
  before(async () => {
    origin = await hostilePeer();
    elsewhere = await hostilePeer((req, res) => (req.url === '/oauth/token' ? token(res) : json(res, 200, [customer('elsewhere')])));
  });
  after(async () => {
    await origin.close();
    await elsewhere.close();
  });
  const reset = () => {
    origin.requests.length = 0;
    elsewhere.requests.length = 0;
  };

  it('never follows a 307 on the token request (the secret is not re-posted)', async () => {
    reset();
    origin.handle((req, res) => (req.url === '/oauth/token' ? res.writeHead(307, { location: `${elsewhere.url}/oauth/token` }).end() : json(res, 200, [])));
    const odc = new OdcClient({ baseUrl: origin.url, credentials: { clientId: 'c', clientSecret: 'the-secret' }, retry: { attempts: 1 } });
    await assert.rejects(odc.listCustomers(), /answered a redirect \(307\) .*does not follow redirects/);
    assert.equal(elsewhere.requests.length, 0, 'the other host never saw the secret');
  });

  it('refuses a list redirect to another origin, and follows one on the same origin', async () => {
    reset();
    origin.handle((req, res) => {
      if (req.url?.startsWith('/customers')) return void res.writeHead(302, { location: `${elsewhere.url}/customers` }).end();
      if (req.url?.startsWith('/leads')) return void res.writeHead(301, { location: '/v2/leads' }).end();
      json(res, 200, [{ id: 'lead-1' }]);
    });
    const odc = new OdcClient({ baseUrl: origin.url, token: 'the-token', retry: { attempts: 1 } });
    await assert.rejects(odc.listCustomers(), /redirects \(302\) to another origin/);
    assert.equal(elsewhere.requests.length, 0, 'the token did not follow the redirect');
    assert.deepEqual((await odc.listLeads()).items, [{ id: 'lead-1' }]);
  });

  it('refuses a Link rel="next" to another origin instead of sending the token there', async () => {
    reset();
    origin.handle((_req, res) => json(res, 200, [customer('a')], { link: `<${elsewhere.url}/customers?cursor=x>; rel="next"`, 'x-total-count': '2' }));
    const odc = new OdcClient({ baseUrl: origin.url, token: 'the-token', retry: { attempts: 1 } });
    const walk = async () => {
      for await (const _ of odc.iterateCustomers());
    };
    await assert.rejects(walk(), /Link rel="next".* points to another origin/);
    assert.equal(elsewhere.requests.length, 0);
  });

  it('reads rel="prev next" and upper-case REL/NEXT as a next link', async () => {
    origin.handle((req, res) =>
      json(res, 200, [customer(req.url ?? '')], req.url?.includes('cursor') ? {} : { link: '</customers?cursor=2>; REL="prev NEXT"', 'x-total-count': '2' }),
    );
    const odc = new OdcClient({ baseUrl: origin.url, token: 't' });
    const page = await odc.listCustomers();
    assert.equal(page.next, `${origin.url}/customers?cursor=2`);
  });

  it('renews a refused token once, then gives up (no nested retry loops)', { timeout: 30_000 }, async () => {
    reset();
    origin.handle((req, res) => (req.url === '/oauth/token' ? token(res) : json(res, 401, { code: 'UNAUTHORIZED', message: 'no' })));
    const odc = new OdcClient({ baseUrl: origin.url, credentials: { clientId: 'c', clientSecret: 's' }, retry: { attempts: 3, baseDelayMs: 1 } });
    await assert.rejects(odc.listCustomers(), /401 UNAUTHORIZED/);
    assert.equal(origin.requests.filter((r) => r.url === '/oauth/token').length, 2, 'one token, one renewal');
    assert.equal(origin.requests.filter((r) => r.url.startsWith('/customers')).length, 2);
  });

  it("conformance: never sends the client secret to a discovery's tokenUrl on another origin", async () => {
    reset();
    origin.handle((req, res) =>
      req.url?.startsWith('/.well-known') ? json(res, 200, { authentication: { tokenUrl: `${elsewhere.url}/oauth/token` } }) : json(res, 200, []),
    );
    await assert.rejects(
      runConformance({ baseUrl: origin.url, clientId: 'c', clientSecret: 'the-secret', only: ['customers'] }),
      /token endpoint on another origin .*--token-url/,
    );
    assert.equal(elsewhere.requests.length, 0, 'the secret did not leave the target origin');
  });

  it('conformance: a token URL named explicitly is used; plain http only to loopback', () => {
    assert.equal(secretTokenUrl({ baseUrl: origin.url, tokenUrl: `${elsewhere.url}/oauth/token` }, undefined), `${elsewhere.url}/oauth/token`);
    assert.equal(secretTokenUrl({ baseUrl: origin.url }, { authentication: { tokenUrl: '/auth/token' } }), `${origin.url}/auth/token`);
    assert.throws(() => secretTokenUrl({ baseUrl: 'http://crm.example.com/v2' }, undefined), /not https; .*only to loopback/);
    assert.equal(secretTokenUrl({ baseUrl: 'https://crm.example.com/v2' }, undefined), 'https://crm.example.com/oauth/token');
  });

  it('conformance: a list walk refuses a next link to another origin (no Bearer sent there)', async () => {
    reset();
    origin.handle((_req, res) => json(res, 200, [{ id: 'e1' }], { link: `<${elsewhere.url}/customer/events?cursor=x>; rel="next"` }));
    const target = new HttpTarget({ baseUrl: origin.url, tokens: { token: async () => 'the-token', invalidate: () => undefined } });
    const ctx = new RunContext(target, 'run', { url: '', exchange: undefined as never, manifest: undefined }, new Set());
    await assert.rejects(ctx.walk('listCustomerEvents', { pageSize: 1 }), /points to another origin/);
    assert.equal(elsewhere.requests.length, 0);
  });

  it('conformance: a 2 GiB discovery document ends the run with a clear error', { timeout: 60_000 }, async () => {
    origin.handle((_req, res) => sendHuge(res, { bytes: 2 * GB, jsonArray: false }));
    await assert.rejects(runConformance({ baseUrl: origin.url, token: 't' }), /cannot reach .*larger than 16777216 bytes/);
  });
});

describe('hostile peers: declared limits are clamped', () => {
  it('holds batch size, rate, page size and payload to sane bounds', () => {
    assert.equal(clampPeerLimit('batchSize', 1e9), 1000);
    assert.equal(clampPeerLimit('batchSize', 0.5), 1);
    assert.equal(clampPeerLimit('requestsPerSecond', 1e-6), 0.1);
    assert.equal(clampPeerLimit('requestsPerSecond', 1e9), 10_000);
    assert.equal(clampPeerLimit('pageSize', 10_000), 500);
    assert.equal(clampPeerLimit('batchSize', -3), undefined);
    assert.equal(clampPeerLimit('batchSize', 'lots'), undefined);
    assert.equal(clampPeerLimit('requestsPerSecond', Number.POSITIVE_INFINITY), undefined);
  });

  it("push plans by the clamped limits of a hostile peer's discovery", async () => {
    const peer = await hostilePeer((_req, res) =>
      json(res, 200, { capabilities: { customer: { maxBatchSize: 1e9, requestsPerSecond: 1e-6, maxPayloadSizeKb: 1e12 } } }),
    );
    try {
      const limits = await declaredLimits(new OdcClient({ baseUrl: peer.url, token: 't' }));
      assert.deepEqual(limits, { maxBatch: 1000, maxBytes: 16 * MB, requestsPerSecond: 0.1 });
    } finally {
      await peer.close();
    }
  });
});

describe('one Link parser', () => {
  it('reads several links, quoted commas and semicolons, any case, relation lists', () => {
    const header = '<https://a.example/x?cursor=1>; rel="prev"; title="a, b; c", </y?cursor=2>; REL="first Next"; type=text/plain, <z>;rel=last';
    const links = parseLinkHeader(header);
    assert.deepEqual(
      links.map((l) => [l.target, l.rels]),
      [
        ['https://a.example/x?cursor=1', ['prev']],
        ['/y?cursor=2', ['first', 'next']],
        ['z', ['last']],
      ],
    );
    assert.equal(links[0].params.title, 'a, b; c');
    assert.equal(linkTarget(header, 'next', 'https://b.example/base/'), 'https://b.example/y?cursor=2');
    assert.equal(linkTarget(header, 'nope'), undefined);
    assert.deepEqual(parseLinkHeader('garbage, <ok>; rel=next'), [{ target: 'ok', rels: ['next'], params: { rel: 'next' } }]);
  });
});
