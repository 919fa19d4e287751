import type { GeneratedFile, MigrationDraft, WriteContext } from '../generate/types.js';
import type { Engine, Migration, MigrationFormat } from '../model.js';
import type { PackageContext } from '../project/context.js';
import type { Conventions, MigrationDir, MigrationEntry, ToolName } from '../project/types.js';
import type { Bookkeeping } from './bookkeeping.js';

/** A per-file problem: the other migrations are still returned. */
export interface MigrationReadError {
  path: string;
  error: { code: string; what: string; fix: string; where?: { file?: string; line?: number; column?: number } };
}

export interface ReadMigrationsResult {
  /** The package the folder belongs to, relative to the project root ('.' for the root package). */
  package: string;
  format: MigrationFormat;
  /** The migration directory, relative to the project root. */
  directory: string;
  /** Folders read with `directory` in one version order (Rails' db/post_migrate), relative to the root. */
  alongside?: string[];
  /** The engine the caller gave or the format declares (Prisma's provider, the knexfile client, Drizzle's dialect). */
  engine?: Engine;
  /**
   * The engine these migrations run on, decided per folder, with where it was learned: the caller's, the
   * format's declaration, else the package's (or the root package's) files. Absent when nothing names one.
   */
  folderEngine?: FolderEngine;
  migrations: Migration[];
  errors: MigrationReadError[];
  /** Facts about the folder as a whole (other dialects present, files the format's index does not list). */
  notes?: string[];
  /** Files of the folder the format deliberately did not read, each explained in `notes` (another engine's dialect). */
  setAside?: string[];
  /** See FormatRead.schemaNotFromStart. */
  schemaNotFromStart?: boolean;
}

export interface FolderEngine {
  name: Engine;
  /** Where it was learned, e.g. "prisma configuration of prisma/migrations" or "knexfile.js: client: 'pg'". */
  where: string;
}

export interface ReadMigrationsOptions {
  /** A migration file or folder inside the root; the whole migration directory when omitted. */
  path?: string;
  format?: MigrationFormat;
  engine?: Engine;
  /** Per-file time limit for loading and running project code (default 10 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Loading JS/TS/Python migrations runs project code: only with consent (see ProjectCodeConsent). */
  executeProjectCode?: ProjectCodeConsent;
  /** Cap on the files walked to find the migration folders (detect_setup's maxFiles; default 100000). */
  maxFiles?: number;
}

/**
 * Consent to run project code: given up front, or a question (asked at most once) that is only put when the
 * migrations found are code. Declined, cancelled or unanswerable means no.
 */
export type ProjectCodeConsent = boolean | (() => Promise<boolean>);

/** What a format reader gets: the real project root, the package and the directory detect matched. */
export interface ReadContext {
  root: string;
  /** Absolute folder of the package that owns the migrations: where the tool's config and dependencies live. */
  package: string;
  /** Absolute migration directory. */
  directory: string;
  /** Absolute folders whose migrations the tool applies in one order with `directory`'s (MigrationDir.alongside). */
  alongside?: string[];
  /** Absolute file or folder the caller narrowed the read to, when one was given. */
  only?: string;
  engine?: Engine;
  timeoutMs: number;
  signal?: AbortSignal;
  executeProjectCode: boolean;
  /** Files not to run (they hung or ended the sandbox that ran them in an earlier attempt). */
  skip?: string[];
  /** Called before a file's code runs, so the sandbox's watchdog knows which file is running. */
  onFile?: (absolute: string) => void;
}

export interface FormatRead {
  migrations: Migration[];
  errors: MigrationReadError[];
  /** The engine the format told us (Prisma's migration_lock.toml, the knexfile client …). */
  engine?: Engine;
  /** Facts about the folder as a whole (other dialects present, files the format's index does not list). */
  notes?: string[];
  /** Files of the folder deliberately not read, each explained in `notes` (another engine's dialect). */
  setAside?: string[];
  /**
   * The migrations run with settings their files do not show (Ecto.Migrator's prefix:), so a table they name may be
   * one they did not create: the check does not take the folder's schema as known from its first migration.
   */
  schemaNotFromStart?: boolean;
}

/** One migration folder as detect_setup sees it: its migrations in apply order and the conventions to follow. */
export interface MigrationScan {
  dir: MigrationDir;
  migrations: MigrationEntry[];
  conventions?: Conventions;
}

/**
 * Writes a generated migration in a format's own layout, naming and style, next to the existing ones
 * (src/generate/ plans the SQL; the writer only says it the way this project's migrations do).
 */
export type FormatWriter = (draft: MigrationDraft, folder: MigrationScan, context: WriteContext) => GeneratedFile[];

/**
 * One migration tool's home: how detect_setup finds its folders (scan over the walked file index, never running
 * project code), how its migrations are read into statements, and (later) how a new one is written. detect_setup,
 * list_migrations, check, validate_safety and rehearse all locate folders through `scan`, so they cannot disagree.
 */
export interface FormatModule {
  /** The name detect_setup reports for the folder's tool. */
  tool: ToolName;
  /** How the tool is written in help texts and the README. */
  label: string;
  /** Lower scans first; a folder claimed by one module is not offered to the next. */
  priority: number;
  /** The folders of this format in one package, with their migrations in apply order and conventions. */
  scan(context: PackageContext): MigrationScan[];
  write?: FormatWriter;
  /** The table where the tool records what it applied to a database (migration_status reads it). */
  bookkeeping?: Bookkeeping;
}

/** A module whose migrations we can read: `format` is the name list_migrations, check and rehearse use. */
export interface FormatReader extends FormatModule {
  format: MigrationFormat;
  /** True when reading runs project code (JS/TS migrations): it then runs in the sandbox (src/sandbox/). */
  runsProjectCode?: boolean;
  /** True when reading runs the project's Python (alembic env.py, Django settings): it needs the same consent. */
  runsPythonCode?: boolean;
  /** True when this project's recorder loads a native addon (better-sqlite3 for SQLite in memory). */
  nativeAddons?(context: ReadContext): Promise<boolean>;
  /** Migrations are code (JS/TS or Python): their SQL is known only when executeProjectCode allows running it. */
  codeMigrations?: boolean;
  /** Reads every migration of the folder detect matched (Django: of every app of the package). */
  read(context: ReadContext): Promise<FormatRead>;
}

/** A tool detect_setup recognises whose migrations are not read yet (listed, never checked). */
export type ScanOnlyModule = FormatModule;

export function isReader(module: FormatModule): module is FormatReader {
  return 'read' in module && typeof (module as FormatReader).read === 'function';
}
