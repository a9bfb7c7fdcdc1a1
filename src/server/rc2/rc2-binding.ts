/**
 * The rc.2 binding: the customer module of the committee's Customer 2.0.0-rc.2 contract,
 * registered under its own base path (default `/od/v2`, the path of the committee's server
 * URL) beside the seed binding, over the same store (docs/bindings.md).
 */
import type { FastifyPluginAsync } from 'fastify';
import { Rc2Validator } from '../../contract/rc2/validation.js';
import { rc2CustomerRoutes } from './customers.js';
import { rc2LeadRoutes } from './leads.js';
import { rc2LoyaltyRoutes } from './loyalty.js';
import { rc2OrderRoutes } from './orders.js';
import { rc2ReviewRoutes } from './reviews.js';

export const DEFAULT_RC2_BASE_PATH = '/od/v2';

export interface Rc2PluginOptions {
  validator: Rc2Validator;
}

export const rc2Binding: FastifyPluginAsync = async (app) => {
  const options: Rc2PluginOptions = { validator: new Rc2Validator() };
  await app.register(rc2CustomerRoutes, options);
  await app.register(rc2LeadRoutes, options);
  await app.register(rc2OrderRoutes, options);
  await app.register(rc2ReviewRoutes, options);
  await app.register(rc2LoyaltyRoutes, options);
};
