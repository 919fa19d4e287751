import type { Migration } from '../model.js';
import type { Schema } from '../schema/model.js';
import { replayHistory } from '../shadow/replay-cache.js';
import type { ShadowEngine } from '../shadow/types.js';
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
