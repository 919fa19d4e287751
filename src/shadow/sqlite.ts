import type BetterSqlite3 from 'better-sqlite3';
import { introspectSqlite } from '../schema/introspect/sqlite.js';
import type { Schema } from '../schema/model.js';
import type { BaselineImage, ExecResult, ShadowDatabase, ShadowSnapshot } from './types.js';

/**
 * The SQLite shadow: an in-memory better-sqlite3 database, optionally loaded from a copy of a file's bytes (the
 * file itself is never opened for writing). Snapshots are `serialize()` buffers. Foreign keys are enforced.
 */

interface SqliteSnapshot extends ShadowSnapshot {
  readonly kind: 'sqlite';
  readonly image: Buffer;
}

export class SqliteShadow implements ShadowDatabase {
  readonly engine = 'sqlite' as const;
  readonly kind = 'sqlite' as const;
  readonly description = 'SQLite in memory (better-sqlite3)';
  readonly transactionalDdl = true;

  private constructor(
    private db: BetterSqlite3.Database,
    private readonly Database: typeof BetterSqlite3,
  ) {}

  static async open(image?: Buffer): Promise<SqliteShadow> {
    const { default: Database } = await import('better-sqlite3');
    const db = image ? new Database(image) : new Database(':memory:');
    db.pragma('foreign_keys = ON');
    return new SqliteShadow(db, Database);
  }

  async exec(sql: string): Promise<ExecResult> {
    const statement = this.tryPrepare(sql);
    if (!statement) {
      this.db.exec(sql);
      return {};
    }
    if (statement.reader) {
      statement.all();
      return {};
    }
    const result = statement.run();
    return /^\s*(insert|update|delete|replace)\b/i.test(sql) ? { rowsAffected: result.changes } : {};
  }

  /** A single statement is prepared (to get its change count); a script falls back to exec. */
  private tryPrepare(sql: string): BetterSqlite3.Statement | undefined {
    try {
      return this.db.prepare(sql);
    } catch (error) {
      if (/more than one statement/i.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const statement = this.db.prepare(sql);
    if (statement.reader) return statement.all(...params) as Row[];
    statement.run(...params);
    return [];
  }

  async begin(): Promise<void> {
    this.db.exec('BEGIN');
  }
  async commit(): Promise<void> {
    this.db.exec('COMMIT');
  }
  async rollback(): Promise<void> {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  async snapshot(): Promise<SqliteSnapshot> {
    const image = this.db.serialize();
    return { kind: 'sqlite', label: `SQLite image (${Math.round(image.length / 1024)} KiB)`, image };
  }

  /** The current state as a cached baseline image: a serialized database, deserialized (copied) on open. */
  async captureBaseline(): Promise<BaselineImage> {
    const image = this.db.serialize();
    return {
      kind: 'sqlite',
      bytes: image.length,
      label: `SQLite image (${Math.round(image.length / 1024).toLocaleString('en-US')} KiB)`,
      open: () => SqliteShadow.open(image),
      release: async () => undefined,
    };
  }

  async restore(snapshot: ShadowSnapshot): Promise<void> {
    this.db.close();
    this.db = new this.Database((snapshot as SqliteSnapshot).image);
    this.db.pragma('foreign_keys = ON');
  }

  introspect(): Promise<Schema> {
    return introspectSqlite(this);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
