import type { PGlite } from '@electric-sql/pglite';
import { introspectPostgres } from '../schema/introspect/postgres.js';
import type { Schema } from '../schema/model.js';
import {
  readEmptyDataDir as readCachedEmptyDataDir,
  writeEmptyDataDir as writeCachedEmptyDataDir,
} from './pglite-cache.js';
import type { ExecResult, ShadowDatabase, ShadowSnapshot } from './types.js';

/**
 * The embedded PostgreSQL shadow (PGlite: PostgreSQL compiled to WASM, in this process). Nothing to set up and
 * nothing to drop: the database lives in memory and vanishes on close. Snapshots are data-directory dumps.
 */

interface PgliteSnapshot extends ShadowSnapshot {
  readonly kind: 'pglite';
  readonly dataDir: Blob;
}

let pgliteModule: Promise<typeof import('@electric-sql/pglite')> | undefined;
/** A freshly initialised, empty data directory: loading it (~0.3 s) is far cheaper than initdb (~1–2 s). */
let emptyDataDir: Promise<Blob> | undefined;
/** One ready instance kept aside for the next rehearsal, when a long-lived process asked for it. */
let spare: Promise<PGlite> | undefined;

function loadPglite(): Promise<typeof import('@electric-sql/pglite')> {
  pgliteModule ??= import('@electric-sql/pglite');
  return pgliteModule;
}

export class PgliteShadow implements ShadowDatabase {
  readonly engine = 'postgresql' as const;
  readonly kind = 'pglite' as const;
  readonly description = 'PGlite (embedded PostgreSQL, in memory)';
  readonly transactionalDdl = true;
  private closed = false;

  private constructor(private db: PGlite) {}

  /**
   * Opens an empty PGlite database, or one loaded from a snapshot. With `keepWarm` (the MCP server, a benchmark),
   * a spare instance is prepared in the background so the next rehearsal starts without waiting for PGlite.
   */
  static async open(options: { from?: Blob; keepWarm?: boolean } = {}): Promise<PgliteShadow> {
    const { PGlite } = await loadPglite();
    if (options.from) return new PgliteShadow(await PGlite.create({ loadDataDir: options.from }));
    const ready = spare ? await spare.catch(() => undefined) : undefined;
    spare = undefined;
    const db = ready ?? (await createEmpty(options.keepWarm === true));
    if (options.keepWarm) {
      spare = createEmpty(true);
      spare.catch(() => undefined);
    }
    return new PgliteShadow(db);
  }

  async exec(sql: string): Promise<ExecResult> {
    const results = await this.db.exec(sql);
    let rows: number | undefined;
    for (const result of results) {
      if (result.affectedRows !== undefined) rows = (rows ?? 0) + result.affectedRows;
    }
    return rows === undefined ? {} : { rowsAffected: rows };
  }

  async query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]> {
    const result = await this.db.query<Row>(sql, params);
    return result.rows;
  }

  async begin(): Promise<void> {
    await this.db.exec('BEGIN');
  }
  async commit(): Promise<void> {
    await this.db.exec('COMMIT');
  }
  async rollback(): Promise<void> {
    await this.db.exec('ROLLBACK');
  }

  async snapshot(): Promise<PgliteSnapshot> {
    const dataDir = await this.db.dumpDataDir('none');
    return { kind: 'pglite', label: `PGlite data directory (${Math.round(dataDir.size / 1024)} KiB)`, dataDir };
  }

  async restore(snapshot: ShadowSnapshot): Promise<void> {
    const { PGlite } = await loadPglite();
    const next = await PGlite.create({ loadDataDir: (snapshot as PgliteSnapshot).dataDir });
    await this.db.close().catch(() => undefined);
    this.db = next;
  }

  introspect(): Promise<Schema> {
    return introspectPostgres(this);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close().catch(() => undefined);
  }
}

async function createEmpty(rememberImage: boolean): Promise<PGlite> {
  const { PGlite } = await loadPglite();
  if (emptyDataDir) return PGlite.create({ loadDataDir: await emptyDataDir });
  const cached = await readCachedEmptyDataDir();
  if (cached) {
    try {
      const db = await PGlite.create({ loadDataDir: cached });
      if (rememberImage) emptyDataDir = Promise.resolve(cached);
      return db;
    } catch {
      // A cache from another PGlite build or a damaged file: fall back to initdb and rewrite it.
    }
  }
  const db = await PGlite.create();
  const image = db.dumpDataDir('none');
  if (rememberImage) emptyDataDir = image;
  await writeCachedEmptyDataDir(await image);
  return db;
}

/** Closes the spare instance (end of a benchmark or of the server). */
export async function releaseWarmPglite(): Promise<void> {
  const pending = spare;
  spare = undefined;
  const db = pending ? await pending.catch(() => undefined) : undefined;
  await db?.close().catch(() => undefined);
}
