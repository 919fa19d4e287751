import type { Migration } from '../model.js';
import type { Schema } from '../schema/model.js';
import { buildBaseline } from './baseline.js';
import { contentHash } from './baseline-cache.js';
import { openShadow } from './open.js';
import { extensionsCreatedIn } from './pglite-extensions.js';
import type { ShadowDatabase, ShadowEngine } from './types.js';

/**
 * Schemas that a migration history builds, kept in the process by a hash of everything that decides them: the
 * migrations' statements and transaction modes, the shadow engine and server, and the extensions loaded. diff,
 * generate and rollback replay the same history again and again in a long-lived MCP server; an unchanged history
 * is then read from here instead of being replayed, and an edit to any migration is another key.
 */

export interface ReplayedHistory {
  schema: Schema;
  /** The shadow server's version text (`SHOW server_version` / `VERSION()`); absent for SQLite. */
  version?: string;
}

export interface ReplayOptions {
  shadowUrl?: string;
  signal?: AbortSignal;
}

/**
 * The schema a history builds: from this process's cache when the same history was replayed before, otherwise
 * replayed on a throw-away shadow, read back from its catalog and kept. `cached` says which.
 */
export async function replayHistory(
  engine: ShadowEngine,
  migrations: Migration[],
  options: ReplayOptions = {},
): Promise<ReplayedHistory & { cached: boolean }> {
  const extensions = historyExtensions(migrations);
  const key = historyKey(engine, migrations, options.shadowUrl);
  const hit = cachedReplay(key);
  if (hit) return { ...hit, cached: true };
  const db = await openShadow({ engine, ...(options.shadowUrl ? { shadowUrl: options.shadowUrl } : {}), extensions });
  try {
    await buildBaseline(db, { kind: 'migrations', migrations }, options.signal ? { signal: options.signal } : {});
    const version = await versionText(db);
    const entry: ReplayedHistory = { schema: await db.introspect(), ...(version ? { version } : {}) };
    rememberReplay(key, entry);
    return { ...structuredClone(entry), cached: false };
  } finally {
    await db.close();
  }
}

/** Extensions a history creates, loaded into a PGlite shadow before it is replayed. */
export function historyExtensions(migrations: Migration[]): string[] {
  return extensionsCreatedIn(migrations.flatMap((migration) => migration.up.map((item) => item.sql)));
}

/** The cache key of a history replayed on this engine and shadow server. */
export function historyKey(engine: ShadowEngine, migrations: Migration[], shadowUrl?: string): string {
  return replayKey({
    engine,
    ...(shadowUrl ? { shadowUrl } : {}),
    extensions: historyExtensions(migrations),
    migrations,
  });
}

export async function versionText(db: ShadowDatabase): Promise<string | undefined> {
  if (db.engine === 'sqlite') return undefined;
  if (db.engine === 'postgresql') {
    const [row] = await db.query<{ server_version: string }>('SHOW server_version');
    return row ? `PostgreSQL ${row.server_version}` : undefined;
  }
  const [row] = await db.query<{ v: string }>('SELECT VERSION() AS v');
  return row?.v;
}

export interface ReplayKeyInput {
  engine: string;
  /** The shadow server named by the caller (PGlite or in-memory SQLite when absent); the password is left out. */
  shadowUrl?: string;
  extensions?: string[];
  migrations: Migration[];
}

export function replayKey(input: ReplayKeyInput): string {
  const server = input.shadowUrl ? input.shadowUrl.replace(/:[^:@/]*@/, '@') : '';
  const extensions = [...(input.extensions ?? [])].sort().join(',');
  return contentHash(`replay-v1 ${input.engine} ${server} ext=${extensions}`, {
    kind: 'migrations',
    migrations: input.migrations,
  });
}

const ENTRIES = 16;
const entries = new Map<string, ReplayedHistory>();

/** A copy (callers may change it) of a history replayed earlier in this process, marked most recently used. */
export function cachedReplay(key: string): ReplayedHistory | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  entries.delete(key);
  entries.set(key, entry);
  return structuredClone(entry);
}

/** Keeps a replayed history's schema; the least recently used goes when more than a few are kept. */
export function rememberReplay(key: string, entry: ReplayedHistory): void {
  entries.delete(key);
  entries.set(key, entry);
  while (entries.size > ENTRIES) {
    const oldest = entries.keys().next().value;
    if (oldest === undefined) break;
    entries.delete(oldest);
  }
}

export function clearReplayCache(): void {
  entries.clear();
}
