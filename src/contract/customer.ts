/**
 * Customer and its eleven component schemas (seed, "Schema Baseline").
 *
 * The seed names the schemas but not every field inside the optional blocks; where it is
 * silent we follow its enriched example (`contacts.emails[].email`, `externalIds[]` with
 * `source`/`sourceName`/`key`/`value`, `metadata.restrictions/customRules/customTags`).
 * Only `identifier` is required (seed, "Customer Normative Rules"); every other field is
 * optional, may be `null` on a re-send to clear it, and unknown fields are accepted and kept
 * (docs/contract.md §3).
 */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_ADDRESSES, MAX_CONTACTS_PER_LIST, MAX_EXTERNAL_IDS, MAX_KEY_LENGTH } from './limits.js';
import { Clearable, DateTime, Key, StringEnum } from './schema-helpers.js';

export const identifierTypes = ['document', 'phone', 'email', 'external_id', 'custom'] as const;
export type IdentifierType = (typeof identifierTypes)[number];

export const CustomerIdentifier = Type.Object(
  {
    type: StringEnum(identifierTypes, { description: 'Canonical identifier type.' }),
    value: Key({ description: 'Canonical identifier value; compared in normalized form.' }),
  },
  { title: 'CustomerIdentifier', description: 'Canonical identifier (type, value): the key for deduplication.' },
);

export const CustomerDocument = Type.Object(
  {
    type: Clearable(Type.String({ description: 'Document kind, e.g. CPF or CNPJ.' })),
    value: Clearable(Type.String({ description: 'Document number.' })),
  },
  { title: 'CustomerDocument', description: 'Optional customer document block.' },
);

export const CustomerPhone = Type.Object(
  {
    number: Key({ description: 'Phone number; lists are keyed by its digits.' }),
    type: Clearable(Type.String({ description: 'Free label such as mobile or home.' })),
    isPrimary: Clearable(Type.Boolean()),
  },
  { title: 'CustomerPhone', description: 'Optional phone entry.' },
);

export const CustomerEmail = Type.Object(
  {
    email: Key({ description: 'E-mail address; lists are keyed by its trimmed, lower-cased form.' }),
    isPrimary: Clearable(Type.Boolean()),
  },
  { title: 'CustomerEmail', description: 'Optional email entry.' },
);

export const CustomerContacts = Type.Object(
  {
    phones: Clearable(Type.Array(CustomerPhone, { maxItems: MAX_CONTACTS_PER_LIST })),
    emails: Clearable(Type.Array(CustomerEmail, { maxItems: MAX_CONTACTS_PER_LIST })),
  },
  { title: 'CustomerContacts', description: 'Optional phone/email collections, merged as unions on re-send.' },
);

export const CustomerDemographics = Type.Object(
  {
    birthDate: Clearable(Type.String({ format: 'date', description: 'YYYY-MM-DD.' })),
    gender: Clearable(Type.String()),
  },
  { title: 'CustomerDemographics', description: 'Optional demographic data.' },
);

export const GeoCoordinates = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { title: 'GeoCoordinates', description: 'Optional geographic coordinates (WGS 84 degrees).' },
);

export const CustomerAddress = Type.Object(
  {
    type: Clearable(Type.String({ description: 'Free label such as home or work.' })),
    street: Clearable(Type.String()),
    number: Clearable(Type.String()),
    complement: Clearable(Type.String()),
    neighborhood: Clearable(Type.String()),
    city: Clearable(Type.String()),
    state: Clearable(Type.String()),
    postalCode: Clearable(Type.String()),
    country: Clearable(Type.String()),
    coordinates: Clearable(GeoCoordinates),
  },
  { title: 'CustomerAddress', description: 'Optional customer address entry.' },
);

export const CustomerExternalId = Type.Object(
  {
    source: Key({ description: 'System the id comes from, e.g. PDV.' }),
    sourceName: Clearable(Type.String()),
    key: Type.Optional(Type.String({ maxLength: MAX_KEY_LENGTH, description: 'Kind of id within the source; with source, the merge key.' })),
    value: Key(),
  },
  { title: 'CustomerExternalId', description: 'Optional cross-system identifier.' },
);

export const CustomerMetadata = Type.Object(
  {
    restrictions: Clearable(Type.Array(Type.String())),
    customRules: Clearable(Type.Object({})),
    customTags: Clearable(Type.Array(Type.String())),
  },
  {
    title: 'CustomerMetadata',
    additionalProperties: true,
    description: 'Optional extensible metadata (restrictions, blocks, custom rules).',
  },
);

export const consentStatuses = ['opted_in', 'opted_out'] as const;

export const Customer = Type.Object(
  {
    id: Type.Optional(Key({ description: 'Stable id: the one first sent, else assigned by the server.' })),
    identifier: CustomerIdentifier,
    name: Clearable(Type.String()),
    document: Clearable(CustomerDocument),
    contacts: Clearable(CustomerContacts),
    demographics: Clearable(CustomerDemographics),
    addresses: Clearable(Type.Array(CustomerAddress, { maxItems: MAX_ADDRESSES })),
    externalIds: Clearable(Type.Array(CustomerExternalId, { maxItems: MAX_EXTERNAL_IDS })),
    metadata: Clearable(CustomerMetadata),
    createdAt: Clearable(DateTime({ description: 'Creation time at the origin; the server sets its own when absent.' })),
    updatedAt: Type.Optional(DateTime({ readOnly: true, description: 'Time this server last changed the record (ignored on input).' })),
    consent: Type.Optional(
      Type.Object(
        {
          status: StringEnum(consentStatuses),
          occurredAt: DateTime(),
          eventId: Type.String(),
        },
        { readOnly: true, description: 'Consent state kept by the server from opt-in/opt-out events (ignored on input).' },
      ),
    ),
  },
  { title: 'Customer', description: 'Core customer entity; only identifier is required.' },
);

export type Customer = Static<typeof Customer>;
export type CustomerIdentifier = Static<typeof CustomerIdentifier>;
export type CustomerExternalId = Static<typeof CustomerExternalId>;
