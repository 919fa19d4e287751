import type { Extensions, PGlite } from '@electric-sql/pglite';
import { introspectPostgres } from '../schema/introspect/postgres.js';
import type { Schema } from '../schema/model.js';
import type { BaselineImage } from './baseline-cache.js';
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
/**
 * One ready instance kept aside for the next rehearsal, when a long-lived process asked for it: an empty database,
 * or (`image` set) one loaded from the cached baseline the last rehearsal used, since the next call most likely
 * rehearses the same project again.
 */
let spare: { image?: string; db: Promise<PGlite> } | undefined;

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
  static async open(
    options: { from?: Blob; image?: string; keepWarm?: boolean; extensions?: string[] } = {},
  ): Promise<PgliteShadow> {
    const { PGlite } = await loadPglite();
    if (options.extensions?.length) {
      // Extensions are loaded when the instance starts, so such a shadow never comes from the spare or the cache.
      return new PgliteShadow(await PGlite.create({ extensions: await loadExtensions(options.extensions) }));
    }
    const from = options.from;
    const wanted = from ? options.image : undefined;
    const matching = spare && spare.image === wanted && (from === undefined || wanted !== undefined);
    const taken = matching ? spare : undefined;
    if (taken) spare = undefined;
    const ready = taken ? await taken.db.catch(() => undefined) : undefined;
    const db =
      ready ?? (from ? await PGlite.create({ loadDataDir: from }) : await createEmpty(options.keepWarm === true));
    if (options.keepWarm) prepareSpare(from && wanted ? { image: wanted, from } : undefined);
    return new PgliteShadow(db);
  }

  /** The current state as a cached baseline image: a data-directory dump, loaded into a new PGlite on open. */
  async captureBaseline(key: string): Promise<BaselineImage> {
    const dataDir = await this.db.dumpDataDir('none');
    return {
      kind: 'pglite',
      bytes: dataDir.size,
      label: `PGlite data directory (${Math.round(dataDir.size / 1024).toLocaleString('en-US')} KiB)`,
      open: ({ keepWarm }) => PgliteShadow.open({ from: dataDir, image: key, keepWarm }),
      warm: () => prepareSpare({ image: key, from: dataDir }),
      release: async () => {
        if (spare?.image === key) await releaseWarmPglite();
      },
    };
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

/** The PostgreSQL extensions PGlite ships (contrib modules and pgvector), by the name CREATE EXTENSION uses. */
export const PGLITE_EXTENSIONS = new Set([
  'amcheck',
  'bloom',
  'btree_gin',
  'btree_gist',
  'citext',
  'cube',
  'dict_int',
  'dict_xsyn',
  'earthdistance',
  'fuzzystrmatch',
  'hstore',
  'intarray',
  'isn',
  'lo',
  'ltree',
  'moddatetime',
  'pg_trgm',
  'pgcrypto',
  'seg',
  'tablefunc',
  'tcn',
  'tsm_system_rows',
  'tsm_system_time',
  'unaccent',
  'uuid-ossp',
  'vector',
]);

async function loadExtensions(names: string[]): Promise<Extensions> {
  const extensions: Extensions = {};
  for (const name of names.filter((item) => PGLITE_EXTENSIONS.has(item))) {
    const key = name.replace(/-/g, '_');
    const specifier = name === 'vector' ? '@electric-sql/pglite/vector' : `@electric-sql/pglite/contrib/${key}`;
    const module = (await import(specifier)) as Record<string, unknown>;
    extensions[key] = module[key] as Extensions[string];
  }
  return extensions;
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

/** Replaces the spare instance with a new one: empty, or loaded from a cached baseline image. */
function prepareSpare(source: { image: string; from: Blob } | undefined): void {
  const previous = spare;
  if (previous && previous.image === source?.image) return;
  const db = source
    ? loadPglite().then(({ PGlite }) => PGlite.create({ loadDataDir: source.from }))
    : createEmpty(true);
  db.catch(() => undefined);
  spare = { ...(source ? { image: source.image } : {}), db };
  if (previous) void previous.db.then((old) => old.close()).catch(() => undefined);
}

/** Closes the spare instance (end of a benchmark or of the server). */
export async function releaseWarmPglite(): Promise<void> {
  const pending = spare;
  spare = undefined;
  const db = pending ? await pending.db.catch(() => undefined) : undefined;
  await db?.close().catch(() => undefined);
}
