/**
 * CustomerEvent: a customer-focused fact (seed, "Example: CustomerEvent").
 *
 * `eventType` is an open string: the seed's example (`ORDER_COMPLETED`), the guide's
 * (`customer.opted_out`) and the committee's enum disagree, and events are facts to record,
 * not commands to refuse. `id` or `eventId` make it idempotent; without them the server
 * derives a key from its content (docs/contract.md §5).
 */
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Key, KeyRef } from './schema-helpers.js';

export const CustomerEvent = Type.Object(
  {
    id: Type.Optional(Key({ description: 'Idempotency key; derived from the content when absent.' })),
    eventId: Type.Optional(Key({ description: 'Accepted as the idempotency key when id is absent.' })),
    eventType: Key({ description: 'Compared case-insensitively, with "." and "_" alike.' }),
    occurredAt: DateTime(),
    customerId: Type.Optional(KeyRef()),
    data: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { title: 'CustomerEvent', description: 'Customer-focused event webhook payload.' },
);

export type CustomerEvent = Static<typeof CustomerEvent>;
