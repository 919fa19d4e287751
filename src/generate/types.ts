import type { Engine } from '../model.js';
import type { Schema } from '../schema/model.js';
import type { Change } from './changes.js';

/**
 * What generate_migration hands to a format's writer: one migration's SQL (already made safe by the planner:
 * lock_timeout, CONCURRENTLY, NOT VALID + VALIDATE, phases) plus the changes behind it, for writers that say them
 * in a builder (knex schema builder, Alembic op.*) or edit a model file (schema.prisma, Drizzle schema.ts).
 */
export interface MigrationDraft {
  /** Descriptive snake_case name: add_orders_table, never migration_042. */
  name: string;
  engine: Engine;
  /** Statements without trailing semicolons, in order. */
  up: string[];
  /** The statements that undo `up`, in order. Always present: every generated migration has a down. */
  down: string[];
  /** False when a statement cannot run in a transaction (CREATE INDEX CONCURRENTLY, batched backfill, MySQL DDL). */
  transactional: boolean;
  /** The changes this migration carries (empty when it came from a diff and only its SQL is known). */
  changes: Change[];
  /** Phase of a phased plan (1-based) and what it is, e.g. { index: 1, of: 3, label: 'expand' }. */
  phase?: { index: number; of: number; label: 'expand' | 'backfill' | 'contract' | 'index' | 'validate' | 'change' };
  /** What the application must do before this migration runs (phased plans), one sentence. */
  applicationChange?: string;
}

/** What a writer may look at: existing files, for naming and style; it never writes itself. */
export interface WriteContext {
  /** Absolute project root. */
  root: string;
  /** The time that stamps the migration (timestamps in names); successive drafts get successive seconds. */
  now: Date;
  /** Reads a file relative to the project root; undefined when absent. */
  read(relativePath: string): string | undefined;
  /** The schema once this draft has run (a shadow read back), for writers that keep a model snapshot (Drizzle). */
  schemaAfter?: Schema;
}

export interface GeneratedFile {
  /** Path relative to the project root. */
  path: string;
  text: string;
  /**
   * True for an existing file the writer changed (sqitch.plan, the Drizzle journal, schema.prisma, a Liquibase
   * master changelog); false for a new migration file, which must not exist yet.
   */
  edit: boolean;
}
