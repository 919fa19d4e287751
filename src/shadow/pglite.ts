import { introspectPostgres } from '../schema/introspect/postgres.js';
import type { Schema } from '../schema/model.js';
import {
  readEmptyDataDir as readCachedEmptyDataDir,
  writeEmptyDataDir as writeCachedEmptyDataDir,
} from './pglite-cache.js';
import { contribModulesFor, explainMissingExtension } from './pglite-extensions.js';
import { RemotePglite, releaseIdlePgliteWorkers } from './pglite-remote.js';
import type { BaselineImage, ExecResult, ShadowDatabase, ShadowSnapshot } from './types.js';

/**
 * The embedded PostgreSQL shadow (PGlite: PostgreSQL compiled to WASM, in a worker thread of this process, so the
 * server stays responsive and a time limit or a cancellation stops a statement at once). Nothing to set up and
 * nothing to drop: the database lives in memory and vanishes on close. Snapshots are data-directory dumps.
 * Contrib extensions (pgcrypto, ltree, …) are loaded when the instance starts; every instance that loads a
 * snapshot gets the same ones, so a data directory holding an extension's objects always finds its code.
 */

interface PgliteSnapshot extends ShadowSnapshot {
  readonly kind: 'pglite';
  readonly dataDir: Blob;
}

/** A freshly initialised, empty data directory: loading it (~0.3 s) is far cheaper than initdb (~1–2 s). */
let emptyDataDir: Promise<Blob> | undefined;
/**
 * One ready instance kept aside for the next rehearsal, when a long-lived process asked for it: an empty database,
 * or (`image` set) one loaded from the cached baseline the last rehearsal used, since the next call most likely
 * rehearses the same project again.
 */
let spare: { image?: string; modules: string; db: Promise<RemotePglite> } | undefined;

export class PgliteShadow implements ShadowDatabase {
  readonly engine = 'postgresql' as const;
  readonly kind = 'pglite' as const;
  readonly description = 'PGlite (embedded PostgreSQL, in memory)';
  readonly transactionalDdl = true;
  private closed = false;

  private constructor(
    private db: RemotePglite,
    /** The extensions whose contrib modules this instance loaded (pglite-extensions.ts). */
    private readonly extensions: readonly string[],
  ) {}

  /**
   * Opens an empty PGlite database, or one loaded from a snapshot. With `keepWarm` (the MCP server, a benchmark),
   * a spare instance is prepared in the background so the next rehearsal starts without waiting for PGlite.
   */
  static async open(
    options: { from?: Blob; image?: string; keepWarm?: boolean; extensions?: readonly string[] } = {},
  ): Promise<PgliteShadow> {
    const from = options.from;
    const modules = contribModulesFor(options.extensions ?? []);
    const wanted = from ? options.image : undefined;
    const matching =
      spare &&
      spare.image === wanted &&
      spare.modules === modules.join(',') &&
      (from === undefined || wanted !== undefined);
    const taken = matching ? spare : undefined;
    if (taken) spare = undefined;
    const ready = taken ? await taken.db.catch(() => undefined) : undefined;
    const db =
      ready ??
      (from
        ? await RemotePglite.create({ dataDir: from, modules })
        : await createEmpty(options.keepWarm === true, modules));
    openShadows++;
    if (options.keepWarm) prepareSpareWhenIdle(from && wanted ? { image: wanted, from } : undefined, modules);
    return new PgliteShadow(db, options.extensions ?? []);
  }

  /** The current state as a cached baseline image: a data-directory dump, loaded into a new PGlite on open. */
  async captureBaseline(key: string): Promise<BaselineImage> {
    const dataDir = await this.db.dumpDataDir();
    const own = this.extensions;
    return {
      kind: 'pglite',
      bytes: dataDir.size,
      label: `PGlite data directory (${Math.round(dataDir.size / 1024).toLocaleString('en-US')} KiB)`,
      // The image's own extensions, plus any the next migration creates.
      open: ({ keepWarm, extensions = [] }) =>
        PgliteShadow.open({ from: dataDir, image: key, keepWarm, extensions: [...own, ...extensions] }),
      warm: () => prepareSpareWhenIdle({ image: key, from: dataDir }, contribModulesFor(own)),
      release: async () => {
        if (spare?.image === key) await releaseWarmPglite();
      },
    };
  }

