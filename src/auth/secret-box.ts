/**
 * Encryption at rest for authentication material that must be recoverable: JWT private keys
 * and message-signing secrets (an HMAC can only be checked with the secret itself).
 *
 * AES-256-GCM under an instance key that lives outside the database — `ODC_SECRET_KEY`
 * (base64, 32 bytes) or a key file created on first start with mode 0600 — so a copy of the
 * database alone reveals no secret. Several instances of one deployment share the key.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir } from '../store/private-files.js';

const VERSION = 'v1';

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  }

  /**
   * A key for one purpose derived from the instance key (HMAC-SHA256 of the purpose), so a
   * keyed hash made with it (erasure markers, docs/contract.md §14) never exposes the key.
   */
  deriveKey(purpose: string): Buffer {
    return createHmac('sha256', this.key).update(`odc:${purpose}`).digest();
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  decrypt(sealed: string): string {
    const [version, payload] = sealed.split('.');
    if (version !== VERSION || !payload) throw new Error('not a sealed secret of this version');
    const raw = Buffer.from(payload, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/**
 * The instance key: from `ODC_SECRET_KEY` when set, else from `keyFile`, created with a new
 * random key on first start.
 */
export function loadSecretKey(keyFile: string, fromEnv = process.env.ODC_SECRET_KEY): Buffer {
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new Error('ODC_SECRET_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  if (existsSync(keyFile)) return Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
  ensurePrivateDir(dirname(keyFile));
  const key = randomBytes(32);
  writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
