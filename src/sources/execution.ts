import type { Engine, Migration, MigrationFormat } from '../model.js';

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
  // A file that opens its own transaction turns the implicit block into that explicit one (BEGIN … COMMIT).
  return sentAsOneQuery(migration, engine) && !opensOwnTransaction(migration);
}

/** The tool sends the up SQL as one query of several statements, which PostgreSQL runs as implicit transactions. */
function sentAsOneQuery(migration: Pick<Migration, 'execution' | 'up'>, engine: Engine | string | undefined): boolean {
  return (
    migration.execution === 'one-query' &&
    migration.up.length > 1 &&
    (engine === undefined || engine === 'postgresql' || engine === 'cockroachdb')
  );
}

function opensOwnTransaction(migration: Pick<Migration, 'up'>): boolean {
  return migration.up.some((statement) => OPENS_TRANSACTION.test(statement.sql));
}

/**
 * A file sent as one query that opens its own transaction: PostgreSQL runs what precedes its BEGIN in the same
 * transaction (the implicit block becomes the explicit one), and what follows a COMMIT in a new implicit one, up to
 * the end of the query or the next BEGIN.
 */
export function oneQueryWithOwnTransaction(
  migration: Pick<Migration, 'execution' | 'up'>,
  engine: Engine | string | undefined,
): boolean {
  return sentAsOneQuery(migration, engine) && opensOwnTransaction(migration);
}

const OPENS_TRANSACTION = /^\s*(?:BEGIN|START\s+TRANSACTION)\s*(?:;|$|TRANSACTION\b|WORK\b|ISOLATION\b)/i;

/** What the check says about a file sent as one query that opens its own transaction. */
export function ownTransactionInOneQueryNote(migration: Pick<Migration, 'format'>): string {
  return `${migration.format === 'sql' ? 'A plain SQL runner' : migration.format} sends the file as one query: PostgreSQL runs the statements before its BEGIN in that transaction, and those after a COMMIT in an implicit transaction up to the end of the file (checked that way).`;
}

/** What the check and the rehearsal say about such a migration. */
export function implicitTransactionNote(migration: Pick<Migration, 'format'>): string {
  return `${migration.format === 'sql' ? 'A plain SQL runner' : migration.format} sends the file as one query, and PostgreSQL runs its statements as one implicit transaction: a failure rolls back the whole file, and CONCURRENTLY (or any statement that cannot run in a transaction block) fails there; give such a statement a migration file of its own.`;
}

/** Statements PostgreSQL refuses inside a transaction block (CONCURRENTLY, VACUUM, CREATE/DROP DATABASE …). */
export function cannotRunInTransaction(sql: string): boolean {
  const text = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
  return (
    /\bconcurrently\b/i.test(text) ||
    /^\s*(vacuum|create\s+database|drop\s+database|alter\s+system)\b/i.test(text) ||
    // A DO block or procedure that commits (a batched backfill) may only run outside a transaction block.
    (/^\s*(do|call)\b/i.test(text) && /\bcommit\b/i.test(text))
  );
}

/** How each tool is told to run one migration outside its transaction (or the one-query file), for fixes. */
const NO_TRANSACTION_SWITCH: Partial<Record<MigrationFormat, string>> = {
  knex: 'export `config = { transaction: false }` from the migration (knex then runs it outside a transaction)',
  typeorm: 'set `transaction = false` on the migration class (TypeORM then runs it outside a transaction)',
  'node-pg-migrate': 'call `pgm.noTransaction()` in the migration',
  'mikro-orm': 'override `isTransactional()` to return false in the migration class',
  kysely:
    "run the Migrator without a transaction for it (Kysely wraps every pending migration in one; give the statement a migration run with the adapter's transactions disabled)",
  'db-migrate': 'run it with `db-migrate up --non-transactional`, in a migration of its own',
  rails: 'add `disable_ddl_transaction!` to the migration class',
  ecto: 'add `@disable_ddl_transaction true` and `@disable_migration_lock true` to the migration module',
  goose: 'add `-- +goose NO TRANSACTION` to the migration file',
  dbmate: 'write the marker as `-- migrate:up transaction:false`',
  'sql-migrate': 'write the marker as `-- +migrate Up notransaction`',
  diesel: "set `run_in_transaction = false` in the migration's metadata.toml",
  sqlx: 'start the migration file with the line `-- no-transaction` (sqlx then runs it outside a transaction)',
  liquibase: 'set `runInTransaction:false` on the changeSet',
  atlas: 'add `-- atlas:txmode none` at the top of the file',
  flyway:
    'give the statement a migration file of its own (Flyway runs a file holding only such statements outside a transaction)',
  alembic: 'run it inside `with op.get_context().autocommit_block():`',
  django: 'set `atomic = False` on the Migration class',
  sequelize: 'run it outside `queryInterface.sequelize.transaction(…)`',
  drizzle: 'apply it outside drizzle-kit migrate (its migrator wraps every pending migration in one transaction)',
  prisma: 'give the statement a migration of its own (Prisma sends a file as one query)',
  'golang-migrate': 'give the statement a migration file of its own (golang-migrate sends a file as one query)',
  sql: 'give the statement a migration file of its own (a runner that sends the file as one query runs it in one transaction)',
};

/** "knex: export `config = { transaction: false }` …": the fix for a statement that cannot run in the tool's transaction. */
export function noTransactionFix(format: MigrationFormat): string {
  return NO_TRANSACTION_SWITCH[format] ?? 'give the statement a migration of its own that runs outside a transaction';
}
