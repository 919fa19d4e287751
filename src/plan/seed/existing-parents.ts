import { UserError } from '../../errors.js';
import { resolveInsideRoot } from '../../root.js';
import type { Schema, Table } from '../../schema/model.js';
import type { ShadowDatabase, ShadowEngine } from '../../shadow/types.js';
import { qualifiedName, quoteIdentifier } from './sql-literal.js';
import type { SeedValue } from './types.js';

/**
 * Parent tables that already hold rows in a database the user named: their rows are read over a read-only
 * connection (a bounded sample), copied into the shadow so the children's foreign keys are proven against them,
 * and the seed points at them instead of seeding the parents again.
 */

const ROWS_READ = 100;

export type ExistingRows = Map<string, Record<string, SeedValue>[]>;

/** Reads a sample of each direct parent of the requested tables (not itself requested) that has rows. */
export async function readExistingParents(
  url: string,
  root: string,
  schema: Schema,
  requested: Table[],
): Promise<ExistingRows> {
  const wanted = new Set(requested.map((table) => table.name));
  const parents = new Set<string>();
  for (const table of requested)
    for (const key of table.foreignKeys) if (!wanted.has(key.referencedTable)) parents.add(key.referencedTable);
  const rows: ExistingRows = new Map();
  if (parents.size === 0) return rows;
  const reader = await openReader(url, root);
  try {
    for (const name of parents) {
      const table = schema.tables.find((candidate) => candidate.name === name);
      if (!table) continue;
      const order = (table.primaryKey?.columns ?? [])
        .map((column) => quoteIdentifier(column, reader.engine))
        .join(', ');
      const sql = `SELECT * FROM ${qualifiedName(name, reader.engine)}${order ? ` ORDER BY ${order}` : ''} LIMIT ${ROWS_READ}`;
      const found = await reader.read(sql);
      if (found.length > 0) rows.set(name, found);
    }
  } finally {
    await reader.close();
  }
  return rows;
}

/**
 * Copies the parents' rows into the shadow. The parents' own foreign keys are dropped there first: their targets
 * (grandparents) are not copied, and they are not what this seed proves.
 */
export async function copyIntoShadow(shadow: ShadowDatabase, schema: Schema, existing: ExistingRows): Promise<void> {
  if (existing.size === 0) return;
  if (shadow.engine === 'sqlite') await shadow.exec('PRAGMA foreign_keys = OFF');
  for (const [name, rows] of existing) {
    const table = schema.tables.find((candidate) => candidate.name === name);
    if (!table) continue;
    if (shadow.engine !== 'sqlite')
      for (const key of table.foreignKeys)
        await shadow.exec(
          `ALTER TABLE ${qualifiedName(name, shadow.engine)} DROP ${shadow.engine === 'mysql' ? 'FOREIGN KEY' : 'CONSTRAINT'} ${quoteIdentifier(key.name, shadow.engine)}`,
        );
    const columns = table.columns.filter((column) => !column.generated).map((column) => column.name);
    const overriding = shadow.engine === 'postgresql' && table.columns.some((c) => c.identity === 'always');
    for (const row of rows) {
      const placeholders = columns.map((_, index) => (shadow.engine === 'postgresql' ? `$${index + 1}` : '?'));
      await shadow.query(
        `INSERT INTO ${qualifiedName(name, shadow.engine)} (${columns.map((c) => quoteIdentifier(c, shadow.engine)).join(', ')})${overriding ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES (${placeholders.join(', ')})`,
        columns.map((column) => bindable(row[column] ?? null, shadow.engine)),
      );
    }
  }
  if (shadow.engine === 'sqlite') await shadow.exec('PRAGMA foreign_keys = ON');
}

function bindable(value: unknown, engine: ShadowEngine): unknown {
  if (value instanceof Date)
    return engine === 'postgresql' ? value : value.toISOString().slice(0, 19).replace('T', ' ');
  if (engine !== 'postgresql' && value !== null && typeof value === 'object' && !Buffer.isBuffer(value))
    return JSON.stringify(value);
  if (engine === 'sqlite' && typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

interface Reader {
  engine: ShadowEngine;
  read(sql: string): Promise<Record<string, SeedValue>[]>;
  close(): Promise<void>;
}

async function openReader(url: string, root: string): Promise<Reader> {
  const { connectMysqlReadOnly, connectPostgresReadOnly } = await import('../../shadow/guard.js');
  try {
    if (/^postgres(ql)?:/i.test(url)) {
      const client = await connectPostgresReadOnly(url);
      return {
        engine: 'postgresql',
        read: async (sql) => (await client.query(sql)).rows,
        close: () => client.end().catch(() => undefined),
      };
    }
    if (/^(mysql|mariadb):/i.test(url)) {
      const connection = await connectMysqlReadOnly(url.replace(/^mariadb:/i, 'mysql:'));
      return {
        engine: 'mysql',
        read: async (sql) => (await connection.query(sql))[0] as Record<string, SeedValue>[],
        close: () => connection.end().catch(() => undefined),
      };
    }
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(resolveInsideRoot(root, url.replace(/^(sqlite|file):(\/\/)?/i, '')), {
      readonly: true,
      fileMustExist: true,
    });
    return {
      engine: 'sqlite',
      read: async (sql) => db.prepare(sql).all() as Record<string, SeedValue>[],
      close: async () => {
        db.close();
      },
    };
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      'seed-database-unreachable',
      `Could not read existing rows from ${url.replace(/:[^:@/]*@/, ':***@')} (read-only): ${(error as Error).message}`,
      'Check the URL and that the server is reachable, or leave database out to seed the parent tables too.',
    );
  }
}
