import type { Schema } from '../schema/model.js';

/** The engines a shadow database can be: what the rehearsal runs on. */
export type ShadowEngine = 'postgresql' | 'mysql' | 'sqlite';

/** Which adapter backs a shadow. */
export type ShadowKind = 'pglite' | 'postgres-server' | 'mysql-server' | 'sqlite';

export interface ExecResult {
  /** Rows inserted/updated/deleted by the statement, when the engine reports it. */
  rowsAffected?: number;
}

/** A saved baseline an adapter can turn back into a fresh shadow database. */
export interface BaselineImage {
  readonly kind: ShadowKind;
  /** Memory the image holds in this process (0 for a template database on a server). */
  readonly bytes: number;
  /** `PGlite data directory (2,345 KiB)`, `template database dma_shadow_tpl_…`. */
  readonly label: string;
  /**
   * Opens a new shadow holding exactly this baseline; the caller closes it as usual. `extensions`: ones the next
   * migration creates, which the embedded PostgreSQL must load when it starts.
   */
  open(options: { keepWarm: boolean; extensions?: readonly string[] }): Promise<ShadowDatabase>;
  /** Prepares the next `open` in the background (a long-lived process between calls). */
  warm?(): void;
  /** Frees what the image holds: drops a template database, forgets a prepared instance. */
  release(): Promise<void>;
}

/** An opaque saved state of a shadow database; only the adapter that made it can restore it. */
export interface ShadowSnapshot {
  readonly kind: ShadowKind;
  readonly label: string;
}

/**
 * A throw-away database the tool created (or a server the user named as shadow, on which it created a fresh
 * database). Everything the rehearsal writes goes through this interface; `close()` drops whatever the adapter
 * created, also after a failure or a cancellation.
 */
export interface ShadowDatabase {
  readonly engine: ShadowEngine;
  readonly kind: ShadowKind;
  /** Human description: `PGlite (in-process)`, `dma_shadow_ab12 on 127.0.0.1:5432`… */
  readonly description: string;
  /** Whether DDL can be rolled back (false for MySQL/MariaDB: every DDL statement commits implicitly). */
  readonly transactionalDdl: boolean;
  exec(sql: string): Promise<ExecResult>;
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  snapshot(): Promise<ShadowSnapshot>;
  restore(snapshot: ShadowSnapshot): Promise<void>;
  introspect(): Promise<Schema>;
  /**
   * Saves the current state as a baseline image later rehearsals start from (baseline-cache.ts). Throws when the
   * adapter cannot copy this state faithfully; the rehearsal then simply does not cache it.
   */
  captureBaseline?(key: string): Promise<BaselineImage>;
  /**
   * Stops the statement running now, for a time limit or a cancellation (ends PGlite's worker, cancels the
   * server query); afterwards only close() is called. Without it the statement runs on until close() drops.
   */
  interrupt?(): Promise<void>;
  /** Closes connections and drops every database the adapter created. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * A statement the shadow itself cannot run: a limit of the throw-away database (an extension the embedded PostgreSQL
 * lacks), not a fault of the migration. `fix` names another shadow rather than a change to the migration.
 */
export class ShadowLimitation extends Error {
  constructor(
    message: string,
    readonly fix: string,
    readonly code?: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ShadowLimitation';
  }
}

/** A database error normalised across drivers, with the character position PostgreSQL reports. */
export interface ShadowErrorInfo {
  message: string;
  code?: string;
  /** 1-based character offset inside the statement (PostgreSQL `position`). */
  position?: number;
  detail?: string;
}

export function describeDatabaseError(error: unknown): ShadowErrorInfo {
  if (error && typeof error === 'object') {
    const record = error as Record<string, unknown>;
    const info: ShadowErrorInfo = { message: String(record.message ?? error) };
    const code = record.code ?? record.sqlState;
    if (typeof code === 'string' || typeof code === 'number') info.code = String(code);
    const position = Number(record.position);
    if (Number.isFinite(position) && position > 0) info.position = position;
    if (typeof record.detail === 'string' && record.detail) info.detail = record.detail;
    return info;
  }
  return { message: String(error) };
}
