import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { type ValidateOptions, validatePostgres } from '../../../src/safety/engine.js';
import { POSTGRES_URL, throwAwaySchema } from '../../helpers/databases.js';
import { existing, ruleCases } from './run.js';

const orders: ValidateOptions = existing({
  orders: [
    ['id', 'int8', true],
    ['quantity', 'int4'],
    ['note', 'varchar(200)'],
    ['code', 'bpchar(3)'],
    ['price', 'numeric(10,2)'],
    ['placed_at', 'timestamp'],
    ['created_at', 'timestamptz(3)'],
    ['network', 'cidr'],
    ['body', 'text'],
    ['flags', 'varbit(8)'],
    ['tags', 'varchar(10)[]'],
  ],
});

ruleCases('column-type-change', {
  bad: [
    // varchar → citext keeps the rows but rebuilds the column's indexes (checked on PostgreSQL 15: the table's
    // relfilenode stays, the index's changes).
    {
      sql: 'CREATE INDEX orders_note_idx ON orders (note);\nALTER TABLE orders ALTER COLUMN note TYPE citext;',
      options: orders,
      message: /^note: varchar\(200\) → citext keeps the rows of orders, but its indexes on the column are rebuilt/,
    },
    // A binary-compatible change keeps the rows and the plain indexes, but PostgreSQL rebuilds a partial index on
    // the column: it does not compare WHERE clauses, so it cannot reuse one (Medusa: text → text, WHERE deleted_at).
    {
      sql: 'CREATE INDEX orders_live_note_idx ON orders (note) WHERE body IS NULL;\nALTER TABLE orders ALTER COLUMN note TYPE text USING (note::text);',
      options: orders,
      message:
        /^note: the type change keeps the rows of orders, but PostgreSQL rebuilds its partial index on the column \(orders_live_note_idx\)/,
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;',
      options: orders,
      severity: 'warning',
      fix: [
        /ALTER TABLE orders ADD COLUMN quantity_new bigint;/,
        /NEW\.quantity_new := \(SELECT quantity::bigint FROM \(SELECT NEW\.\*\) AS row_values\);/,
        { sql: /UPDATE orders SET quantity_new = quantity::bigint/, outsideTransaction: true, separateMigration: true },
        { sql: /ALTER TABLE orders DROP COLUMN quantity;/, separateMigration: true },
      ],
    },
    { sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(100);', options: orders },
    // One ALTER that changes several columns rewrites the table once: one finding, a fix for each column.
    {
      sql: 'ALTER TABLE orders ALTER COLUMN quantity TYPE bigint, ALTER COLUMN note TYPE varchar(100), ALTER COLUMN body TYPE text;',
      options: orders,
      count: 1,
      fix: [
        /ALTER TABLE orders ADD COLUMN quantity_new bigint;/,
        /ALTER TABLE orders ADD COLUMN note_new varchar\(100\);/,
        { sql: /UPDATE orders SET note_new = note::varchar\(100\)/, outsideTransaction: true },
      ],
    },
    { sql: 'ALTER TABLE orders ALTER COLUMN code TYPE text;', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN price TYPE numeric(12,4);', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN body TYPE varchar(50);', options: orders },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text USING trim(note);',
      options: orders,
      fix: [/SELECT trim\(note\) FROM/],
    },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz;',
      options: orders,
      severity: 'info',
      fix: [/^SET TIME ZONE 'UTC';/],
    },
    {
      sql: "BEGIN;\nSET LOCAL TIME ZONE 'UTC';\nCOMMIT;\nALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz;",
      options: orders,
      severity: 'info',
    },
    {
      sql: "SET TIME ZONE 'UTC';\nALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz;",
      options: { ...orders, pgVersion: 11 },
      severity: 'info',
    },
    { sql: 'ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;', severity: 'info' },
    {
      sql: 'ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;',
      options: { ...orders, rowCounts: { orders: 8_000_000 } },
      severity: 'error',
    },
    // USING the column itself decides nothing: the change rewrites as it would without the clause.
    { sql: 'ALTER TABLE orders ALTER COLUMN quantity TYPE bigint USING quantity;', options: orders },
    {
      sql: "SET timezone = 'Europe/Paris';\nALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz USING placed_at;",
      options: orders,
      severity: 'info',
      fix: [/^SET TIME ZONE 'UTC';/],
    },
    // Any other USING expression is computed row by row: a rewrite, time zone or not.
    // The types alone keep the rows there (checked on PostgreSQL 15: USING placed_at::timestamptz under UTC keeps
    // the relfilenode, USING placed_at AT TIME ZONE 'UTC' changes it): the message names the USING, not the types.
    {
      sql: "SET timezone = 'UTC';\nALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz USING placed_at AT TIME ZONE 'UTC';",
      options: orders,
      fix: [/SELECT placed_at AT TIME ZONE 'UTC' FROM/],
      message:
        /^orders\.placed_at: timestamp → timestamptz USING placed_at AT TIME ZONE 'UTC' computes every value anew, so orders/,
    },
    // twenty's useTimestampWithTZ on a column already timestamptz: the same type, rewritten for the USING, and
    // every value moved by the session's offset (PostgreSQL 15 under Europe/Paris: 12:00+00 became 11:00+00).
    {
      sql: "ALTER TABLE orders ALTER COLUMN created_at TYPE timestamptz(3) USING created_at AT TIME ZONE 'UTC';",
      options: orders,
      count: 2,
      message:
        /^orders\.created_at: timestamptz\(3\) → timestamptz\(3\) USING created_at AT TIME ZONE 'UTC' computes every|^orders\.created_at is already timestamptz: USING created_at AT TIME ZONE 'UTC' turns each value into the wall-clock time in UTC/,
    },
    // With the session pinned to UTC nothing moves: only the rewrite is reported.
    {
      sql: "SET TIME ZONE 'UTC';\nALTER TABLE orders ALTER COLUMN created_at TYPE timestamptz(3) USING created_at AT TIME ZONE 'UTC';",
      options: orders,
      count: 1,
      message: /computes every value anew/,
    },
    { sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text USING note::varchar(10);', options: orders },
    // Through a cast that rewrites: int4 → int8 → text.
    { sql: 'ALTER TABLE orders ALTER COLUMN quantity TYPE text USING quantity::bigint;', options: orders },
    // Arrays convert element by element: any change rewrites, even a wider varchar (the lock oracle checks it).
    { sql: 'ALTER TABLE orders ALTER COLUMN tags TYPE varchar(20)[];', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN tags TYPE text[];', options: orders },
    // A narrower precision rounds every value: rewritten even in a UTC session.
    {
      sql: "SET TIME ZONE 'UTC';\nALTER TABLE orders ALTER COLUMN created_at TYPE timestamp(1);",
      options: orders,
    },
  ],
  good: [
    // bigserial is bigint with a sequence default: the same type (PostgreSQL 15 keeps the relfilenode).
    { sql: 'CREATE TABLE w (id bigserial, v int);\nALTER TABLE w ALTER COLUMN id TYPE bigint;', options: orders },
    // citext reads varchar and text without a function: the rows stay, and no index on the column is rebuilt.
    { sql: 'ALTER TABLE orders ALTER COLUMN note TYPE citext;', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(255);', options: orders },
    // A plain index on the column is reused (same operator class): nothing is rebuilt.
    {
      sql: 'CREATE INDEX orders_note_idx ON orders (note);\nALTER TABLE orders ALTER COLUMN note TYPE varchar(255);',
      options: orders,
    },
    { sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text;', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar;', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN price TYPE numeric(14,2);', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN price TYPE numeric;', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN network TYPE inet;', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN body TYPE varchar;', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN created_at TYPE timestamptz(6);', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN flags TYPE varbit(16);', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN tags TYPE varchar(10)[];', options: orders },
    { sql: 'CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a TYPE bigint;' },
    // PostgreSQL 12+ skips the rewrite when the session time zone is UTC (the lock oracle checks relfilenode).
    { sql: "SET TIME ZONE 'UTC';\nALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz;", options: orders },
    { sql: "SET timezone = 'Etc/UTC';\nALTER TABLE orders ALTER COLUMN created_at TYPE timestamp;", options: orders },
    // The same with USING the column itself, bare or cast to the new type (a real history writes it so).
    {
      sql: "SET timezone = 'UTC';\nALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz USING placed_at;",
      options: orders,
    },
    {
      sql: "SET timezone = 'UTC';\nALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz USING placed_at::timestamptz;",
      options: orders,
    },
    { sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(255) USING note;', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text USING note::text;', options: orders },
    // Through binary-coercible casts only (maybe-finance/maybe: varchar USING role::text): no rewrite.
    { sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar USING note::text;', options: orders },
    { sql: 'ALTER TABLE orders ALTER COLUMN body TYPE varchar USING body::varchar;', options: orders },
  ],
});

describe('column-type-change on one ALTER that changes several columns', () => {
  it('says the table is rewritten once and names every change', async () => {
    const report = await validatePostgres(
      'ALTER TABLE orders ALTER COLUMN quantity TYPE bigint, ALTER COLUMN note TYPE varchar(100);',
      orders,
    );
    const found = report.findings.filter((finding) => finding.ruleId === 'column-type-change');
    expect(found.map((finding) => finding.message)).toEqual([
      'orders: quantity: int4 → bigint; note: varchar(200) → varchar(100). None is binary-compatible, so orders and its indexes are rewritten once under ACCESS EXCLUSIVE.',
    ]);
    expect(found[0]?.fix?.steps.map((step) => step.description.split(':')[0])).toEqual([
      'quantity',
      'quantity',
      'quantity',
      'quantity',
      'note',
      'note',
      'note',
      'note',
    ]);
  });
});

describe('column-type-change: which indexes a binary-compatible change rebuilds, as PostgreSQL does it', () => {
  const database = throwAwaySchema('type_partial');
  const setup =
    'CREATE TABLE orders (id int8 PRIMARY KEY, note varchar(200), body text);\n' +
    'CREATE INDEX orders_note_idx ON orders (note);\n' +
    'CREATE INDEX orders_live_note_idx ON orders (note) WHERE body IS NULL;\n' +
    'CREATE INDEX orders_live_body_idx ON orders (body) WHERE body IS NULL;';
  const change = 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(255);';

  it('names exactly the indexes whose relfilenode PostgreSQL changes', async () => {
    if (!database.available) return;
    const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path="${database.name}"` });
    await client.connect();
    const filenodes = async () =>
      new Map(
        (
          await client.query<{ relname: string; relfilenode: number }>(
            `SELECT relname, relfilenode FROM pg_class WHERE relnamespace = '"${database.name}"'::regnamespace AND relkind = 'i'`,
          )
        ).rows.map((row) => [row.relname, row.relfilenode]),
      );
    let rebuilt: string[];
    try {
      await client.query(setup);
      const before = await filenodes();
      await client.query(change);
      const after = await filenodes();
      rebuilt = [...before].filter(([name, node]) => after.get(name) !== node).map(([name]) => name);
    } finally {
      await client.end();
    }
    expect(rebuilt).toEqual(['orders_live_note_idx']);
    const report = await validatePostgres(change, { catalog: { history: [{ sql: setup }] } });
    const found = report.findings.filter((finding) => finding.ruleId === 'column-type-change');
    expect(found.map((finding) => finding.message.match(/\(([^)]*)\) under/)?.[1])).toEqual(rebuilt);
  });
});

describe('column-type-change: timestamptz USING … AT TIME ZONE moves the values', () => {
  const schema = throwAwaySchema('tz_shift');

  it('moves them by the session offset on PostgreSQL 15, and the fix keeps them', async () => {
    if (!schema.available) return;
    const sql = "ALTER TABLE events ALTER COLUMN at TYPE timestamptz USING at AT TIME ZONE 'UTC';";
    const report = await validatePostgres(sql, {
      catalog: {
        snapshot: {
          tables: [
            { name: 'events', columns: [{ name: 'at', type: 'timestamptz', notNull: false, hasDefault: false }] },
          ],
        },
      },
    });
    const shift = report.findings.find((f) => f.message.includes('wall-clock time in UTC'));
    expect(shift?.severity).toBe('error');
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${schema.name}"; SET TIME ZONE 'Europe/Paris'`);
      await client.query("CREATE TABLE events (at timestamptz); INSERT INTO events VALUES ('2024-01-01 12:00+00')");
      await client.query(sql);
      const moved = await client.query("SELECT to_char(at AT TIME ZONE 'UTC', 'HH24:MI') AS t FROM events");
      expect(moved.rows[0]?.t).toBe('11:00');
      await client.query(shift?.fix?.steps[0]?.sql ?? '');
      const kept = await client.query("SELECT to_char(at AT TIME ZONE 'UTC', 'HH24:MI') AS t FROM events");
      expect(kept.rows[0]?.t).toBe('11:00');
    } finally {
      await client.end();
    }
  });
});
