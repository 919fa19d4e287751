import pg from 'pg';
import { POSTGRES_URL, postgresAvailable } from './databases.js';

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

/**
 * An admin connection to the test server with `database` created (the database sandbox attacks aim at), or
 * undefined when PostgreSQL is not reachable.
 */
export async function openEscapeTarget(database: string): Promise<pg.Client | undefined> {
  if (!(await postgresAvailable()).available) return undefined;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
  if (exists.rowCount === 0) await admin.query(`create database ${database}`);
  return admin;
}

export async function closeEscapeTarget(admin: pg.Client | undefined, database: string): Promise<void> {
  if (!admin) return;
  await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
  await admin.end();
}

/** Sets what a developer's shell or a CI job holds (none of it may reach migrations); returns the restore. */
export function withSecrets(secrets: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(secrets).map((name) => [name, process.env[name]]));
  Object.assign(process.env, secrets);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
