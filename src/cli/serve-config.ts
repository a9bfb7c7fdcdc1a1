/**
 * The configuration of `odc serve`, stated once: every option's flag, environment variable,
 * default, type and description is one TypeBox property below. Commander's options are built
 * from it (serve-command.ts), the parsed options are converted and checked against it (so the
 * server reads a typed `ServeConfig`, never a loose commander object), and the README's
 * configuration table is rendered from it (scripts/serve-options-table.ts, checked by
 * test/serve-config.test.ts).
 */
import { Option } from 'commander';
import { readFileSync } from 'node:fs';
import { type Static, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_RATE_LIMIT, DEFAULT_TOKEN_TTL_SECONDS } from '../auth/auth-service.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_MAX_BATCH_ITEMS, DEFAULT_SHUTDOWN_GRACE_MS } from '../server/server-defaults.js';
import { DEFAULT_CONNECTION_LIMITS as LIMITS } from '../server/connection-limits.js';
import { DEFAULT_DATABASE } from '../store/open-store.js';

/** How an option is spelled outside the program; kept on each schema under `x-cli`. */
export interface CliSpelling {
  /** Commander flags, e.g. `-p, --port <port>`. */
  flags: string;
  env?: string;
  /** The default as the README shows it, when the value itself does not say it. */
  defaultText?: string;
  /** A secret: refused when empty, and also readable from `<flag>-file`. */
  secret?: boolean;
}

const cli = (flags: string, env?: string, extra: Omit<CliSpelling, 'flags' | 'env'> = {}) => ({ 'x-cli': { flags, env, ...extra } satisfies CliSpelling });
const whole = (value: number, description: string, spelling: ReturnType<typeof cli>) => Type.Integer({ minimum: 0, default: value, description, ...spelling });
const choice = <const T extends readonly [string, ...string[]]>(values: T, value: T[number], description: string, spelling: ReturnType<typeof cli>) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { default: value, description, ...spelling },
  ) as unknown as TUnion<TLiteral<T[number]>[]>;
const text = (description: string, spelling: ReturnType<typeof cli>) => Type.Optional(Type.String({ minLength: 1, description, ...spelling }));
const secret = (description: string, flags: string, env: string) => text(description, cli(flags, env, { secret: true }));

