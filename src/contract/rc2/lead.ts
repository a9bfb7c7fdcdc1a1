/** The rc.2 Lead (committee 2.0.0-rc.2): no field required; `contact` is one ContactPoint. */
import { Type, type Static } from '@sinclair/typebox';
import { ContactPoint, DateTime, Key, ListResponse, OpenObject, UpsertRequest } from './common.js';

export const Lead = Type.Object(
  {
    id: Type.Optional(Key({ description: 'Lead key; derived from the content when absent, so a retried batch never duplicates.' })),
    name: Type.Optional(Type.String()),
    contact: Type.Optional(ContactPoint),
    source: Type.Optional(Type.String({ description: 'e.g. cart_abandoned, menu_view, form.' })),
    metadata: Type.Optional(OpenObject('Extensible metadata.')),
    createdAt: Type.Optional(DateTime({ description: 'Capture time; the server sets its own when absent.' })),
    updatedAt: Type.Optional(DateTime({ readOnly: true, description: 'Time this server last changed the record (ignored on input).' })),
  },
  { title: 'Lead', description: 'Potential customer in acquisition.' },
);

export const LeadUpsertRequest = UpsertRequest('LeadUpsertRequest', Lead, 'Leads');
export const LeadListResponse = ListResponse('LeadListResponse', Lead, 'Leads');

export type Rc2Lead = Static<typeof Lead>;
