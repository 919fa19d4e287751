import { UserError } from '../errors.js';
import { postgresDdl } from '../schema/ddl-postgres.js';
import { introspectPostgres } from '../schema/introspect/postgres.js';
import { connectMysqlReadOnly, connectPostgresReadOnly, redact } from './guard.js';
import { quoteIdent } from './sql-text.js';
import type { ShadowEngine } from './types.js';

/**
 * The structure (never the rows) of a real database as DDL, read over a connection the server holds read-only:
 * PostgreSQL through the pg_catalog introspection turned back into DDL, MySQL/MariaDB through SHOW CREATE,
 * SQLite from a file opened read-only. The shadow baseline then loads it like a schema dump.
 */
export async function readTargetStructure(target: string, engine: ShadowEngine): Promise<string> {
  try {
    if (engine === 'postgresql') {
      const client = await connectPostgresReadOnly(target);
      try {
        const schema = await introspectPostgres({
          query: async (sql, params) => (await client.query(sql, params)).rows,
        });
        return postgresDdl(schema)
          .map((statement) => `${statement};`)
          .join('\n');
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    if (engine === 'mysql') {
      const connection = await connectMysqlReadOnly(target);
      try {
        const [tables] = await connection.query(
          `SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_TYPE, TABLE_NAME`,
        );
        const statements = ['SET FOREIGN_KEY_CHECKS = 0;'];
        for (const table of tables as { name: string; type: string }[]) {
          const view = table.type === 'VIEW';
          const [rows] = await connection.query(
            `SHOW CREATE ${view ? 'VIEW' : 'TABLE'} ${quoteIdent('mysql', table.name)}`,
          );
          const row = (rows as Record<string, unknown>[])[0] ?? {};
          statements.push(`${String(row[view ? 'Create View' : 'Create Table'] ?? '')};`);
        }
        statements.push('SET FOREIGN_KEY_CHECKS = 1;');
        return statements.join('\n');
      } finally {
        await connection.end().catch(() => undefined);
      }
    }
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(target, { readonly: true, fileMustExist: true });
    try {
      const rows = db
        .prepare(
          "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid",
        )
        .all() as { sql: string }[];
      return rows.map((row) => `${row.sql};`).join('\n');
    } finally {
      db.close();
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      'target-structure-failed',
      `Could not read the structure of ${engine === 'sqlite' ? target : redact(target)} (read-only): ${(error as Error).message}`,
      'Check the target URL or file, or use baseline "migrations" or "dump:<schema.sql>" instead.',
    );
  }
}
