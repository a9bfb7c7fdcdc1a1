/**
 * `odc serve --dev`: a ready-to-use client and token, so the README walk-through works in one
 * step. The `dev` client acts for the merchant `default` with od.crm and od.all; its secret is
 * renewed on every start and printed with the token, which is also written beside the
 * database (`dev-token`, mode 0600) for `$(cat data/dev-token)`.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AuthService } from '../auth/auth-service.js';
import { secretStampClaims } from '../auth/secret-rotation.js';

export const DEV_CLIENT_ID = 'dev';
export const DEV_MERCHANT = 'default';

export interface DevCredentials {
  clientId: string;
  clientSecret: string;
  token: string;
  tokenFile: string;
}

export async function prepareDevCredentials(auth: AuthService, database: string): Promise<DevCredentials> {
  const existing = (await auth.clients.list()).find((c) => c.clientId === DEV_CLIENT_ID && c.revokedAt === null);
  const issued = existing
    ? await auth.clients.rotateSecret(DEV_CLIENT_ID)
    : await auth.clients.add({
        clientId: DEV_CLIENT_ID,
        name: 'development (odc serve --dev)',
        model: 'application',
        merchants: [DEV_MERCHANT],
        scopes: ['od.crm', 'od.all'],
      });
  const { token } = await auth.tokens.issue(DEV_CLIENT_ID, issued.scopes, secretStampClaims(issued));
  const tokenFile = join(/^[a-z]+:\/\//i.test(database) ? 'data' : dirname(database), 'dev-token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  chmodSync(tokenFile, 0o600); // `mode` applies only when the file is created; an older one may be wider.
  return { clientId: DEV_CLIENT_ID, clientSecret: issued.clientSecret, token, tokenFile };
}
