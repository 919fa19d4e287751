import path from 'node:path';
import { register } from 'tsx/cjs/api';

/**
 * Test support: runs a fixture's migrations with the migration tool itself (knex's own migrator) and records
 * what it sends to the database, to compare with what src/sources compiled.
 */
export function loadWithTsx(file: string): Record<string, unknown> {
  const api = register({ namespace: `tool-run-${Math.random().toString(36).slice(2)}` });
  try {
    return api.require(file, file) as Record<string, unknown>;
  } finally {
    api.unregister();
  }
}

/** Removes what the runner adds around migrations (ledger bookkeeping, transaction control), equal on both sides. */
export function migrationStatements(statements: string[]): string[] {
  return statements
    .filter((sql) => !/knex_migrations|SequelizeMeta|"migrations"|`migrations`|typeorm_metadata/i.test(sql))
    .filter(
      (sql) =>
        !/^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b/i.test(sql),
    )
    .map((sql) =>
      sql
        .replace(/_knex_temp_alter\d+/g, '_knex_temp_alter')
        .replace(/;\s*$/, '')
        .trim(),
    );
}

export function fixture(name: string): string {
  return path.resolve('test/fixtures', name);
}

/**
 * Statements that change schema or data: the ORM's own introspection reads (SELECT, SHOW, PRAGMA without `=`)
 * are left out on both sides — against a real database it reads the schema, offline it reads our replay.
 */
export function changes(statements: string[]): string[] {
  return migrationStatements(statements).filter(
    (sql) =>
      !/^\s*(SELECT|SHOW)\b/i.test(sql) &&
      !/^\s*WITH\b[\s\S]*\)\s*SELECT\b[^;]*$/i.test(sql) &&
      !/^\s*PRAGMA\s+[\w.]+\s*(\([^)]*\))?\s*$/i.test(sql),
  );
}
