/**
 * Signed inbound events ("Webhook Signing", authentication.openapi.yaml): where the target declares
 * `authentication.messageSigning` for publishCustomerEvent, a request signed with the
 * client's secret (`X-App-Signature`: hex HMAC-SHA256 of the raw body, with `X-App-Id` and
 * `X-App-MerchantId`) is accepted, and an unsigned, wrongly signed or altered one is refused
 * with 401 and stored nowhere. Needs the client's signing secret (`--signing-secret`) except
 * for the unsigned case when signing is required.
 */
import { signBody } from '../../contract/auth.js';
import type { Check } from '../check.js';
import { fail, skip } from '../check.js';
import type { RunContext } from '../context.js';
import { at, describeStatus, expectStatus } from '../expect.js';
import type { Exchange } from '../http-target.js';

const rule =
  '"Every webhook request MUST carry X-App-Id, X-App-MerchantId, and X-App-Signature headers. Receivers MUST verify the signature on every incoming webhook." (authentication.openapi.yaml, Webhook signing; declared in discovery authentication.messageSigning)';

function signing(ctx: RunContext): { required: boolean } {
  const declared = ctx.authentication?.messageSigning;
  if (declared?.supported !== true) skip('the target declares no message signing (authentication.messageSigning.supported)');
  if (Array.isArray(declared.operations) && !declared.operations.includes('publishCustomerEvent'))
    skip('the target does not declare signing for publishCustomerEvent');
  return { required: declared.required === true };
}

function needSecret(ctx: RunContext): void {
  if (!ctx.target.signing) skip('no signing identity: give --signing-secret, --merchant and --client-id (or --app-id)');
}

/** The three signing headers of the run's identity, with the signature `sign` makes from the secret. */
function signatureHeaders(ctx: RunContext, sign: (secret: string) => string): Record<string, string> {
  signing(ctx);
  needSecret(ctx);
  const identity = ctx.target.signing!;
  return { 'x-app-id': identity.appId, 'x-app-merchantid': identity.merchantId, 'x-app-signature': sign(identity.secret) };
}

/** Sends an event as raw bytes with the given signature headers (or none) and expects 401, nothing stored. */
async function refusedAndNotStored(
  ctx: RunContext,
  name: string,
  headers: Record<string, string>,
  what: string,
  tamper?: (body: string) => string,
): Promise<void> {
  const customerId = ctx.payloads.key(`sig-${name}`);
  const body = JSON.stringify(ctx.payloads.event(`sig-${name}`, customerId));
  const sent = tamper ? tamper(body) : body;
  const exchange: Exchange = await ctx.call('publishCustomerEvent', { rawBody: sent, headers });
  if (exchange.status !== 401) fail(`${what} is not refused`, '401', describeStatus(exchange), exchange);
  if (ctx.declared.has('listCustomerEvents')) {
    const list = await ctx.call('listCustomerEvents', { query: { customerId } });
    if (Array.isArray(list.json) && list.json.some((e) => at(e, 'customerId') === customerId))
      fail(`${what} was refused but stored`, 'no event', 'the event is listed', list);
  }
}

export const webhookChecks: Check[] = [
  {
    id: 'webhooks.signature.valid-accepted',
    level: 'MUST',
    operation: 'publishCustomerEvent',
    rule,
    async run(ctx) {
      signing(ctx);
      needSecret(ctx);
      const body = ctx.payloads.event('sig-valid', ctx.payloads.key('sig-valid'));
      expectStatus(await ctx.call('publishCustomerEvent', { body, sign: true }), 202, 'a correctly signed event');
    },
  },
  {
    id: 'webhooks.signature.unsigned-refused',
    level: 'MUST',
    operation: 'publishCustomerEvent',
    rule,
    async run(ctx) {
      const { required } = signing(ctx);
      if (!required) needSecret(ctx);
      await refusedAndNotStored(ctx, 'unsigned', {}, 'an unsigned event from a sender that signs');
    },
  },
  {
    id: 'webhooks.signature.wrong-refused',
    level: 'MUST',
    operation: 'publishCustomerEvent',
    rule,
    async run(ctx) {
      const headers = signatureHeaders(ctx, () => '0'.repeat(64));
      await refusedAndNotStored(ctx, 'wrong', headers, 'an event with a wrong signature');
    },
  },
  {
    id: 'webhooks.signature.altered-body-refused',
    level: 'MUST',
    operation: 'publishCustomerEvent',
    rule,
    async run(ctx) {
      const original = JSON.stringify(ctx.payloads.event('sig-altered', ctx.payloads.key('sig-altered')));
      const headers = signatureHeaders(ctx, (secret) => signBody(original, secret));
      await refusedAndNotStored(ctx, 'altered', headers, 'an event altered after signing', (body) => body.replace('7990', '1'));
    },
  },
];
