/**
 * The rc.2 Order: the CRM's snapshot of a purchase (committee 2.0.0-rc.2). Amounts are in
 * minor units (cents); odc reads an optional ISO 4217 `currency` beside them, which the
 * committee's text mentions nowhere (docs/bindings.md, defects).
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../schema-helpers.js';
import { DateTime, ExternalIdentifier, Identifier, Key, ListResponse, OpenObject, UpsertRequest } from './common.js';

export const originChannels = ['own_app', 'marketplace', 'in_store', 'qr_code', 'kiosk', 'delivery', 'takeout', 'other'] as const;

export const OriginChannel = StringEnum(originChannels, { title: 'OriginChannel', description: 'Order origin channel.' });

export const OrderCustomerRef = Type.Object(
  {
    identifier: Type.Optional(Identifier),
    externalIds: Type.Optional(Type.Array(ExternalIdentifier, { maxItems: 100 })),
  },
  { title: 'OrderCustomerRef', description: 'Reference to the customer of the order.' },
);

export const OrderItem = Type.Object(
  {
    sku: Type.Optional(Type.String({ description: 'Item SKU code.' })),
    name: Type.Optional(Type.String()),
    quantity: Type.Optional(Type.Integer()),
    unitPrice: Type.Optional(Type.Number({ description: 'Unit price in minor units (cents).' })),
  },
  { description: 'Order item relevant for relationship analytics.' },
);

export const Order = Type.Object(
  {
    id: Key({ description: 'Order id on the origin platform; odc keys orders by it, so it is required.' }),
    storeId: Type.Optional(Type.String({ description: 'Store/unit where the order was placed.' })),
    originChannel: Type.Optional(OriginChannel),
    customer: Type.Optional(OrderCustomerRef),
    totalAmount: Type.Optional(Type.Number({ description: 'Total in minor units (cents).' })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code of the amounts (odc extension; default BRL for conversion).' })),
    items: Type.Optional(Type.Array(OrderItem)),
    metadata: Type.Optional(OpenObject('Extensible metadata.')),
    createdAt: Type.Optional(DateTime({ description: 'Order creation time.' })),
    updatedAt: Type.Optional(DateTime({ readOnly: true, description: 'Time this server last changed the record (ignored on input).' })),
  },
  { title: 'Order', description: 'CRM view of an order; mapped onto the canonical Open Delivery Order snapshot.' },
);

export const OrderUpsertRequest = UpsertRequest('OrderUpsertRequest', Order, 'Orders');
export const OrderListResponse = ListResponse('OrderListResponse', Order, 'Orders');

export type Rc2Order = Static<typeof Order>;