  async exec(sql: string): Promise<ExecResult> {
    const rows = await this.db.exec(sql).catch((error: unknown) => {
      throw explainMissingExtension(error);
    });
    return rows === undefined ? {} : { rowsAffected: rows };
  }

  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]> {
    return this.db.query<Row>(sql, params);
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
    const dataDir = await this.db.dumpDataDir();
    return { kind: 'pglite', label: `PGlite data directory (${Math.round(dataDir.size / 1024)} KiB)`, dataDir };
  }

  async restore(snapshot: ShadowSnapshot): Promise<void> {
    await this.db.load({ dataDir: (snapshot as PgliteSnapshot).dataDir, modules: contribModulesFor(this.extensions) });
  }

  introspect(): Promise<Schema> {
    return introspectPostgres(this);
  }

  /** Stops the running statement by ending the worker: the database is gone, as close() would leave it. */
  async interrupt(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.terminate();
    shadowClosed();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close().catch(() => undefined);
    shadowClosed();
  }
}

/** An empty database; extensions live outside the data directory, so the cached empty one serves every set. */
async function createEmpty(rememberImage: boolean, modules: readonly string[] = []): Promise<RemotePglite> {
  if (emptyDataDir) return RemotePglite.create({ dataDir: await emptyDataDir, modules });
  const cached = await readCachedEmptyDataDir();
  if (cached) {
    try {
      const db = await RemotePglite.create({ dataDir: cached, modules });
      if (rememberImage) emptyDataDir = Promise.resolve(cached);
      return db;
    } catch {
      // A cache from another PGlite build or a damaged file: fall back to initdb and rewrite it.
    }
  }
  const db = await RemotePglite.create({ modules });
  const image = db.dumpDataDir();
  if (rememberImage) emptyDataDir = image;
  await writeCachedEmptyDataDir(await image);
  return db;
}

/** Embedded shadows open now: a spare is prepared once none is, so it does not take CPU from a rehearsal. */
let openShadows = 0;
let deferredSpare: (() => void) | undefined;

function prepareSpareWhenIdle(source: { image: string; from: Blob } | undefined, modules: string[] = []): void {
  deferredSpare = () => prepareSpare(source, modules);
  if (openShadows === 0) shadowClosed(0);
}

function shadowClosed(closing = 1): void {
  openShadows = Math.max(0, openShadows - closing);
  if (openShadows > 0 || !deferredSpare) return;
  const prepare = deferredSpare;
  deferredSpare = undefined;
  prepare();
}

/** Replaces the spare instance with a new one: empty, or loaded from a cached baseline image. */
function prepareSpare(source: { image: string; from: Blob } | undefined, modules: string[] = []): void {
  const previous = spare;
  if (previous && previous.image === source?.image && previous.modules === modules.join(',')) return;
  const db = source ? RemotePglite.create({ dataDir: source.from, modules }) : createEmpty(true, modules);
  db.catch(() => undefined);
  spare = { ...(source ? { image: source.image } : {}), modules: modules.join(','), db };
  if (previous) void previous.db.then((old) => old.close()).catch(() => undefined);
}

/** Closes the spare instance (end of a benchmark or of the server). */
export async function releaseWarmPglite(): Promise<void> {
  deferredSpare = undefined;
  const pending = spare;
  spare = undefined;
  const db = pending ? await pending.db.catch(() => undefined) : undefined;
  await db?.terminate().catch(() => undefined);
  await releaseIdlePgliteWorkers();
}