export const ServeConfigSchema = Type.Object({
  port: whole(8080, 'TCP port (0 picks a free one)', cli('-p, --port <port>', 'PORT')),
  host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'address to listen on (`0.0.0.0` for all)', ...cli('-H, --host <host>', 'HOST') }),
  database: Type.String({
    minLength: 1,
    default: DEFAULT_DATABASE,
    description: 'SQLite database file, or a `postgres://` URL',
    ...cli('-d, --database <path|url>', 'DATABASE_URL'),
  }),
  secretKeyFile: text(
    'instance key for secrets at rest; `ODC_SECRET_KEY` gives the key itself (required on PostgreSQL)',
    cli('--secret-key-file <path>', 'ODC_SECRET_KEY_FILE', { defaultText: '`secret.key` beside the database' }),
  ),
  poolSize: whole(10, 'PostgreSQL connections per instance', cli('--pool-size <n>', 'ODC_PG_POOL_SIZE')),
  statementTimeout: whole(15_000, 'PostgreSQL statement timeout in ms (then 503)', cli('--statement-timeout <ms>', 'ODC_PG_STATEMENT_TIMEOUT')),
  sync: choice(
    ['full', 'normal'],
    'full',
    'SQLite durability: `full` fsyncs every commit; `normal` survives a killed process but not a power cut',
    cli('--sync <mode>', 'ODC_SQLITE_SYNC'),
  ),
  basePath: Type.String({ default: '/', description: 'prefix of every Customer operation, e.g. `/v2`', ...cli('--base-path <path>', 'ODC_BASE_PATH') }),
  rc2BasePath: Type.String({
    minLength: 1,
    default: '/od/v2',
    description: "prefix of the committee's 2.0.0-rc.2 binding (docs/bindings.md)",
    ...cli('--rc2-base-path <path>', 'ODC_RC2_BASE_PATH'),
  }),
  rc2: Type.Boolean({
    default: true,
    description: 'serve the rc.2 binding too; `--no-rc2` serves the seed binding only',
    ...cli('--no-rc2', undefined, { defaultText: 'rc.2 served' }),
  }),
  publicUrl: text(
    'public origin for absolute URLs in discovery, e.g. `https://crm.example.com`',
    cli('--public-url <url>', 'ODC_PUBLIC_URL', { defaultText: 'from `Host`' }),
  ),
  role: choice(
    ['crm', 'origin'],
    'crm',
    '`crm` receives pushes and serves its data; `origin` is an Origin Platform serving its records to CRMs that pull',
    cli('--role <role>', 'ODC_ROLE'),
  ),
  bodyLimit: whole(DEFAULT_BODY_LIMIT, 'largest request body in bytes (413 above)', cli('--body-limit <bytes>', 'ODC_BODY_LIMIT')),
  maxBatch: whole(DEFAULT_MAX_BATCH_ITEMS, 'largest batch in items (413 above)', cli('--max-batch <items>', 'ODC_MAX_BATCH')),
  orderProfile: choice(
    ['lenient', 'strict'],
    'lenient',
    '`lenient`: an order needs only a string `id`, present canonical fields are type-checked; `strict`: the full canonical v1 Order',
    cli('--order-profile <profile>', 'ODC_ORDER_PROFILE'),
  ),
  tokenTtl: whole(DEFAULT_TOKEN_TTL_SECONDS, 'access token lifetime in seconds', cli('--token-ttl <seconds>', 'ODC_TOKEN_TTL')),
  issuer: Type.String({ minLength: 1, default: 'odc', description: '`iss` claim of issued tokens', ...cli('--issuer <iss>', 'ODC_ISSUER') }),
  audience: Type.String({ minLength: 1, default: 'odc', description: '`aud` claim of issued tokens', ...cli('--audience <aud>', 'ODC_AUDIENCE') }),
  jwksUrl: text('also accept tokens of an external issuer, verified with this JWKS (needs the next two)', cli('--jwks-url <url>', 'ODC_JWKS_URL')),
  jwksIssuer: text('`iss` of the external issuer', cli('--jwks-issuer <iss>', 'ODC_JWKS_ISSUER')),
  jwksAudience: text('`aud` the external tokens must carry', cli('--jwks-audience <aud>', 'ODC_JWKS_AUDIENCE')),
  eventSignatures: choice(
    ['required', 'optional', 'off'],
    'optional',
    '`X-App-Signature` on `POST /customer/events`: `required`, `optional` (for clients with a signing secret) or `off`',
    cli('--event-signatures <mode>', 'ODC_EVENT_SIGNATURES'),
  ),
  rateLimit: whole(DEFAULT_RATE_LIMIT, 'requests per second per client; 0 for none', cli('--rate-limit <rps>', 'ODC_RATE_LIMIT')),
  adminKey: secret('enables the admin API and guards `/metrics` (at least 16 characters)', '--admin-key <key>', 'ODC_ADMIN_KEY'),
  webhookMaxAttempts: whole(8, 'attempts before a webhook delivery is dead', cli('--webhook-max-attempts <n>', 'ODC_WEBHOOK_MAX_ATTEMPTS')),
  webhookBaseDelay: whole(1000, 'first webhook retry delay in ms, doubled per attempt', cli('--webhook-base-delay <ms>', 'ODC_WEBHOOK_BASE_DELAY')),
  webhookAllowPrivateTargets: Type.Boolean({
    default: false,
    description: 'deliver webhooks to loopback, private and link-local addresses too (refused by default)',
    ...cli('--webhook-allow-private-targets', 'ODC_WEBHOOK_ALLOW_PRIVATE_TARGETS'),
  }),
  pullFrom: text("pull mode: keep this store in sync with an Origin Platform's Customer endpoints", cli('--pull-from <url>', 'ODC_PULL_FROM')),
  pullToken: secret(
    'a Bearer token for the origin (a dev token lasts `--token-ttl` of the origin; prefer client credentials)',
    '--pull-token <token>',
    'ODC_PULL_TOKEN',
  ),
  pullClientId: text('client id at the origin: tokens are then fetched and renewed by themselves', cli('--pull-client-id <id>', 'ODC_PULL_CLIENT_ID')),
  pullClientSecret: secret('client secret at the origin', '--pull-client-secret <secret>', 'ODC_PULL_CLIENT_SECRET'),
  pullSourceMerchant: text('merchant to read at the origin (`X-App-MerchantId`)', cli('--pull-source-merchant <id>', 'ODC_PULL_SOURCE_MERCHANT')),
  pullMerchant: Type.String({
    minLength: 1,
    default: 'default',
    description: 'local merchant the pulled records belong to',
    ...cli('--pull-merchant <id>', 'ODC_PULL_MERCHANT'),
  }),
  pullInterval: whole(60, 'seconds between pulls', cli('--pull-interval <seconds>', 'ODC_PULL_INTERVAL')),
  pullContract: choice(
    ['seed', 'rc2'],
    'seed',
    "the origin's contract: `seed` or the committee's `rc2` (docs/bindings.md)",
    cli('--pull-contract <contract>', 'ODC_PULL_CONTRACT'),
  ),
  headersTimeout: whole(
    LIMITS.headersTimeoutMs,
    "ms to receive a request's headers, also for a connection that sends nothing (then 408 and closed: slowloris)",
    cli('--headers-timeout <ms>', 'ODC_HEADERS_TIMEOUT'),
  ),
  requestTimeout: whole(
    LIMITS.requestTimeoutMs,
    'ms to receive a whole request, body included (then 408); 0 for none',
    cli('--request-timeout <ms>', 'ODC_REQUEST_TIMEOUT'),
  ),
  keepAliveTimeout: whole(
    LIMITS.keepAliveTimeoutMs,
    "ms an idle kept-alive connection stays open (above a load balancer's 60 s)",
    cli('--keep-alive-timeout <ms>', 'ODC_KEEP_ALIVE_TIMEOUT'),
  ),
  maxHeaderSize: whole(LIMITS.maxHeaderSize, 'largest request line and headers in bytes (431 above)', cli('--max-header-size <bytes>', 'ODC_MAX_HEADER_SIZE')),
  maxConnectionsPerIp: whole(
    LIMITS.maxConnectionsPerAddress,
    'open connections one remote address may hold; past it an idle kept-alive one is closed to make room, or, if all are busy, the new one gets 503 with `Retry-After`; 0 for no cap (behind a proxy every client shares its address)',
    cli('--max-connections-per-ip <n>', 'ODC_MAX_CONNECTIONS_PER_IP'),
  ),
  shutdownGrace: whole(
    DEFAULT_SHUTDOWN_GRACE_MS,
    'on SIGTERM, ms to finish in-flight requests (new ones get 503 with `Retry-After`) before the process exits anyway',
    cli('--shutdown-grace <ms>', 'ODC_SHUTDOWN_GRACE'),
  ),
  afterErasure: choice(
    ['refuse', 'accept'],
    'refuse',
    "a write of an erased person's identifiers: `refuse` (409 `SUBJECT_ERASED`) or `accept` as a new person (docs/contract.md §14)",
    cli('--after-erasure <rule>', 'ODC_AFTER_ERASURE'),
  ),
  retentionInterval: whole(
    3600,
    "seconds between runs of the merchants' retention limits (`odc retention set`); 0 for never",
    cli('--retention-interval <seconds>', 'ODC_RETENTION_INTERVAL'),
  ),
  loyaltyExpiryInterval: whole(
    3600,
    "seconds between runs of the loyalty expiry (points past the programs' `pointsExpireAfterDays`, coupons past `expiresAt`, docs/contract.md §15.9); 0 for never",
    cli('--loyalty-expiry-interval <seconds>', 'ODC_LOYALTY_EXPIRY_INTERVAL'),
  ),
  dev: Type.Boolean({
    default: false,
    description: 'creates the `dev` client (merchant `default`) and writes a token to `dev-token` beside the database before listening',
    ...cli('--dev'),
  }),
  logLevel: choice(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    'warn',
    'pino level; logs are JSON lines on stdout. `info` adds two lines per request (received, answered) and one per batch committed: about 470 bytes and a fifth of the CPU of a read (docs/performance.md)',
    cli('--log-level <level>', 'LOG_LEVEL'),
  ),
});

