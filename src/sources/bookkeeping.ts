import path from 'node:path';
import { nodeCrypto } from '../lazy-builtins.js';
import type { Engine, Migration } from '../model.js';
import { readText } from './files.js';

/**
 * A migration tool's own record of what it applied to a database (knex_migrations, _prisma_migrations,
 * flyway_schema_history …). Each format module declares its table here; migration_status reads the rows over a
 * read-only connection and matches them to the project's migrations by `keyOf`.
 */

/** One bookkeeping row, column names lower-cased (Liquibase's are upper case on MySQL). */
export type BookkeepingRow = Record<string, unknown>;

/** What a row says about one migration. */
export interface AppliedRecord {
  /** Matches `Bookkeeping.keyOf` of the local migration it records. */
  key: string;
  /** How the row names it, for reports (a file name, a version). */
  label: string;
  /** 'failed': started and not finished (Prisma), success = false (Flyway), the dirty version (golang-migrate). */
  state: 'applied' | 'failed';
  /** The checksum the tool stored when it applied the migration, in the form `Bookkeeping.checksum` computes. */
  checksum?: string;
}

export interface Bookkeeping {
  /** The tool's default table name (matched case-insensitively). */
  table: string;
  /** PostgreSQL schema the tool keeps it in, looked up there only (Drizzle: "drizzle", Sqitch: "sqitch"). */
  postgresSchema?: string;
  /** Every table the tool owns (the bookkeeping table, its lock table): never reported as drift. */
  ownTables: string[];
  /** The table the project's own configuration names instead (knexfile `tableName`), read as text, never run. */
  configured?(packageDirectory: string): Promise<Pick<Bookkeeping, 'table' | 'ownTables'> | undefined>;
  /**
   * The rows as records. Tools that store only the current version (golang-migrate, alembic) expand it over the
   * project's migrations, which they get in apply order.
   */
  records(rows: BookkeepingRow[], local: Migration[]): AppliedRecord[];
  /** The key of a project migration, as its row would store it. */
  keyOf(migration: Migration, root: string): string;
  /** The checksum the tool would store for the migration file as it is now (`text`: the file's content). */
  checksum?(text: string): string;
  /**
   * The checksum the tool would store for one migration of a file holding several (Liquibase's changeSets), in
   * the form `AppliedRecord.checksum` has, on the environment's engine (Liquibase parameters may depend on it);
   * undefined when it cannot be computed (then it is not compared).
   */
  checksumOf?(migration: Migration, root: string, engine?: Engine, stored?: string): string | undefined;
  /** Migrations the tool re-runs whenever they change (Flyway's R__): an edit makes them pending, not an error. */
  repeatable?(migration: Migration, root: string): boolean;
  /**
   * The sequence a migration is ordered within, when the tool orders per group (Django: per app); out-of-order is
   * judged inside each sequence. Default: one sequence.
   */
  sequenceOf?(migration: Migration): string;
}

/** `20240101_create_users.ts` for `migrations/20240101_create_users.ts`. */
export function fileNameOf(migration: Migration): string {
  return path.posix.basename(migration.path);
}

/** The file name without its extension. */
export function fileStemOf(migration: Migration): string {
  return fileNameOf(migration).replace(/\.[^.]+$/, '');
}

/** Rows keyed by one column, each an applied record (knex, Sequelize, node-pg-migrate, Kysely, dbmate, Diesel …). */
export function recordsByColumn(rows: BookkeepingRow[], column: string): AppliedRecord[] {
  return rows.map((row) => {
    const key = String(row[column] ?? '');
    return { key, label: key, state: 'applied' as const };
  });
}

/**
 * For tools that store only the version reached (golang-migrate, alembic): every project migration up to and
 * including that one is applied. A version the project does not have is reported on its own.
 */
export function recordsUpTo(
  version: string,
  local: Migration[],
  keyOf: (migration: Migration) => string,
  failed = false,
): AppliedRecord[] {
  const index = local.findIndex((migration) => keyOf(migration) === version);
  if (index < 0) return [{ key: version, label: version, state: failed ? 'failed' : 'applied' }];
  return local.slice(0, index + 1).map((migration, at) => {
    const key = keyOf(migration);
    return { key, label: key, state: failed && at === index ? 'failed' : 'applied' };
  });
}

export function sha256Hex(text: string): string {
  return nodeCrypto().createHash('sha256').update(text).digest('hex');
}

export function sha1Hex(text: string): string {
  return nodeCrypto().createHash('sha1').update(text).digest('hex');
}

/** Numbers compared as numbers: `001` and `1` are the same version. */
export function numericKey(value: unknown): string {
  const text = String(value ?? '').trim();
  return /^\d+$/.test(text) ? BigInt(text).toString() : text;
}

export function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true' || value === 'YES';
}

/**
 * A table name the project's configuration sets under `key` (`migrationsTableName: 'history'`, JSON or JS), read
 * as text from the first of `files` that has it; the configuration is never run.
 */
export async function configuredTableName(
  packageDirectory: string,
  files: readonly string[],
  key: string,
): Promise<string | undefined> {
  const pattern = new RegExp(`["']?\\b${key}["']?\\s*:\\s*["'\`]([^"'\`]+)["'\`]`);
  for (const file of files) {
    const value = pattern.exec((await readText(path.join(packageDirectory, file))) ?? '')?.[1];
    if (value) return value;
  }
  return undefined;
}
