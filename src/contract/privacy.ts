/**
 * Wire shapes of the privacy operations (docs/contract.md §14): the export document, the
 * erasure receipt and audit entries, as TypeBox schemas from which the OpenAPI paths come.
 */
import { Type, type Static } from '@sinclair/typebox';

const Json = Type.Unknown();

export const AuditEntry = Type.Object(
  {
    seq: Type.Integer({ minimum: 1, description: 'Counts from 1 per merchant, without gaps.' }),
    at: Type.String({ format: 'date-time' }),
    actor: Type.String({ description: 'Client id, `admin` or `cli`.' }),
    requestId: Type.Union([Type.String(), Type.Null()]),
    action: Type.String({ description: 'privacy.export or privacy.erase.' }),
    subject: Type.Union([Type.String(), Type.Null()], { description: 'Keyed hash naming the person (never an identifier).' }),
    details: Json,
    prevHash: Type.String({ description: "The previous entry's hash (64 zeros for the first)." }),
    hash: Type.String({ description: 'SHA-256 over [prevHash, seq, at, actor, requestId, action, subject, details] as JSON.' }),
  },
  { title: 'PrivacyAuditEntry', description: 'One entry of the hash-chained audit trail (docs/contract.md §14.7).' },
);

export const ConsentChange = Type.Object({
  status: Type.Union([Type.Literal('opted_in'), Type.Literal('opted_out')]),
  occurredAt: Type.String(),
  eventId: Type.String(),
  source: Type.Object({ kind: Type.Literal('event'), eventType: Type.String(), eventId: Type.String() }),
});

const Delivery = Type.Object({
  id: Type.Integer(),
  subscriptionId: Type.String(),
  eventId: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  createdAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
  body: Json,
});

export const PrivacyExport = Type.Object(
  {
    format: Type.Literal('odc.privacy-export/1'),
    merchantId: Type.String(),
    exportedAt: Type.String({ format: 'date-time' }),
    customer: Json,
    identities: Type.Array(Type.Object({ type: Type.String(), value: Type.String() })),
    leads: Type.Array(Json),
    orders: Type.Array(Json),
    reviews: Type.Array(Json),
    events: Type.Array(Json),
    consent: Type.Object({
      current: Type.Union([ConsentChange, Type.Null()]),
      history: Type.Array(ConsentChange),
      lists: Type.Array(
        Type.Object(
          { at: Type.String({ format: 'date-time' }), source: Type.Literal('customer.consents'), consents: Json },
          { description: 'The consent list after each change (rc.2 consents[]).' },
        ),
      ),
    }),
    webhookDeliveries: Type.Array(Delivery),
    loyalty: Type.Object(
      {
        accounts: Type.Array(Json, { description: 'rc.2 LoyaltyAccount.' }),
        transactions: Type.Array(Json, { description: 'rc.2 LoyaltyTransaction, in ledger order.' }),
        pendingPoints: Type.Array(Type.Object({ accountId: Type.String(), orderId: Type.String(), points: Type.Integer({ minimum: 0 }) })),
        coupons: Type.Array(Json, { description: 'rc.2 LoyaltyCoupon.' }),
        webhookDeliveries: Type.Array(Delivery, { description: 'Deliveries of loyaltyEvent envelopes naming the person.' }),
      },
      { description: 'The loyalty ledger held under the customer id (docs/contract.md §14.3, §15).' },
    ),
    audit: Type.Array(AuditEntry),
  },
  { title: 'PrivacyExport', description: 'Everything held on one person for one merchant (docs/contract.md §14.3).' },
);

const counts = <K extends string>(keys: readonly K[]) =>
  Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Integer({ minimum: 0 })])) as Record<K, ReturnType<typeof Type.Integer>>);

export const ErasureReceipt = Type.Object(
  {
    erasedAt: Type.String({ format: 'date-time' }),
    subject: Type.String({ description: 'Keyed hash the audit trail names the person by.' }),
    removed: counts([
      'customers',
      'leads',
      'orders',
      'events',
      'webhookDeliveries',
      'loyaltyAccounts',
      'loyaltyTransactions',
      'loyaltyPendingOrders',
      'loyaltyCoupons',
      'loyaltyWebhookDeliveries',
    ] as const),
    anonymized: counts(['reviews'] as const),
    auditSeq: Type.Integer({ minimum: 1 }),
  },
  { title: 'ErasureReceipt', description: 'What an erasure removed and anonymized (docs/contract.md §14.4).' },
);

export type ErasureReceipt = Static<typeof ErasureReceipt>;
