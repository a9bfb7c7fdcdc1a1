/**
 * What a migration is, for every store: a version, a name and the SQL that applies it. The
 * migrators report a result per migration rather than throwing on the first already applied.
 */
export interface Migration {
  version: number;
  name: string;
  up: string;
}

export interface MigrationResult {
  version: number;
  name: string;
  status: 'applied' | 'already-applied';
  /** What a data migration reports (e.g. identity collisions it kept apart); also logged. */
  notes?: string[];
}

/** Logs a data migration's notes on stderr, the process log of `odc serve` and `odc migrate`. */
export function logMigrationNotes(migration: { name: string }, notes: readonly string[]): void {
  for (const note of notes) console.warn(`odc migration ${migration.name}: ${note}`);
}
