import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockStrength, statementLocks } from '../../src/safety/locks.js';
import type { PgLockMode } from '../../src/safety/types.js';
import { parsePostgres } from '../../src/sql/postgres.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';

/**
 * The built-in statement → lock map (used for statements no rule flags) checked against the locks a real
 * PostgreSQL server takes: each statement runs in a transaction and pg_locks is read before rolling back.
 */
const availability = await postgresAvailable();
const schema = uniqueName('dma_locks');

const SETUP = `
CREATE TABLE parents (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, a int, b int, p int);
CREATE INDEX t_a_idx ON t (a);
ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID;
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;
CREATE TABLE measurements (d date NOT NULL) PARTITION BY RANGE (d);
CREATE TABLE m_2026 (d date NOT NULL);
`;

const CASES = [
  'ALTER TABLE t ADD COLUMN x int',
  'ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (p) REFERENCES parents (id) NOT VALID',
  'ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (p) REFERENCES parents (id)',
  'ALTER TABLE t VALIDATE CONSTRAINT t_a_check',
  'ALTER TABLE t ADD CONSTRAINT t_b_check CHECK (b > 0)',
  'ALTER TABLE t ALTER COLUMN a SET NOT NULL',
  'ALTER TABLE t ALTER COLUMN a TYPE bigint',
  'ALTER TABLE t ALTER COLUMN a SET DEFAULT 1',
  'ALTER TABLE t SET (fillfactor = 70)',
  'ALTER TABLE t ALTER COLUMN a SET STATISTICS 200',
  'ALTER TABLE t DISABLE TRIGGER USER',
  'ALTER TABLE t RENAME COLUMN a TO a2',
  'ALTER TABLE t RENAME TO t2',
  'ALTER TABLE t DROP COLUMN b',
  "ALTER TABLE measurements ATTACH PARTITION m_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
  'CREATE INDEX t_b_idx ON t (b)',
  'CREATE TRIGGER t_noop BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION noop()',
  'CREATE TABLE child (id int, parent int REFERENCES parents (id))',
  "COMMENT ON TABLE t IS 'x'",
  'CREATE STATISTICS t_stats ON a, b FROM t',
  'TRUNCATE t',
  'DROP TABLE m_2026',
  'LOCK TABLE t IN SHARE MODE',
  'UPDATE t SET a = 1',
  'UPDATE t SET a = 1 WHERE EXISTS (SELECT 1 FROM parents WHERE id = t.p) AND NOT EXISTS (SELECT 1 FROM parents WHERE id = t.b)',
  'DELETE FROM t WHERE id = 1',
  'REFRESH MATERIALIZED VIEW mv',
  'CLUSTER t USING t_a_idx',
  'REINDEX TABLE t',
];

const MODE_NAMES: Record<string, PgLockMode> = {
  AccessShareLock: 'ACCESS SHARE',
  RowShareLock: 'ROW SHARE',
  RowExclusiveLock: 'ROW EXCLUSIVE',
  ShareUpdateExclusiveLock: 'SHARE UPDATE EXCLUSIVE',
  ShareLock: 'SHARE',
  ShareRowExclusiveLock: 'SHARE ROW EXCLUSIVE',
  ExclusiveLock: 'EXCLUSIVE',
  AccessExclusiveLock: 'ACCESS EXCLUSIVE',
};

describe.skipIf(!availability.available)('lock map against pg_locks on PostgreSQL', () => {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    await client.query(SETUP);
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  for (const sql of CASES) {
    it(sql, async () => {
      const [statement] = await parsePostgres(sql);
      if (!statement) throw new Error('no statement');
      const claimed = new Map<string, PgLockMode>();
      for (const lock of statementLocks(statement.ast)) {
        const table = lock.table.replace(/^public\./, '');
        const previous = claimed.get(table);
        if (!previous || lockStrength(lock.mode) > lockStrength(previous)) claimed.set(table, lock.mode);
      }
      const tables = [...claimed.keys()];
      await client.query('BEGIN');
      try {
        const oids = await client.query<{ name: string; oid: number }>(
          `SELECT c.relname AS name, c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($2)`,
          [schema, tables],
        );
        await client.query(sql);
        const held = await client.query<{ oid: number; mode: string }>(
          `SELECT relation::int AS oid, mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted`,
        );
        const actual = new Map<string, PgLockMode>();
        for (const { name, oid } of oids.rows) {
          for (const row of held.rows.filter((lock) => lock.oid === oid)) {
            const mode = MODE_NAMES[row.mode];
            const previous = actual.get(name);
            if (mode && (!previous || lockStrength(mode) > lockStrength(previous))) actual.set(name, mode);
          }
        }
        expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(claimed));
      } finally {
        await client.query('ROLLBACK');
        await client.query(`SET search_path TO ${schema}`);
      }
    });
  }
});

describe('lock map: one claim per lock', () => {
  it('a table two subqueries read is one ACCESS SHARE (mastodon 20260728145507)', async () => {
    const [statement] = await parsePostgres(
      'UPDATE accounts SET a = NULL WHERE NOT EXISTS (SELECT 1 FROM blocks WHERE r = accounts.id) AND NOT EXISTS (SELECT 1 FROM blocks WHERE r = accounts.id)',
    );
    if (!statement) throw new Error('no statement');
    expect(statementLocks(statement.ast).map((lock) => [lock.table, lock.mode, lock.on])).toEqual([
      ['public.accounts', 'ROW EXCLUSIVE', 'table'],
      ['public.blocks', 'ACCESS SHARE', 'table read'],
    ]);
  });
});
