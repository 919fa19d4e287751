import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOCK_STRENGTH,
  lockModeFromPgLocks,
  lockModeOfNumber,
  PG_LOCK_MODES,
} from '../../src/engines/postgresql/locks.js';
import { parsePostgres } from '../../src/sql/postgres.js';

/** The one list of lock modes agrees with what PostgreSQL itself says: pg_locks names and LOCK statement numbers. */
describe('PostgreSQL lock modes', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec('CREATE TABLE t (id int)');
  });
  afterAll(async () => {
    await db.close();
  });

  it('are ordered weakest first', () => {
    expect(PG_LOCK_MODES.map((mode) => LOCK_STRENGTH[mode])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it.each(PG_LOCK_MODES)('%s: the pg_locks name and the LOCK statement number map back to it', async (mode) => {
    const [statement] = await parsePostgres(`LOCK TABLE t IN ${mode} MODE;`);
    const lock = (statement?.ast as { LockStmt?: { mode?: number } } | undefined)?.LockStmt;
    expect(lockModeOfNumber(lock?.mode ?? 0)).toBe(mode);
    await db.exec('BEGIN');
    try {
      await db.exec(`LOCK TABLE t IN ${mode} MODE`);
      const { rows } = await db.query<{ mode: string }>(
        "SELECT mode FROM pg_locks WHERE relation = 't'::regclass AND pid = pg_backend_pid()",
      );
      expect(rows.map((row) => lockModeFromPgLocks(row.mode))).toEqual([mode]);
    } finally {
      await db.exec('ROLLBACK');
    }
  });
});
