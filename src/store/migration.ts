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
}