export type ServeConfig = Static<typeof ServeConfigSchema>;
export type ServeOptionName = keyof ServeConfig;

type Property = TSchema & { 'x-cli': CliSpelling; default?: unknown; description: string; anyOf?: Array<{ const: string }> };

/** Every option with its schema, in table order. */
export function serveOptionSchemas(): Array<[ServeOptionName, Property]> {
  return Object.entries(ServeConfigSchema.properties) as unknown as Array<[ServeOptionName, Property]>;
}

/** The `--x-file` flag of a secret option (`--pull-token` → `--pull-token-file`). */
export function secretFileFlag(property: Property): string {
  return `${longFlag(property)}-file`;
}

export function longFlag(property: Property): string {
  return /--[a-z0-9-]+/.exec(property['x-cli'].flags)![0];
}

/** A commander option for one property; its attribute name must be the property's key. */
export function commanderOption(name: ServeOptionName): Option {
  const property = ServeConfigSchema.properties[name] as unknown as Property;
  const { flags, env } = property['x-cli'];
  const option = new Option(flags, property.description.replace(/`/g, ''));
  if (env) option.env(env);
  if (property.default !== undefined && property.default !== false) option.default(property.default);
  if (property.anyOf) option.choices(property.anyOf.map((s) => s.const));
  if (option.attributeName() !== name) throw new Error(`serve option ${name}: flags ${flags} name ${option.attributeName()}`);
  return option;
}

/** Commander options for every property, plus `--x-file` (and `X_FILE`) for each secret. */
export function commanderOptions(): Option[] {
  const options: Option[] = [];
  for (const [name, property] of serveOptionSchemas()) {
    options.push(commanderOption(name));
    if (property['x-cli'].secret) {
      const env = property['x-cli'].env;
      options.push(new Option(`${secretFileFlag(property)} <path>`, `read ${longFlag(property)} from this file (not shown by ps)`).env(`${env}_FILE`));
    }
  }
  return options;
}

/**
 * Reads the secrets given as files (`--pull-token-file`), then converts and checks the whole
 * configuration against the schema. Every problem names the flag and its variable, so the
 * message says what to fix; an empty secret is refused rather than sent as an empty Bearer.
 */
export function parseServeConfig(raw: Record<string, unknown>): ServeConfig {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, property] of serveOptionSchemas()) {
    values[name] = raw[name];
    if (!property['x-cli'].secret) continue;
    const fileKey = `${name}File`;
    const file = raw[fileKey];
    if (typeof file !== 'string') continue;
    if (raw[name] !== undefined) problems.push(`${longFlag(property)} and ${secretFileFlag(property)} are both given: choose one`);
    try {
      values[name] = readFileSync(file, 'utf8').trim();
    } catch (error) {
      problems.push(`${secretFileFlag(property)} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  const converted = Value.Default(ServeConfigSchema, Value.Convert(ServeConfigSchema, values)) as Record<string, unknown>;
  for (const error of Value.Errors(ServeConfigSchema, converted)) {
    const name = error.path.slice(1) as ServeOptionName;
    const property = ServeConfigSchema.properties[name] as unknown as Property | undefined;
    if (!property) continue;
    const where = `${longFlag(property)}${property['x-cli'].env ? ` (${property['x-cli'].env})` : ''}`;
    problems.push(
      error.value === ''
        ? `${where} is empty: give a value or leave it unset`
        : `${where}: ${error.message.toLowerCase()} (got ${JSON.stringify(error.value)})`,
    );
  }
  if (problems.length > 0) throw new Error([...new Set(problems)].join('; '));
  return converted as ServeConfig;
}

/** The README's configuration table (markdown), rendered from the schema. */
export function renderOptionsTable(): string {
  const rows = ['| flag | env | default | meaning |', '|---|---|---|---|'];
  for (const [, property] of serveOptionSchemas()) {
    const { env, defaultText, secret: isSecret } = property['x-cli'];
    const fallback = property.default === undefined || property.default === false ? '' : `\`${String(property.default)}\``;
    const meaning = isSecret ? `${property.description}; or \`${secretFileFlag(property)}\` / \`${env}_FILE\`` : property.description;
    rows.push(`| \`${longFlag(property)}\` | ${env ? `\`${env}\`` : ''} | ${defaultText ?? fallback} | ${meaning} |`);
  }
  return rows.join('\n');
}
