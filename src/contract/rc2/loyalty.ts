/**
 * The loyalty module of the committee's 2.0.0-rc.2 document, under its names
 * (docs/contract.md §15). Objects stay open, as in the committee's text. What odc stores
 * beyond these fields (account status, pending points, tier) travels in `metadata`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../schema-helpers.js';
import { DateTime, Key, ListResponse, OpenObject, UpsertRequest } from './common.js';

export const LoyaltyProgram = Type.Object(
  {
    id: Key({ description: 'Unique identifier of the loyalty program.' }),
    merchantId: Type.Optional(Key({ description: 'Draft in rc.2: the merchant that owns the program; coupon codes are unique per merchant.' })),
    name: Type.String({ minLength: 1, description: 'Program display name.' }),
    ownerType: Type.Optional(StringEnum(['store', 'chain', 'coalition', 'shared', 'other'] as const, { description: 'Owner type.' })),
    status: Type.Optional(Type.String({ description: 'Program status, e.g. active, inactive, suspended.' })),
    metadata: Type.Optional(OpenObject('Implementation-specific configuration.')),
  },
  { title: 'LoyaltyProgram', description: 'Loyalty program: scope, type and configuration.' },
);

export const LoyaltyProgramUpsertRequest = UpsertRequest('LoyaltyProgramUpsertRequest', LoyaltyProgram, 'Loyalty programs');
export const LoyaltyProgramListResponse = ListResponse('LoyaltyProgramListResponse', LoyaltyProgram, 'Loyalty programs');

export const LoyaltyBalanceType = StringEnum(['points', 'cashback', 'other'] as const, {
  title: 'LoyaltyBalanceType',
  description: 'Balance type; odc keeps points.',
});

export const LoyaltyAccount = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'Unique identifier of the loyalty account.' })),
    programId: Type.Optional(Type.String({ description: 'The program of the account.' })),
    customerId: Type.Optional(Type.String({ description: 'The customer of the account.' })),
    balanceType: Type.Optional(LoyaltyBalanceType),
    balance: Type.Optional(Type.Number({ description: 'Available points: always the sum of the account transactions, never negative.' })),
    currency: Type.Optional(Type.String({ description: 'Currency when balanceType is cashback.' })),
    expiresAt: Type.Optional(DateTime({ description: 'Balance expiration, when applicable.' })),
    metadata: Type.Optional(OpenObject('status (ENROLLED, ACTIVE, SUSPENDED), pointsPending, tier, enrolledAt.')),
  },
  { title: 'LoyaltyAccount', description: 'Loyalty account of a customer in a program.' },
);

export const LoyaltyAccountListResponse = Type.Object(
  { items: Type.Array(LoyaltyAccount, { description: 'Loyalty accounts returned.' }) },
  { title: 'LoyaltyAccountListResponse', description: 'Loyalty accounts of a customer.' },
);

export const loyaltyTransactionTypes = ['earn', 'redeem', 'adjust', 'expire', 'coupon_use', 'tier_change', 'other'] as const;
export const LoyaltyTransactionType = StringEnum(loyaltyTransactionTypes, { title: 'LoyaltyTransactionType', description: 'Transaction type.' });

export const LoyaltyTransaction = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'Unique identifier of the transaction.' })),
    accountId: Type.Optional(Type.String({ description: 'The account of the transaction.' })),
    type: Type.Optional(LoyaltyTransactionType),
    amount: Type.Optional(Type.Number({ description: 'Points: positive for earn, negative for redeem and expire.' })),
    relatedOrderId: Type.Optional(Type.String({ description: 'The order that originated the transaction, when applicable.' })),
    occurredAt: Type.Optional(DateTime({ description: 'When the transaction was recorded (UTC, microseconds).' })),
    metadata: Type.Optional(OpenObject('Supplementary data, e.g. rewardId, quantity, couponId.')),
  },
  { title: 'LoyaltyTransaction', description: 'One append-only entry of a loyalty account.' },
);

export const LoyaltyTransactionListResponse = ListResponse('LoyaltyTransactionListResponse', LoyaltyTransaction, 'Transactions');

export const LoyaltyRewardType = StringEnum(['product', 'shipping', 'cashback', 'generic'] as const, {
  title: 'LoyaltyRewardType',
  description: 'Redeemable reward type.',
});

export const LoyaltyReward = Type.Object(
  {
    id: Key({ description: 'Unique identifier of the reward.' }),
    programId: Key({ description: 'The program of the reward.' }),
    type: Type.Optional(LoyaltyRewardType),
    name: Type.Optional(Type.String({ description: 'Display name.' })),
    sku: Type.Optional(Type.String({ description: 'Product SKU when type is product.' })),
    cost: Type.Integer({ minimum: 0, description: 'Points one unit costs.' }),
    metadata: Type.Optional(OpenObject('Validity, image, usage restrictions.')),
  },
  { title: 'LoyaltyReward', description: 'A reward of the catalog.' },
);

export const LoyaltyRewardListResponse = ListResponse('LoyaltyRewardListResponse', LoyaltyReward, 'Rewards');

export const couponStatuses = ['available', 'applied', 'used', 'expired', 'cancelled'] as const;

export const LoyaltyCoupon = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'Unique identifier of the coupon.' })),
    programId: Type.Optional(Type.String({ description: 'The program of the coupon.' })),
    customerId: Type.Optional(Type.String({ description: 'The customer holding the coupon.' })),
    code: Type.Optional(Type.String({ description: 'Code applied at checkout; unique per merchant.' })),
    status: Type.Optional(StringEnum(couponStatuses, { description: 'Coupon status.' })),
    metadata: Type.Optional(OpenObject('rewardId, quantity, redemptionId, relatedOrderId once used.')),
    expiresAt: Type.Optional(DateTime({ description: 'Coupon expiration, when it has one.' })),
  },
  { title: 'LoyaltyCoupon', description: 'Coupon issued by a redemption.' },
);

export const LoyaltyCouponListResponse = ListResponse('LoyaltyCouponListResponse', LoyaltyCoupon, 'Coupons');

export const LoyaltyRedemptionRequest = Type.Object(
  {
    accountId: Key({ description: "The customer's loyalty account." }),
    rewardId: Key({ description: 'The reward redeemed.' }),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1, description: 'Units redeemed (default 1).' })),
    relatedOrderId: Type.Optional(Key({ description: 'The order related to the redemption, when applicable.' })),
    metadata: Type.Optional(OpenObject('Supplementary data kept on the transaction.')),
  },
  { title: 'LoyaltyRedemptionRequest', description: 'Redeem a reward of the catalog.' },
);

/** The committee's inline body of useLoyaltyCoupon (no schema name of its own). */
export const LoyaltyCouponUseRequest = Type.Object({
  relatedOrderId: Type.Optional(Key({ description: 'The order the coupon was consumed in; use is idempotent by (coupon, order).' })),
});

export type Rc2LoyaltyProgram = Static<typeof LoyaltyProgram>;
export type Rc2LoyaltyReward = Static<typeof LoyaltyReward>;
export type Rc2LoyaltyRedemptionRequest = Static<typeof LoyaltyRedemptionRequest>;
