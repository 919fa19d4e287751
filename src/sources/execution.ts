import type { Engine, Migration } from '../model.js';

/**
 * True when the migration's tool sends its up SQL as one multi-statement query and the engine runs such a query
 * as one implicit transaction (PostgreSQL and CockroachDB do; MySQL and SQLite run each statement on its own).
 * A single statement sent alone is not in a transaction block, so `CREATE INDEX CONCURRENTLY` alone in its file
 * works, and beside other statements fails with "cannot run inside a transaction block".
 */
export function runsAsImplicitTransaction(
  migration: Pick<Migration, 'execution' | 'up'>,
  engine: Engine | string | undefined,
): boolean {
  return (
    migration.execution === 'one-query' &&
    migration.up.length > 1 &&
    (engine === undefined || engine === 'postgresql' || engine === 'cockroachdb')
  );
}

/** What the check and the rehearsal say about such a migration. */
export function implicitTransactionNote(migration: Pick<Migration, 'format' | 'up'>): string {
  return `${migration.format === 'sql' ? 'A plain SQL runner' : migration.format} sends the file as one query, and PostgreSQL runs its ${migration.up.length} statements as one implicit transaction: a failure rolls back the whole file, and CONCURRENTLY (or any statement that cannot run in a transaction block) fails there; give such a statement a migration file of its own.`;
}
