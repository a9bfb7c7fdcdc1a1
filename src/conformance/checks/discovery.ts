/**
 * The discovery document (`/.well-known/opendelivery`, discovery.en.md and
 * discovery.openapi.yaml): public, JSON, carrying the required fields, declaring the customer
 * capability over REST, and "MUST NOT declare operations, events, or behaviors the
 * participant cannot execute": every declared operation's own check must have passed.
 */
import { operations } from '../../contract/operations.js';
import type { Check } from '../check.js';
import { fail, skip } from '../check.js';
import type { RunContext } from '../context.js';
import { describeStatus, expectJsonType } from '../expect.js';

const schema = (what: string) => `"required: ${what}" (discovery.openapi.yaml, DiscoveryManifest)`;
const known = new Set<string>(operations.map((op) => op.operationId));

function manifestOf(ctx: RunContext): Record<string, any> {
  if (!ctx.manifest) skip('the target publishes no discovery document (see discovery.public)');
  return ctx.manifest;
}

/** Missing or mistyped fields at dotted paths, as "path (expected type)". */
function missing(value: Record<string, any>, fields: Record<string, 'string' | 'array' | 'object' | 'boolean'>): string[] {
  return Object.entries(fields).flatMap(([path, type]) => {
    const found = path.split('.').reduce<any>((node, key) => node?.[key], value);
    const ok =
      type === 'array'
        ? Array.isArray(found)
        : type === 'object'
          ? typeof found === 'object' && found !== null && !Array.isArray(found)
          : typeof found === type;
    return ok ? [] : [`${path} (${type})`];
  });
}

export const discoveryChecks: Check[] = [
  {
    id: 'discovery.public',
    level: 'MUST',
    rule: '"Endpoint MUST be public — no authentication or credentials required." (discovery.en.md)',
    async run(ctx) {
      const { exchange, url } = ctx.discovery;
      if (exchange.status !== 200) fail(`GET ${url} without credentials did not answer the manifest`, '200', describeStatus(exchange), exchange);
      expectJsonType(exchange, 'the discovery document');
      if (!ctx.manifest) fail('the discovery document is not a JSON object', 'a JSON object', exchange.text.slice(0, 60), exchange);
    },
  },
  {
    id: 'discovery.required-fields',
    level: 'MUST',
    rule: schema(
      'appId, openDelivery (currentVersion, supportedVersions), discovery (version), authentication (supportedGrantTypes, clientIdGeneration), capabilities',
    ),
    async run(ctx) {
      const manifest = manifestOf(ctx);
      const absent = missing(manifest, {
        appId: 'string',
        openDelivery: 'object',
        'openDelivery.currentVersion': 'string',
        'openDelivery.supportedVersions': 'array',
        discovery: 'object',
        'discovery.version': 'string',
        authentication: 'object',
        'authentication.supportedGrantTypes': 'array',
        'authentication.clientIdGeneration': 'array',
        capabilities: 'object',
      });
      if (absent.length > 0) fail('the manifest lacks required fields', 'every required field', `missing: ${absent.join(', ')}`, ctx.discovery.exchange);
    },
  },
  {
    id: 'discovery.customer-capability',
    level: 'MUST',
    rule: '"Participants advertise Customer REST availability through the protocol discovery document, including capability name, transport (rest), and endpoint base URL." (REST binding, Discovery)',
    async run(ctx) {
      const customer = manifestOf(ctx).capabilities?.customer;
      if (typeof customer !== 'object' || customer === null)
        fail('the manifest declares no customer capability', 'capabilities.customer', 'absent', ctx.discovery.exchange);
      const absent = missing(customer, { version: 'string', supported: 'boolean', transport: 'string', endpoint: 'string', supportedOperations: 'array' });
      if (absent.length > 0)
        fail(
          'the customer capability lacks fields',
          'version, supported, transport, endpoint, supportedOperations',
          `missing: ${absent.join(', ')}`,
          ctx.discovery.exchange,
        );
      if (customer.supported !== true) fail('the customer capability is not supported', 'supported: true', String(customer.supported), ctx.discovery.exchange);
      if (customer.transport !== 'rest')
        fail('the customer capability is not over REST', 'transport: "rest"', JSON.stringify(customer.transport), ctx.discovery.exchange);
      if (!/^https?:\/\//.test(customer.endpoint))
        fail('the endpoint is not an absolute URL', 'an absolute http(s) URL', JSON.stringify(customer.endpoint), ctx.discovery.exchange);
    },
  },
  {
    id: 'discovery.operations-known',
    level: 'MUST',
    rule: '"Manifest MUST NOT declare operations, events, or behaviors the participant cannot execute." (discovery.en.md); operations are those of the seed\'s Operations table',
    async run(ctx) {
      const declared: unknown[] = manifestOf(ctx).capabilities?.customer?.supportedOperations ?? [];
      const unknown = declared.filter((name) => !known.has(String(name)));
      if (unknown.length > 0)
        fail(
          'the manifest declares operations the contract does not define',
          'names from the seed (listCustomers, upsertCustomer, ...)',
          unknown.join(', '),
          ctx.discovery.exchange,
        );
    },
  },
  {
    id: 'discovery.gaps-explicit',
    level: 'SHOULD',
    rule: '"unsupportedEvents and unsupportedOperations SHOULD be populated to make gaps explicit." (discovery.en.md)',
    async run(ctx) {
      const customer = manifestOf(ctx).capabilities?.customer ?? {};
      const listed = new Set([...(customer.supportedOperations ?? []), ...(customer.unsupportedOperations ?? [])].map(String));
      const silent = [...known].filter((name) => !listed.has(name));
      if (silent.length > 0)
        fail('operations neither supported nor listed as unsupported', 'all 14 operations in one of the two lists', silent.join(', '), ctx.discovery.exchange);
    },
  },
];

/** Runs last: reads the results of the operation checks of what the manifest declares. */
export const discoveryHonestyCheck: Check = {
  id: 'discovery.declares-only-what-works',
  level: 'MUST',
  rule: '"Manifest MUST NOT declare operations, events, or behaviors the participant cannot execute." (discovery.en.md); "Implement all advertised Customer operations in discovery metadata." (REST binding, Conformance 1)',
  async run(ctx) {
    manifestOf(ctx);
    const broken = [...ctx.declared].filter((op) => ctx.resultOf(`operations.${op}`)?.outcome === 'fail');
    const unchecked = [...ctx.declared].filter((op) => ctx.resultOf(`operations.${op}`) === undefined);
    if (broken.length > 0)
      fail('declared operations do not work', 'every declared operation passes its operations.* check', broken.join(', '), ctx.discovery.exchange);
    if (unchecked.length === ctx.declared.size) skip('no operations.* check ran in this selection');
  },
};
