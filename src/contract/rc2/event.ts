/**
 * The rc.2 `customerEvent` webhook envelope and its closed list of event types (committee
 * 2.0.0-rc.2, components.schemas.CustomerEventEnvelope), for odc events shown in rc.2 form
 * (docs/bindings.md, "Events").
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../schema-helpers.js';
import { DateTime, Identifier, Key, OpenObject } from './common.js';

export const customerEventTypes = [
  'order.created',
  'order.cancelled',
  'order.delivered',
  'cart.abandoned',
  'customer.updated',
  'customer.consent.updated',
  'review.created',
] as const;

export type Rc2CustomerEventType = (typeof customerEventTypes)[number];

export const CustomerEventType = StringEnum(customerEventTypes, { title: 'CustomerEventType', description: 'Customer relationship event type.' });

export const CustomerEventEnvelope = Type.Object(
  {
    id: Type.Optional(Key({ description: 'Unique event identifier for idempotency.' })),
    eventType: CustomerEventType,
    occurredAt: DateTime({ description: 'When the business event occurred.' }),
    customerIdentifier: Type.Optional(Identifier),
    orderId: Type.Optional(Type.String()),
    payload: Type.Optional(OpenObject('Supplementary payload specific to the event type.')),
  },
  { title: 'CustomerEventEnvelope', description: 'Customer relationship event envelope delivered via webhook.' },
);

export type Rc2CustomerEventEnvelope = Static<typeof CustomerEventEnvelope>;
