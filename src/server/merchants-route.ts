/**
 * `GET /merchants`: the merchants the calling client is authorized for. The authentication
 * spec's application model keeps authorizations out of the token and lists them here, which
 * is what discovery's `merchantDiscovery` points to.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import { authenticateClient } from './bearer-auth.js';

export const merchantsRoute: FastifyPluginAsync<{ auth: AuthService }> = async (app, { auth }) => {
  app.get('/merchants', async (request) => {
    const { client } = await authenticateClient(auth, request);
    return client.merchants.map((merchantId) => ({ merchantId }));
  });
};
