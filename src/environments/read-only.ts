import { UserError } from '../errors.js';
import type { Engine } from '../model.js';
import { resolveInsideRoot } from '../root.js';
import type { Queryable } from '../schema/introspect/queryable.js';
import { redact } from '../shadow/guard.js';

/**
 * A connection to a real database that the database itself holds read-only: PostgreSQL with
 * `default_transaction_read_only=on` sent at connect, MySQL/MariaDB with `SET SESSION TRANSACTION READ ONLY`, SQLite
 * opened read-only. Every statement has a time limit. Nothing inspects the SQL text: a write is refused by the
 * server, whatever the query says.
 */
export interface ReadOnlyDatabase extends Queryable {
  engine: Engine;
  /** The URL with its password hidden. */
  label: string;
  close(): Promise<void>;
}

export const READ_ONLY_TIMEOUT_MS = 10_000;

export function engineOfUrl(url: string): Engine {
  if (/^postgres(ql)?:/i.test(url)) return 'postgresql';
  if (/^(mysql|mariadb):/i.test(url)) return 'mysql';
  return 'sqlite';
}

/** The URL with its password hidden; SQLite paths are printed as given. */
export function maskUrl(url: string): string {
  if (engineOfUrl(url) === 'sqlite') return url;
  try {
    return redact(url);
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

export async function openReadOnly(url: string, root: string): Promise<ReadOnlyDatabase> {
  const engine = engineOfUrl(url);
  const label = maskUrl(url);
  try {
    if (engine === 'postgresql') return await openPostgres(url, label);
    if (engine === 'mysql') return await openMysql(url, label);
    return openSqlite(url, root, label);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      'database-unreachable',
      `Cannot open ${label} read-only: ${(error as Error).message}`,
      'Check the URL (postgres://user@host:5432/db, mysql://user@host:3306/db or a SQLite file), that the server is running and that this machine may connect.',
    );
  }
}

async function openPostgres(url: string, label: string): Promise<ReadOnlyDatabase> {
  const { connectPostgresReadOnly } = await import('../shadow/guard.js');
  const client = await connectPostgresReadOnly(url, READ_ONLY_TIMEOUT_MS);
  return {
    engine: 'postgresql',
    label,
    query: async (sql, params) => (await client.query(sql, params)).rows,
    close: () => client.end().catch(() => undefined),
  };
}

async function openMysql(url: string, label: string): Promise<ReadOnlyDatabase> {
  const { connectMysqlReadOnly } = await import('../shadow/guard.js');
  const connection = await connectMysqlReadOnly(url.replace(/^mariadb:/i, 'mysql:'), READ_ONLY_TIMEOUT_MS);
  return {
    engine: 'mysql',
    label,
    query: async (sql, params) => (await connection.query(sql, params))[0] as never,
    close: () => connection.end().catch(() => undefined),
  };
}

async function openSqlite(url: string, root: string, label: string): Promise<ReadOnlyDatabase> {
  const file = resolveInsideRoot(root, url.replace(/^(sqlite|file):(\/\/)?/i, ''));
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: READ_ONLY_TIMEOUT_MS });
  return {
    engine: 'sqlite',
    label,
    query: async (sql, params = []) => {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all(...params) as never;
      statement.run(...params); // refused by SQLite itself: the file is open read-only
      return [];
    },
    close: async () => {
      db.close();
    },
  };
}
