import { type LockModeName, lockModeFromPg } from './locks.js';
import type { ShadowDatabase } from './types.js';

/**
 * What a PostgreSQL session holds and has done, read from the catalogs after each statement (the eugene trace
 * method): relation locks of this backend, relfilenodes (a change = a rewrite), and sequential-scan counters of
 * the current transaction.
 */

export interface RelationState {
  oid: number;
  name: string;
  kind: 'table' | 'index' | 'other';
  relfilenode: number;
  /** For an index, the table it belongs to. */
  table?: string;
}

export interface HeldLock {
  oid: number;
  relation: string;
  kind: RelationState['kind'];
  mode: LockModeName;
}

const USER_RELATIONS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;
const NAME = `CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END`;

function kindOf(relkind: string): RelationState['kind'] {
  if (relkind === 'r' || relkind === 'p' || relkind === 'm') return 'table';
  if (relkind === 'i' || relkind === 'I') return 'index';
  return 'other';
}

export async function readRelations(db: Pick<ShadowDatabase, 'query'>): Promise<Map<number, RelationState>> {
  const rows = await db.query<{ oid: number; name: string; relkind: string; relfilenode: number; tbl: string | null }>(
    `SELECT c.oid::int AS oid, ${NAME} AS name, c.relkind::text AS relkind, c.relfilenode::int AS relfilenode,
            (SELECT tc.relname FROM pg_index i JOIN pg_class tc ON tc.oid = i.indrelid WHERE i.indexrelid = c.oid) AS tbl
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm', 'i', 'I') AND ${USER_RELATIONS}`,
  );
  return new Map(
    rows.map((row) => [
      row.oid,
      {
        oid: row.oid,
        name: row.name,
        kind: kindOf(row.relkind),
        relfilenode: row.relfilenode,
        ...(row.tbl ? { table: row.tbl } : {}),
      },
    ]),
  );
}

/**
 * Relation locks this session holds. A relation dropped by the statement has left pg_class but is still locked;
 * its name comes from `known` (the relations seen before the statement).
 */
export async function readLocks(
  db: Pick<ShadowDatabase, 'query'>,
  known: Map<number, RelationState>,
): Promise<HeldLock[]> {
  const rows = await db.query<{
    oid: number;
    name: string | null;
    relkind: string | null;
    mode: string;
    user_relation: boolean | null;
  }>(
    `SELECT l.relation::int AS oid, ${NAME} AS name, c.relkind::text AS relkind, l.mode,
            (${USER_RELATIONS}) AS user_relation
       FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE l.locktype = 'relation' AND l.pid = pg_backend_pid() AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  const locks: HeldLock[] = [];
  for (const row of rows) {
    const mode = lockModeFromPg(row.mode);
    const gone = row.name === null ? known.get(row.oid) : undefined;
    if (!mode) continue;
    if (row.name !== null && row.user_relation && row.relkind !== null)
      locks.push({ oid: row.oid, relation: row.name, kind: kindOf(row.relkind), mode });
    else if (gone) locks.push({ oid: row.oid, relation: gone.name, kind: gone.kind, mode });
  }
  return locks;
}

/** Sequential scans started in the current transaction, per table (pg_stat_xact_user_tables). */
export async function readScans(db: ShadowDatabase): Promise<Map<number, number>> {
  const rows = await db
    .query<{ relid: number; seq_scan: number | string }>(
      'SELECT relid::int AS relid, seq_scan FROM pg_stat_xact_user_tables',
    )
    .catch(() => []);
  return new Map(rows.map((row) => [row.relid, Number(row.seq_scan)]));
}
