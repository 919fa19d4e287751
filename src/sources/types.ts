import type { Engine, Migration, MigrationFormat } from '../model.js';

/** A per-file problem: the other migrations are still returned. */
export interface MigrationReadError {
  path: string;
  error: { code: string; what: string; fix: string; where?: { file?: string; line?: number; column?: number } };
}

export interface ReadMigrationsResult {
  format: MigrationFormat;
  /** The migration directory, relative to the project root. */
  directory: string;
  /** The engine the caller gave or the format declares (Prisma's provider, the knexfile client, Drizzle's dialect). */
  engine?: Engine;
  migrations: Migration[];
  errors: MigrationReadError[];
  /** Facts about the folder as a whole (other dialects present, files the format's index does not list). */
  notes?: string[];
}

export interface ReadMigrationsOptions {
  /** A migration file or folder inside the root; the whole migration directory when omitted. */
  path?: string;
  format?: MigrationFormat;
  engine?: Engine;
  /** Per-file time limit for loading and running project code (default 10 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Loading JS/TS migrations runs project code: only when true. */
  executeProjectCode?: boolean;
}

/** What a format reader gets: the real project root and the directory it was matched to. */
export interface ReadContext {
  root: string;
  /** Absolute migration directory. */
  directory: string;
  /** Absolute file or folder the caller narrowed the read to, when one was given. */
  only?: string;
  engine?: Engine;
  timeoutMs: number;
  signal?: AbortSignal;
  executeProjectCode: boolean;
  /** Files not to run (they hung the worker that ran them in an earlier attempt). */
  skip?: string[];
  /** Called before a file's code runs, so the isolating worker's watchdog knows which file is running. */
  onFile?: (absolute: string) => void;
}

export interface FormatRead {
  migrations: Migration[];
  errors: MigrationReadError[];
  /** The engine the format told us (Prisma's migration_lock.toml, the knexfile client …). */
  engine?: Engine;
  /** Facts about the folder as a whole (other dialects present, files the format's index does not list). */
  notes?: string[];
}

/**
 * One migration format. `locate` looks at a folder (the root or a folder the caller named) and returns the
 * migration directory when the layout is this format's; `read` returns the migrations in apply order.
 */
export interface FormatReader {
  format: MigrationFormat;
  /** Lower runs first when several formats could match a folder. */
  priority: number;
  /** True when reading runs project code (JS/TS migrations): it then runs in a worker thread with a watchdog. */
  runsProjectCode?: boolean;
  locate(root: string, candidate: string): Promise<string | undefined>;
  read(context: ReadContext): Promise<FormatRead>;
}
