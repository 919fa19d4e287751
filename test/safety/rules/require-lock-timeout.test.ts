import { describe, expect, it } from 'vitest';
import { findingsOf, ruleCases } from './run.js';

ruleCases('require-lock-timeout', {
  bad: [
    {
      sql: 'ALTER TABLE users ADD COLUMN nickname text;',
      fix: [/^SET lock_timeout = '5s';$/],
    },
    { sql: 'CREATE INDEX users_name_idx ON users (name);' },
    { sql: 'CREATE TABLE orders (id bigint, user_id bigint REFERENCES users (id));', count: 1 },
    // One finding for the migration, however many statements it covers.
    { sql: 'DROP TABLE old_things;\nTRUNCATE sessions;', count: 1 },
    { sql: "SET statement_timeout = '1min';\nALTER TABLE users RENAME COLUMN a TO b;" },
    // set_config(…, true) outside a transaction block ends with its own statement; '0' turns the timeout off.
    { sql: "SELECT set_config('lock_timeout', '5s', true);\nALTER TABLE users ADD COLUMN nickname text;" },
    { sql: "SELECT set_config('lock_timeout', '0', false);\nALTER TABLE users ADD COLUMN nickname text;" },
    // A view's readers hold ACCESS SHARE on it: the DROP waits behind them (mastodon 20260728145403).
    { sql: 'DROP MATERIALIZED VIEW account_summaries;' },
    { sql: 'DROP VIEW user_ips;' },
  ],
  good: [
    { sql: "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;" },
    { sql: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;" },
    { sql: 'CREATE TABLE t (id bigint);\nCREATE INDEX t_id_idx ON t (id);\nALTER TABLE t ADD COLUMN x int;' },
    { sql: 'CREATE INDEX CONCURRENTLY users_name_idx ON users (name);' },
    { sql: 'CREATE VIEW v AS SELECT 1 AS one;\nDROP VIEW v;' },
    { sql: 'SELECT 1;\nINSERT INTO users (id) VALUES (1);' },
    // set_config is SET in function form (false: for the session; true: SET LOCAL).
    { sql: "SELECT set_config('lock_timeout', '5s', false);\nALTER TABLE users ADD COLUMN nickname text;" },
    {
      sql: "BEGIN;\nSELECT pg_catalog.set_config('lock_timeout', '2s', true);\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;",
    },
  ],
});

describe('require-lock-timeout: one finding per transaction', () => {
  it('names a table that needs quotes once (Medusa user: DROP INDEX then CREATE INDEX on "user")', async () => {
    const sql = 'DROP INDEX IF EXISTS "IDX_user_email";\nCREATE UNIQUE INDEX "IDX_user_email" ON "user" (email);';
    const history = 'CREATE TABLE "user" (id int, email text);\nCREATE INDEX "IDX_user_email" ON "user" (email);';
    const [finding] = await findingsOf('require-lock-timeout', sql, { catalog: { history: [{ sql: history }] } });
    expect(finding?.message).toBe(
      'No lock_timeout is set for these 2 statements (lines 1–2): if "user" is busy, each waits for its lock and every query on "user" queues behind it.',
    );
  });

  it('lists the statements it covers, runs of consecutive statements as one range', async () => {
    const sql = [
      'ALTER TABLE users ADD COLUMN a int;',
      'ALTER TABLE users ADD COLUMN b int;',
      'SELECT 1;',
      'CREATE INDEX orders_x_idx ON orders (x);',
    ].join('\n');
    const [finding, ...rest] = await findingsOf('require-lock-timeout', sql);
    expect(rest).toEqual([]);
    expect(finding?.statementIndex).toBe(0);
    expect(finding?.span.start.line).toBe(1);
    expect(finding?.message).toContain('these 3 statements (lines 1–2 and 4)');
    expect(finding?.message).toContain('users and orders');
    expect(finding?.fix?.steps.map((step) => step.sql)).toEqual(["SET lock_timeout = '5s';"]);
  });

  it('names a line once when its statements share it (mastodon 20170112154826: a change_table block is one line)', async () => {
    const sql = [
      'ALTER TABLE users ADD COLUMN a int; ALTER TABLE users ADD COLUMN b int;',
      'SELECT 1;',
      'ALTER TABLE orders ADD COLUMN c int; ALTER TABLE orders ADD COLUMN d int;',
    ].join('\n');
    const [finding] = await findingsOf('require-lock-timeout', sql);
    expect(finding?.message).toContain('these 4 statements (lines 1 and 3)');
    const [one] = await findingsOf('require-lock-timeout', sql.split('\n')[0] ?? '');
    expect(one?.message).toContain('these 2 statements (line 1)');
  });

  it('gives each transaction block its own finding, none to the one that sets lock_timeout', async () => {
    const sql = [
      'BEGIN;',
      'ALTER TABLE users ADD COLUMN a int;',
      'ALTER TABLE users ADD COLUMN b int;',
      'COMMIT;',
      'BEGIN;',
      "SET LOCAL lock_timeout = '2s';",
      'ALTER TABLE users ADD COLUMN c int;',
      'COMMIT;',
      'BEGIN;',
      'ALTER TABLE orders ADD COLUMN d int;',
      'COMMIT;',
    ].join('\n');
    const found = await findingsOf('require-lock-timeout', sql);
    expect(found.map((finding) => [finding.statementIndex, finding.span.start.line])).toEqual([
      [1, 2],
      [9, 10],
    ]);
    expect(found[0]?.message).toContain('these 2 statements (lines 2–3)');
    expect(found[1]?.message).toContain('this statement (line 10)');
  });

  it('leaves out a statement its ignore comment names, and records it as suppressed', async () => {
    const sql = [
      'ALTER TABLE users ADD COLUMN a int;',
      '-- dma-ignore require-lock-timeout users is idle at deploy time',
      'ALTER TABLE users ADD COLUMN b int;',
      'ALTER TABLE users ADD COLUMN c int;',
    ].join('\n');
    const { validatePostgres } = await import('../../../src/safety/engine.js');
    const report = await validatePostgres(sql);
    const found = report.findings.filter((finding) => finding.ruleId === 'require-lock-timeout');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('these 2 statements (lines 1 and 4)');
    expect(report.suppressed).toContainEqual(
      expect.objectContaining({ ruleId: 'require-lock-timeout', statementIndex: 1, line: 3 }),
    );
  });
});

describe('require-lock-timeout: only locks the application queues behind', () => {
  it('leaves out a statement whose lock reads and writes pass (VALIDATE CONSTRAINT, SET STATISTICS)', async () => {
    const sql = [
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
      'ALTER TABLE orders ALTER COLUMN x SET STATISTICS 500;',
    ].join('\n');
    expect(await findingsOf('require-lock-timeout', sql)).toEqual([]);
    expect(await findingsOf('require-statement-timeout', sql)).toEqual([]);
  });

  it('says writes queue behind a plain CREATE INDEX, not reads', async () => {
    const [finding] = await findingsOf('require-lock-timeout', 'CREATE INDEX orders_x_idx ON orders (x);');
    expect(finding?.message).toContain('every write on orders queues behind it');
  });

  it('names the partition ATTACH PARTITION locks ACCESS EXCLUSIVE, and what queues on each table', async () => {
    const sql = [
      'CREATE INDEX orders_x_idx ON orders (x);',
      'ALTER TABLE parted ATTACH PARTITION p2 FOR VALUES IN (2);',
    ].join('\n');
    const [finding, ...rest] = await findingsOf('require-lock-timeout', sql);
    expect(rest).toEqual([]);
    expect(finding?.message).toContain('(orders and p2)');
    expect(finding?.message).not.toContain('parted');
    expect(finding?.message).toContain('reads too on p2; on orders, writes only');
  });

  it('names the referenced table a new foreign key locks (cal.com 20220628184929)', async () => {
    const sql = 'ALTER TABLE "EventType" ADD CONSTRAINT et_user_fk FOREIGN KEY ("userId") REFERENCES users (id);';
    const [finding] = await findingsOf('require-lock-timeout', sql);
    expect(finding?.message).toContain('this statement (line 1): if one of its tables');
    expect(finding?.message).toContain('("EventType" and users)');
  });

  it('names the referenced table a dropped foreign key locks ACCESS EXCLUSIVE (cal.com 20211231142312)', async () => {
    const history = [
      { sql: 'CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE webhooks (user_id int REFERENCES users (id));' },
    ];
    const sql =
      'BEGIN;\nALTER TABLE webhooks DROP CONSTRAINT webhooks_user_id_fkey;\nCREATE INDEX webhooks_u ON webhooks (user_id);\nCOMMIT;';
    const [finding, ...rest] = await findingsOf('require-lock-timeout', sql, { catalog: { history } });
    expect(rest).toEqual([]);
    expect(finding?.message).toContain('these 2 statements (lines 2–3)');
    expect(finding?.message).toContain('(webhooks and users)');
    expect(finding?.message).toContain('every query on that table');
  });

  it('says every query when the same table is also altered', async () => {
    const sql = ['CREATE INDEX orders_x_idx ON orders (x);', 'ALTER TABLE orders ADD COLUMN y int;'].join('\n');
    const [finding] = await findingsOf('require-lock-timeout', sql);
    expect(finding?.message).toContain('every query on orders queues behind it');
  });
});
