import path from 'node:path';
import type { Engine, Migration } from '../model.js';

/**
 * The manual route, for when the tool's rollback fails half-way: what to run in which order, including the row
 * that tells the tool the migration is no longer applied (otherwise its next `up` skips the migration).
 */
export function manualSteps(options: {
  migration: Migration;
  previous?: Migration;
  engine: Engine;
  downStatements: number;
  backups: number;
}): string[] {
  const { migration, engine } = options;
  const steps: string[] = [];
  if (options.backups > 0)
    steps.push('take the backups named under the point of no return (down): rolling back drops data');
  if (options.downStatements > 0)
    steps.push(
      engine === 'mysql' || engine === 'mariadb'
        ? 'run the down SQL statement by statement (every DDL statement commits on its own: note where it stops)'
        : 'run the down SQL in one transaction (BEGIN; … COMMIT;) so a failure leaves the schema as it was',
    );
  const forget = forgetRow(migration, options.previous);
  steps.push(
    forget
      ? `mark the migration as not applied: ${forget}`
      : "mark the migration as not applied in the tool's history table",
  );
  steps.push('run the verification queries and compare with the counts taken before');
  return steps;
}

function forgetRow(migration: Migration, previous: Migration | undefined): string | undefined {
  const file = path.posix.basename(migration.path);
  const text = (value: string) => `'${value.replaceAll("'", "''")}'`;
  switch (migration.format) {
    case 'knex':
      return `DELETE FROM knex_migrations WHERE name = ${text(file)}`;
    case 'sequelize':
      return `DELETE FROM "SequelizeMeta" WHERE name = ${text(file)}`;
    case 'node-pg-migrate':
      return `DELETE FROM pgmigrations WHERE name = ${text(file.replace(/\.[^.]+$/, ''))}`;
    case 'dbmate':
      return `DELETE FROM schema_migrations WHERE version = ${text(migration.id)}`;
    case 'sqlx':
      return `DELETE FROM _sqlx_migrations WHERE version = ${BigInt(migration.id)}`;
    case 'goose':
      return `DELETE FROM goose_db_version WHERE version_id = ${Number(migration.id)}`;
    case 'golang-migrate':
      return previous
        ? `UPDATE schema_migrations SET version = ${Number(previous.id)}, dirty = false`
        : 'DELETE FROM schema_migrations';
    case 'flyway':
      return `DELETE FROM flyway_schema_history WHERE version = ${text(migration.id)}`;
    case 'alembic':
      return previous ? `UPDATE alembic_version SET version_num = ${text(previous.id)}` : 'DELETE FROM alembic_version';
    case 'django': {
      const [app, name] = migration.id.split('.');
      return app && name
        ? `DELETE FROM django_migrations WHERE app = ${text(app)} AND name = ${text(name)}`
        : undefined;
    }
    case 'prisma':
      return `npx prisma migrate resolve --rolled-back ${path.posix.basename(path.posix.dirname(migration.path))}`;
    default:
      return undefined;
  }
}
