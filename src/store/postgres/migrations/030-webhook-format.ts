/**
 * A webhook subscription chooses the format its deliveries are sent in (docs/contract.md
 * §13.6): `seed` (the event as stored) or `rc2` (the committee's rc.2 envelope). Existing
 * subscriptions keep receiving what they received: `seed`. Version 30: this wave's range for
 * the rc.2 work (30–39), so numbers never collide with other branches.
 */
export const version = 30;
export const name = 'webhook-format';

export const up = `
ALTER TABLE webhook_subscriptions ADD COLUMN format text NOT NULL DEFAULT 'seed';
`;
