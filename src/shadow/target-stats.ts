import { readPlannerRowEstimates } from '../engines/postgresql/row-estimates.js';
import { UserError } from '../errors.js';
import { connectMysqlReadOnly, connectPostgresReadOnly, redact } from './guard.js';
import { quoteIdent } from './sql-text.js';
import type { ShadowEngine } from './types.js';

/**
 * Estimated row counts of a real target database, read from planner statistics over a read-only connection
 * (PostgreSQL pg_class.reltuples, MySQL information_schema.TABLES.TABLE_ROWS). Nothing is written.
 */
export async function readTargetRowCounts(url: string, engine: ShadowEngine): Promise<Map<string, number>> {
  try {
    if (engine === 'postgresql') {
      const client = await connectPostgresReadOnly(url);
      try {
        // A table without statistics gets no count (no estimate), rather than a count of zero.
        const counts = new Map<string, number>();
        for (const estimate of await readPlannerRowEstimates(client)) {
          if (estimate.rows === undefined) continue;
          counts.set(
            estimate.schema === 'public' ? estimate.table : `${estimate.schema}.${estimate.table}`,
            estimate.rows,
          );
        }
        return counts;
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    if (engine === 'mysql') {
      const connection = await connectMysqlReadOnly(url);
      try {
        const [rows] = await connection.query(
          `SELECT TABLE_NAME AS name, TABLE_ROWS AS \`rows\` FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'`,
        );
        return new Map(
          (rows as { name: string; rows: number | null }[]).map((row) => [row.name, Number(row.rows ?? 0)]),
        );
      } finally {
        await connection.end().catch(() => undefined);
      }
    }
    if (engine === 'sqlite') {
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(url, { readonly: true, fileMustExist: true });
      try {
        const tables = db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
          .all() as { name: string }[];
        return new Map(
          tables.map((table) => [
            table.name,
            Number(
              (db.prepare(`SELECT count(*) AS n FROM ${quoteIdent('sqlite', table.name)}`).get() as { n: number }).n,
            ),
          ]),
        );
      } finally {
        db.close();
      }
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      'target-stats-failed',
      `Could not read row statistics from ${redact(url)} (read-only connection): ${(error as Error).message}`,
      'Check the target URL, or pass rowCounts ({ "table": rows }) instead.',
    );
  }
  throw new UserError(
    'target-stats-engine',
    `Row statistics of a ${engine} target cannot be read.`,
    'Pass rowCounts ({ "table": rows }) instead.',
  );
}
