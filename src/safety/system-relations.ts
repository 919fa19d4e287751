/**
 * Relations no migration creates, so a schema replayed from migrations never knows them: PostgreSQL's own
 * catalogs (an unqualified `pg_…` name always resolves to pg_catalog first) and the bookkeeping tables migration
 * tools create for themselves. A reference to one is not a reference to a missing table.
 */

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

/** Schemas a tool keeps its registry in (Sqitch's `sqitch.changes`, `sqitch.tags` …). */
const TOOL_SCHEMAS = new Set(['sqitch']);

/**
 * Each tool's history and lock tables, folded to lower case as unquoted names are: those of every format this
 * tool reads (test/safety/system-relations.test.ts keeps them in step) and of common tools it does not.
 * TypeORM's and db-migrate's `migrations` is left out: too common a name for a project's own table.
 */
const TOOL_TABLES = new Set([
  '_prisma_migrations',
  '__diesel_schema_migrations',
  '_sqlx_migrations',
  'seaql_migrations',
  'refinery_schema_history',
  'gorp_migrations',
  'atlas_schema_revisions',
  'schema_version',
  'schema_migrations',
  'ar_internal_metadata',
  'knex_migrations',
  'knex_migrations_lock',
  'flyway_schema_history',
  'alembic_version',
  'django_migrations',
  '__drizzle_migrations',
  'databasechangelog',
  'databasechangeloglock',
  '__efmigrationshistory',
  'sequelizemeta',
  'kysely_migration',
  'kysely_migration_lock',
  'pgmigrations',
  'goose_db_version',
  'mikro_orm_migrations',
  'typeorm_metadata',
]);

/** `key` is a `schema.table` key. */
export function isSystemOrToolRelation(key: string): boolean {
  const { schema, name } = splitKey(key);
  return isSystemCatalog(key) || TOOL_SCHEMAS.has(schema) || TOOL_TABLES.has(name.toLowerCase());
}

/** PostgreSQL's own catalogs and information_schema views: their size follows the schema, not the data. */
export function isSystemCatalog(key: string): boolean {
  const { schema, name } = splitKey(key);
  return SYSTEM_SCHEMAS.has(schema) || name.startsWith('pg_');
}

function splitKey(key: string): { schema: string; name: string } {
  const dot = key.indexOf('.');
  return { schema: key.slice(0, dot), name: key.slice(dot + 1) };
}
