import type { Migration } from '../model.js';
import type { Schema } from '../schema/model.js';
import { buildBaseline } from '../shadow/baseline.js';
import { openShadow } from '../shadow/open.js';
import { extensionsCreatedIn } from '../shadow/pglite-extensions.js';
import { replayHistory } from '../shadow/replay-cache.js';
import type { ShadowDatabase, ShadowEngine } from '../shadow/types.js';
import type { ServerVersion } from './ddl.js';

/**
 * The schema the new migration meets: the project's migrations replayed on a throw-away shadow and read back from
 * its catalog, plus the shadow server's version (what online DDL it has) when no better source names one.
 */

export interface CurrentSchema {
  schema: Schema;
  /** The shadow's server version; undefined for SQLite. */
  version?: ServerVersion;
}

export function parseServerVersion(text: string, hint?: string): ServerVersion | undefined {
  const numbers = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  if (!numbers) return undefined;
  const lower = `${text} ${hint ?? ''}`.toLowerCase();
  const flavor = lower.includes('maria')
    ? 'mariadb'
    : lower.includes('mysql')
      ? 'mysql'
      : lower.includes('sqlite')
        ? 'sqlite'
        : 'postgresql';
  return { flavor, major: Number(numbers[1]), minor: Number(numbers[2] ?? 0), patch: Number(numbers[3] ?? 0) };
}

/** The schema the history builds (replayed once per content in a process, see replay-cache) and its version. */
export async function readCurrentSchema(
  engine: ShadowEngine,
  migrations: Migration[],
  options: { shadowUrl?: string; signal?: AbortSignal } = {},
): Promise<CurrentSchema> {
  const replayed = await replayHistory(engine, migrations, options);
  const hint = engine === 'mysql' ? (/maria/i.test(replayed.version ?? '') ? 'mariadb' : 'mysql') : engine;
  const version = replayed.version ? parseServerVersion(replayed.version, hint) : undefined;
  return { schema: replayed.schema, ...(version ? { version } : {}) };
}

type ShadowOptions = { shadowUrl?: string; signal?: AbortSignal };

/** A shadow holding the project's migrations, handed to `work` and closed after it. */
async function withHistory<T>(
  engine: ShadowEngine,
  migrations: Migration[],
  options: ShadowOptions,
  work: (db: ShadowDatabase) => Promise<T>,
): Promise<T> {
  const db = await openShadow({
    engine,
    ...(options.shadowUrl ? { shadowUrl: options.shadowUrl } : {}),
    extensions: extensionsCreatedIn(migrations.flatMap((migration) => migration.up.map((statement) => statement.sql))),
  });
  try {
    await buildBaseline(db, { kind: 'migrations', migrations }, options.signal ? { signal: options.signal } : {});
    return await work(db);
  } finally {
    await db.close();
  }
}

/**
 * The schema after each draft: the project's migrations replayed on one shadow, then each draft's up run and the
 * catalog read back. Stops at a draft that fails; that draft and later ones get no schema.
 */
export async function schemasAfterDrafts(
  engine: ShadowEngine,
  migrations: Migration[],
  drafts: { up: string[] }[],
  options: ShadowOptions = {},
): Promise<Schema[]> {
  const schemas: Schema[] = [];
  try {
    await withHistory(engine, migrations, options, async (db) => {
      for (const draft of drafts) {
        for (const statement of draft.up) await db.exec(statement);
        schemas.push(await db.introspect());
      }
    });
  } catch {
    // No shadow, or a draft that fails: the rehearsal runs the same drafts and reports why, with the statement.
  }
  return schemas;
}
