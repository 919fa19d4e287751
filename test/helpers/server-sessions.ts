import type pg from 'pg';

/**
 * Connections a PostgreSQL server accepted for one database (pg_stat_database.sessions): sandbox tests prove
 * project code reached no server by this count not moving.
 */
export async function sessions(admin: pg.Client | undefined, database: string): Promise<number> {
  if (!admin) return 0;
  await admin.query('select pg_stat_clear_snapshot()');
  const result = await admin.query<{ sessions: string }>('select sessions from pg_stat_database where datname = $1', [
    database,
  ]);
  return Number(result.rows[0]?.sessions ?? 0);
}

/** Server statistics are flushed about once a second: wait for a count that holds still. */
export async function settledSessions(admin: pg.Client | undefined, database: string): Promise<number> {
  let previous = await sessions(admin, database);
  for (let attempt = 0; attempt < 10; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const current = await sessions(admin, database);
    if (current === previous) return current;
    previous = current;
  }
  return previous;
}
