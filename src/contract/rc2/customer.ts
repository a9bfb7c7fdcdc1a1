/**
 * The rc.2 Customer and its parts (committee 2.0.0-rc.2, components.schemas), with the
 * committee's names. Only `identifier` is required. docs/bindings.md maps each field onto the
 * seed's Customer.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../schema-helpers.js';
import { ContactPoint, DateTime, ExternalIdentifier, Identifier, Key, ListResponse, OpenObject, UpsertRequest } from './common.js';

export const consentStatuses = ['opt_in', 'opt_out', 'legal_consent', 'revoked'] as const;

export const Consent = Type.Object(
  {
    purpose: Type.Optional(Type.String({ description: 'Purpose, e.g. marketing, transactional, analytics.' })),
    channel: Type.Optional(Type.String({ description: 'Channel, e.g. email, sms, push.' })),
    status: Type.Optional(StringEnum(consentStatuses, { description: 'Current consent status.' })),
    source: Type.Optional(Type.String({ description: 'Origin of the record, e.g. checkout, app, pdv.' })),
    grantedAt: Type.Optional(DateTime({ description: 'When the consent was granted.' })),
    revokedAt: Type.Optional(DateTime({ description: 'When the consent was revoked.' })),
  },
  { title: 'Consent', description: 'Consent of the customer for one purpose and channel; kept as sent, as a list.' },
);

export const Address = Type.Object(
  {
    type: Type.Optional(Type.String({ description: 'e.g. home, work, delivery.' })),
    street: Type.Optional(Type.String()),
    number: Type.Optional(Type.String()),
    complement: Type.Optional(Type.String()),
    neighborhood: Type.Optional(Type.String()),
    city: Type.Optional(Type.String()),
    state: Type.Optional(Type.String()),
    postalCode: Type.Optional(Type.String()),
    country: Type.Optional(Type.String({ description: 'ISO 3166-1 alpha-2, e.g. BR.' })),
  },
  { title: 'Address', description: 'Customer address.' },
);

export const Customer = Type.Object(
  {
    id: Type.Optional(Key({ description: 'Stable id: the one first sent, else assigned by the server.' })),
    merchantId: Type.Optional(Key({ description: 'Draft in rc.2: the merchant this record belongs to; kept as sent.' })),
    identifier: Identifier,
    externalIds: Type.Optional(Type.Array(ExternalIdentifier, { maxItems: 100, description: 'Merged as a union keyed by source.' })),
    name: Type.Optional(Type.String()),
    contacts: Type.Optional(Type.Array(ContactPoint, { maxItems: 60, description: 'Merged as a union keyed by type and normalized value.' })),
    birthDate: Type.Optional(Type.String({ format: 'date', description: 'YYYY-MM-DD.' })),
    addresses: Type.Optional(Type.Array(Address, { maxItems: 20 })),
    metadata: Type.Optional(OpenObject('Extensible metadata (restrictions, tags, custom rules).')),
    consents: Type.Optional(Type.Array(Consent, { maxItems: 100, description: 'Consent records; a re-send replaces the list.' })),
    status: Type.Optional(
      Type.String({ description: "Relationship status (the committee's guide: lead, active, inactive; no schema declares it); kept as sent." }),
    ),
    createdAt: Type.Optional(DateTime({ description: 'Creation time at the origin; the server sets its own when absent.' })),
    updatedAt: Type.Optional(DateTime({ readOnly: true, description: 'Time this server last changed the record (ignored on input).' })),
  },
  { title: 'Customer', description: 'Central entity of Customer; only identifier is required.' },
);

export const CustomerUpsertRequest = UpsertRequest('CustomerUpsertRequest', Customer, 'Customers');
export const CustomerListResponse = ListResponse('CustomerListResponse', Customer, 'Customers');

export type Rc2Customer = Static<typeof Customer>;
export type Rc2Consent = Static<typeof Consent>;
