/**
 * Lead: a prospect in customer context (seed, "Example: Lead").
 *
 * No field is required. `contact` is a string in the seed's example and a ContactPoint
 * object in the later committee draft; both are accepted (docs/contract.md §3).
 */
import { Type, type Static } from '@sinclair/typebox';
import { CustomerExternalId } from './customer.js';
import { MAX_EXTERNAL_IDS } from './limits.js';
import { DateTime, Key, NonEmptyString } from './schema-helpers.js';

export const LeadContactPoint = Type.Object(
  {
    type: Type.Optional(Type.String({ description: 'phone, email or other.' })),
    value: NonEmptyString(),
  },
  { title: 'LeadContactPoint', description: 'Contact as an object (committee draft form).' },
);

export const Lead = Type.Object(
  {
    id: Type.Optional(Key({ description: 'Lead key; assigned from the content when absent, so a retried batch never duplicates.' })),
    name: Type.Optional(Type.String()),
    contact: Type.Optional(Type.Union([Type.String(), LeadContactPoint], { description: 'A string (seed) or a contact object (committee draft).' })),
    externalIds: Type.Optional(Type.Array(CustomerExternalId, { maxItems: MAX_EXTERNAL_IDS })),
    source: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Object({}, { additionalProperties: true })),
    createdAt: Type.Optional(DateTime()),
    updatedAt: Type.Optional(DateTime({ readOnly: true, description: 'Time this server last changed the record (ignored on input).' })),
  },
  { title: 'Lead', description: 'Lead entity in customer context.' },
);

export type Lead = Static<typeof Lead>;
