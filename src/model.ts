/**
 * The shared vocabulary of the engine: engines, source positions, statements and migrations.
 * Every module (sources, sql, safety, shadow, schema, generate, plan) speaks in these types.
 */

export type Engine = 'postgresql' | 'mysql' | 'mariadb' | 'sqlite' | 'mongodb' | 'mssql' | 'cockroachdb' | 'unknown';

/** 1-based line and column, as editors and compilers print them. */
export interface Position {
  line: number;
  column: number;
}

export interface Span {
  start: Position;
  end: Position;
}

/** One SQL statement with where it came from. */
export interface Statement {
  /** The statement text exactly as written (no trailing semicolon). */
  sql: string;
  /** Where the statement stands in the SQL text it was split from. */
  span: Span;
  /** Character offsets of the statement in that SQL text. */
  offset: { start: number; end: number };
  /**
   * Where the statement was produced in the original source, when that differs from the SQL text:
   * the `.ts` line of a `knex.schema.alterTable` call, the Python line of an Alembic op.
   */
  origin?: { file: string; line: number; column?: number };
}

/** Every migration format src/sources reads. */
export const MIGRATION_FORMATS = [
  'sql',
  'golang-migrate',
  'dbmate',
  'goose',
  'sql-migrate',
  'flyway',
  'diesel',
  'sqlx',
  'prisma',
  'drizzle',
  'knex',
  'typeorm',
  'sequelize',
  'alembic',
  'django',
  'multi-dialect-sql',
  'liquibase',
  'sqitch',
  'atlas',
  'rails',
  'ecto',
  'node-pg-migrate',
  'kysely',
  'mikro-orm',
  'db-migrate',
] as const;

export type MigrationFormat = (typeof MIGRATION_FORMATS)[number];

/** A migration as the tool applies it: ordered, with the SQL it runs up and down. */
export interface Migration {
  id: string;
  name: string;
  /** Path relative to the project root. */
  path: string;
  format: MigrationFormat;
  up: Statement[];
  /** Absent when the format has no down migration (Prisma) or the file does not define one. */
  down?: Statement[];
  /** Where and why the down fails on broken code (a ReferenceError in down()): rolling back cannot finish. */
  downFails?: string;
  /** Whether the tool wraps the migration in one transaction. */
  transactional: boolean;
  /**
   * How the tool sends the up SQL. 'one-query': the whole file as one multi-statement query, which PostgreSQL
   * runs as one implicit transaction (so CONCURRENTLY fails there when the file holds more than one statement);
   * 'per-statement': each statement on its own. Absent means per-statement.
   */
  execution?: 'one-query' | 'per-statement';
  /**
   * False when the SQL is unknown because producing it needs project code that was not run (knex, TypeORM,
   * Sequelize, Alembic, Django without executeProjectCode); `up` is then empty. Absent means the SQL is known.
   */
  compiled?: false;
  notes: string[];
}
