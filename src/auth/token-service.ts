/**
 * Access tokens: EdDSA-signed JWTs issued by this instance, and (optionally) tokens of an
 * external identity provider verified against its JWKS.
 *
 * Signing keys live in the database, private halves encrypted, so every instance of a
 * deployment signs and verifies alike. Rotation adds a key and retires the previous one; a
 * retired key keeps verifying until every token it signed has expired, then leaves the JWKS.
 * Only the algorithms listed here are accepted, which rules out `alg: none` and HS/RS
 * confusion.
 */
import { randomUUID } from 'node:crypto';
import { boundedJwksOptions } from './bounded-jwks-fetch.js';
import { createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import type { AuthStore, SigningKeyRecord } from '../store/auth-store.js';
import type { SecretBox } from './secret-box.js';

const ALG = 'EdDSA';
/** How stale this instance's view of the keys may get before it reads them again. */
const KEY_REFRESH_MS = 30_000;
const EXTERNAL_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface ExternalIssuer {
  jwksUrl: string;
  issuer: string;
  audience: string;
}

export interface TokenServiceOptions {
  issuer: string;
  audience: string;
  /** Lifetime of issued tokens in seconds. */
  ttlSeconds: number;
  external?: ExternalIssuer;
  /** The clock, in ms (tests move it); defaults to Date.now. */
  now?: () => number;
}

/**
 * Tokens already verified, kept until they expire. A client reuses its token for its whole
 * lifetime (the spec forbids a token per request), and checking an EdDSA signature was half
 * of the CPU of a read: a profile of GET /customers/{id} showed jose at 51%. Only tokens that
 * verified are kept, never past their `exp`; revocation is checked per request regardless.
 */
const VERIFIED_CACHE_SIZE = 10_000;

export interface VerifiedToken {
  clientId: string;
  scopes: string[];
  external: boolean;
  payload: JWTPayload;
}

/** Why a token was refused, in words for WWW-Authenticate's error_description. */
export class TokenError extends Error {}

interface LoadedKey {
  record: SigningKeyRecord;
  publicKey: CryptoKey | Uint8Array;
}

export class TokenService {
  private keys = new Map<string, LoadedKey>();
  private loadedAt = 0;
  private activeKid: string | undefined;
  private activePrivate: CryptoKey | Uint8Array | undefined;
  private readonly remote: ReturnType<typeof createRemoteJWKSet> | undefined;
  private readonly verified = new Map<string, { value: VerifiedToken; expiresAt: number }>();
  private readonly now: () => number;

  constructor(
    private readonly store: AuthStore,
    private readonly box: SecretBox,
    readonly options: TokenServiceOptions,
  ) {
    this.remote = options.external ? createRemoteJWKSet(new URL(options.external.jwksUrl), boundedJwksOptions) : undefined;
    this.now = options.now ?? Date.now;
  }

  /** Loads the keys, creating the first one on first start. */
  async init(): Promise<void> {
    await this.reload();
    if (!this.activeKid) await this.rotate();
  }

  /** Adds a new signing key; the previous one only verifies from now on. */
  async rotate(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
    await this.store.addSigningKey({
      kid,
      alg: ALG,
      privateKey: this.box.encrypt(JSON.stringify(await exportJWK(privateKey))),
      publicJwk: JSON.stringify(publicJwk),
      createdAt: new Date().toISOString(),
      retiredAt: null,
    });
    await this.reload();
    return kid;
  }

  private async reload(): Promise<void> {
    this.loadedAt = Date.now();
    const records = await this.store.listSigningKeys();
    const keys = new Map<string, LoadedKey>();
    for (const record of records) keys.set(record.kid, { record, publicKey: await importJWK(JSON.parse(record.publicJwk) as JWK, ALG) });
    this.keys = keys;
    const active = records.filter((r) => r.retiredAt === null).at(-1);
    if (active && active.kid !== this.activeKid) {
      this.activePrivate = await importJWK(JSON.parse(this.box.decrypt(active.privateKey)) as JWK, ALG);
      this.activeKid = active.kid;
    }
  }

  /** Keys that may still have live tokens: active ones and those retired within one lifetime. */
  private usable(record: SigningKeyRecord): boolean {
    return record.retiredAt === null || Date.parse(record.retiredAt) + this.options.ttlSeconds * 1000 > Date.now();
  }

  /** `claims`: extra private claims, e.g. the secret stamp of secret-rotation.ts. */
  async issue(clientId: string, scopes: string[], claims: Record<string, string> = {}): Promise<{ token: string; expiresIn: number }> {
    // Another instance may have rotated: sign with the newest key within KEY_REFRESH_MS.
    if (Date.now() - this.loadedAt > KEY_REFRESH_MS) await this.reload();
    if (!this.activeKid || !this.activePrivate) throw new Error('token service not initialized');
    const token = await new SignJWT({ ...claims, client_id: clientId, scope: scopes.join(' ') })
      .setProtectedHeader({ alg: ALG, kid: this.activeKid, typ: 'JWT' })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(clientId)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${this.options.ttlSeconds}s`)
      .sign(this.activePrivate);
    return { token, expiresIn: this.options.ttlSeconds };
  }

  /** The public keys for `/.well-known/jwks.json`. */
  jwks(): { keys: JWK[] } {
    return { keys: [...this.keys.values()].filter((k) => this.usable(k.record)).map((k) => JSON.parse(k.record.publicJwk) as JWK) };
  }

  async verify(token: string): Promise<VerifiedToken> {
    const hit = this.verified.get(token);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    const value = await this.verifySignature(token);
    if (typeof value.payload.exp === 'number') {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { value, expiresAt: value.payload.exp * 1000 });
    }
    return value;
  }

  private async verifySignature(token: string): Promise<VerifiedToken> {
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new TokenError('the token is not a JWT');
    }
    const external = this.options.external;
    if (external && issuer === external.issuer && this.remote) {
      const { payload } = await this.check(() =>
        jwtVerify(token, this.remote!, { issuer: external.issuer, audience: external.audience, algorithms: EXTERNAL_ALGS, currentDate: new Date(this.now()) }),
      );
      return this.toVerified(payload, true);
    }
    const { payload } = await this.check(() =>
      jwtVerify(token, async (header) => this.localKey(header.kid), {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: [ALG],
        currentDate: new Date(this.now()),
      }),
    );
    return this.toVerified(payload, false);
  }

  private async localKey(kid: string | undefined): Promise<CryptoKey | Uint8Array> {
    if (!kid) throw new TokenError('the token names no key (kid)');
    // A key made by another instance since we loaded: look again once.
    if (!this.keys.has(kid)) await this.reload();
    const key = this.keys.get(kid);
    if (!key || !this.usable(key.record)) throw new TokenError('the token was signed by an unknown or expired key');
    return key.publicKey;
  }

  private async check<T>(verify: () => Promise<T>): Promise<T> {
    try {
      return await verify();
    } catch (error) {
      if (error instanceof TokenError) throw error;
      const code = (error as { code?: string }).code;
      const reason =
        code === 'ERR_JWT_EXPIRED'
          ? 'the token has expired'
          : code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
            ? 'the token signature is invalid'
            : code === 'ERR_JOSE_ALG_NOT_ALLOWED'
              ? 'the token algorithm is not accepted'
              : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
                ? `the token claim ${(error as { claim?: string }).claim ?? ''} is not accepted`.replace('  ', ' ')
                : 'the token is invalid';
      throw new TokenError(reason);
    }
  }

  private toVerified(payload: JWTPayload, external: boolean): VerifiedToken {
    const clientId = [payload.client_id, payload.azp, payload.sub].find((v): v is string => typeof v === 'string' && v !== '');
    if (!clientId) throw new TokenError('the token names no client');
    const raw = payload.scope ?? payload.scp;
    const scopes = typeof raw === 'string' ? raw.split(' ').filter(Boolean) : Array.isArray(raw) ? raw.map(String) : [];
    return { clientId, scopes, external, payload };
  }
}
