/**
 * What detect_setup reports about a project: one entry per package (the root, each workspace member, each
 * nested Python/Go/Rust project), plus what was ambiguous and what was skipped. Paths are relative to the
 * project root with forward slashes.
 */
import type { MigrationFormat } from '../model.js';

/** Every ORM and migration tool detect_setup recognises (src/sources/registry.ts has a module for each that migrates). */
export const TOOL_NAMES = [
  'prisma',
  'typeorm',
  'knex',
  'drizzle',
  'sequelize',
  'mongoose',
  'mikro-orm',
  'alembic',
  'django',
  'sqlalchemy',
  'tortoise',
  'golang-migrate',
  'dbmate',
  'goose',
  'flyway',
  'diesel',
  'sqlx',
  'sql-migrate',
  /** A folder of plain .sql migrations no tool claims (supabase/migrations, db/migrate …). */
  'sql',
  'multi-dialect-sql',
  'liquibase',
  'sqitch',
  'atlas',
  'rails',
  'ecto',
  'node-pg-migrate',
  'kysely',
  'db-migrate',
] as const;

export type ToolName = (typeof TOOL_NAMES)[number];

/** One fact and the file it was read from. */
export interface Evidence {
  file: string;
  what: string;
}

export interface ToolFinding {
  name: ToolName;
  /** The version or range as the project declares it (package.json range, requirements pin, go.mod version). */
  version?: string;
  evidence: Evidence[];
}

export interface EngineFinding {
  /** postgresql, mysql, mariadb, sqlite, mongodb, mssql, cockroachdb, or another engine by its own name. */
  name: string;
  /** Server version when a docker-compose image or similar names one. */
  version?: string;
  evidence: Evidence[];
}

export interface MigrationDir {
  path: string;
  tool: ToolName;
  /** Migrations of `path` and of the `alongside` folders together. */
  count: number;
  /** Folders whose migrations the tool applies in one order with this folder's (Rails' db/post_migrate). */
  alongside?: string[];
  /** The format list_migrations, check and rehearse read it as; absent when the tool's migrations are not read yet. */
  format?: MigrationFormat;
}

export interface MigrationEntry {
  /** The id the tool orders by (timestamp, number, revision). */
  id: string;
  name: string;
  /** The migration file, or the folder for formats that keep one folder per migration. */
  path: string;
  tool: ToolName;
  hasDown: boolean;
  /** False when the file opts out of the tool's transaction (knex config, goose NO TRANSACTION, atomic = False…). */
  transactional: boolean;
}

export type DownPresence = 'always' | 'sometimes' | 'never';

export interface Conventions {
  tool: ToolName;
  /** The naming pattern, e.g. YYYYMMDDHHMMSS_name, 0001_name, V<version>__name. */
  naming: string;
  /** The newest existing name, to copy. */
  example: string;
  extension: string;
  moduleStyle: 'esm' | 'cjs' | 'ts' | 'sql' | 'python' | 'go' | 'ruby' | 'elixir' | 'xml' | 'yaml' | 'json' | 'none';
  down: DownPresence;
  /** How the tool wraps migrations in transactions, in words. */
  transaction: string;
}

export interface ProjectCommand {
  command: string;
  /** `package.json scripts.<name>` when the project defines it, else `<tool> convention`. */
  source: string;
}

export interface Commands {
  create?: ProjectCommand;
  apply?: ProjectCommand;
  rollback?: ProjectCommand;
  status?: ProjectCommand;
  seed?: ProjectCommand;
}

export interface PackageSetup {
  /** Package folder relative to the root ('.' for the root). */
  path: string;
  /** package.json / pyproject name when there is one. */
  name?: string;
  orms: ToolFinding[];
  /** Absent when nothing names the engine, or when sources conflict (see ambiguities). */
  engine?: EngineFinding;
  schemaFiles: string[];
  migrationDirs: MigrationDir[];
  /** Existing migrations in the order the tool applies them. */
  migrations: MigrationEntry[];
  conventions: Conventions[];
  seeds: string[];
  commands: Commands;
  /** Folders named like migration folders whose files match no known format (list_migrations and check refuse them). */
  unknownMigrationDirs?: string[];
}

export interface DetectResult {
  /** Absolute project root. */
  root: string;
  packages: PackageSetup[];
  /** What could not be decided (two ORMs, several schema files, conflicting engines) — never guessed. */
  ambiguities: string[];
  /** What was skipped or capped (symlinks, file limits, unreadable files). */
  warnings: string[];
  stats: { files: number; directories: number; capped: boolean; elapsedMs: number };
}
