import type { BookkeepingRow } from '../sources/bookkeeping.js';
import type { ReadOnlyDatabase } from './read-only.js';

/** The table to read: its name, and the PostgreSQL schema / MySQL database when it is not the connection's. */
export interface TableLocation {
  table: string;
  schema?: string;
}

/** The bookkeeping table as found in the database, and its rows (column names lower-cased). */
export interface BookkeepingRows {
  /** `table` or `schema.table` as the database spells it; undefined when the table does not exist. */
  table?: string;
  rows: BookkeepingRow[];
}

/** Finds the tool's table (case-insensitively: Liquibase's is upper case on MySQL) and reads every row. */
export async function readBookkeeping(db: ReadOnlyDatabase, location: TableLocation): Promise<BookkeepingRows> {
  const found = await findTable(db, location);
  if (!found) return { rows: [] };
  const rows = await db.query(`SELECT * FROM ${found.quoted}`);
  return {
    table: found.name,
    rows: rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key.toLowerCase(), value]))),
  };
}

async function findTable(
  db: ReadOnlyDatabase,
  location: TableLocation,
): Promise<{ name: string; quoted: string } | undefined> {
  if (db.engine === 'postgresql') {
    const rows = await db.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE lower(table_name) = lower($1)
          AND CASE WHEN $2 = '' THEN table_schema = ANY (current_schemas(false)) ELSE table_schema = $2 END
        ORDER BY array_position(current_schemas(false), table_schema::name)`,
      [location.table, location.schema ?? ''],
    );
    const row = rows[0];
    return row && { name: `${row.schema}.${row.name}`, quoted: `${quote(row.schema, '"')}.${quote(row.name, '"')}` };
  }
  if (db.engine === 'mysql') {
    const rows = await db.query<{ schema: string; name: string }>(
      `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS name FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND lower(TABLE_NAME) = lower(?)`,
      [location.schema ?? null, location.table],
    );
    const row = rows[0];
    if (!row) return undefined;
    return location.schema
      ? { name: `${row.schema}.${row.name}`, quoted: `${quote(row.schema, '`')}.${quote(row.name, '`')}` }
      : { name: row.name, quoted: quote(row.name, '`') };
  }
  const rows = await db.query<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND lower(name) = lower(?)",
    [location.table],
  );
  const row = rows[0];
  return row && { name: row.name, quoted: quote(row.name, '"') };
}

function quote(name: string, mark: string): string {
  return `${mark}${name.split(mark).join(mark + mark)}${mark}`;
}
