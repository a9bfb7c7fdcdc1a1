/**
 * The server's default limits, in a module of their own so that the CLI can describe its options
 * (help, config validation) without loading Fastify and every route to read three numbers.
 */

/** Largest request body in bytes; a larger one answers 413 (docs/contract.md §9.5). */
export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;
/** Largest batch in items; a larger one answers 413 (docs/contract.md §9.5). */
export const DEFAULT_MAX_BATCH_ITEMS = 1000;
/** How long a stopping server lets in-flight requests finish before closing their sockets. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
