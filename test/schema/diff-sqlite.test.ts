import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/schema/diff/diff.js';
import { introspectSqlite } from '../../src/schema/introspect/sqlite.js';
import type { Schema } from '../../src/schema/model.js';

function open(sql: string): Database.Database {
  const db = new Database(':memory:');
  db.exec(sql);
  return db;
}

function introspect(db: Database.Database): Promise<Schema> {
  return introspectSqlite({ query: async (sql, params = []) => db.prepare(sql).all(...params) as never });
}

async function schemaOf(sql: string): Promise<Schema> {
  const db = open(sql);
  try {
    return await introspect(db);
  } finally {
    db.close();
  }
}

function apply(db: Database.Database, statements: string[]): void {
  db.pragma('foreign_keys = OFF');
  for (const statement of statements) db.exec(statement);
  db.pragma('foreign_keys = ON');
}

describe('schema diff on SQLite', () => {
  it('adds and drops columns in place and rebuilds a table for a type change, keeping its rows', async () => {
    const before =
      'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age TEXT); CREATE INDEX users_name ON users (name); CREATE VIEW names AS SELECT name FROM users;';
    const after =
      'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER, email TEXT); CREATE INDEX users_name ON users (name); CREATE VIEW names AS SELECT name FROM users;';
    const s0 = await schemaOf(before);
    const s1 = await schemaOf(after);
    expect(diffSchemas(s0, s0).operations).toEqual([]);
    const diff = diffSchemas(s0, s1);
    expect(diff.operations.map((op) => `${op.kind} ${op.object} ${op.safety}`)).toEqual([
      'drop-view names safe',
      'rebuild-table users careful',
      'create-index users.users_name safe',
      'create-view names safe',
    ]);
    expect(diff.notes[0]).toContain('PRAGMA foreign_keys = OFF');
    const db = open(before);
    db.exec("INSERT INTO users (name, age) VALUES ('Ada', '36')");
    apply(
      db,
      diff.operations.flatMap((op) => op.sql),
    );
    expect(diffSchemas(await introspect(db), s1).operations).toEqual([]);
    expect(db.prepare('SELECT name, age FROM users').all()).toEqual([{ name: 'Ada', age: 36 }]);
    db.close();
  });

  it("reads generated columns' expressions and rebuilds the table when one changes", async () => {
    const before =
      "CREATE TABLE lines (qty INTEGER, price REAL, \"total (net)\" REAL GENERATED ALWAYS AS (qty * price) STORED, label TEXT AS (upper(coalesce('x,' || qty, '(none)'))))";
    const after =
      "CREATE TABLE lines (qty INTEGER, price REAL, \"total (net)\" REAL GENERATED ALWAYS AS (round(qty * price, 2)) STORED, label TEXT AS (upper(coalesce('x,' || qty, '(none)'))))";
    const s0 = await schemaOf(before);
    expect(s0.tables[0]?.columns.filter((column) => column.generated)).toEqual([
      expect.objectContaining({ name: 'total (net)', generated: 'qty * price', generatedStorage: 'stored' }),
      expect.objectContaining({
        name: 'label',
        generated: "upper(coalesce('x,' || qty, '(none)'))",
        generatedStorage: 'virtual',
      }),
    ]);
    const s1 = await schemaOf(after);
    expect(diffSchemas(s0, s0).operations).toEqual([]);
    const diff = diffSchemas(s0, s1);
    expect(diff.operations.map((op) => `${op.kind} ${op.object} ${op.safety}`)).toEqual([
      'rebuild-table lines careful',
    ]);
    const db = open(before);
    db.exec('INSERT INTO lines (qty, price) VALUES (3, 1.1)');
    apply(
      db,
      diff.operations.flatMap((op) => op.sql),
    );
    expect(diffSchemas(await introspect(db), s1).operations).toEqual([]);
    expect(db.prepare('SELECT "total (net)" AS total FROM lines').get()).toEqual({ total: 3.3 });
    db.close();
  });

  it('asks about a rename and RENAMEs once answered', async () => {
    const s0 = await schemaOf('CREATE TABLE t (id INTEGER PRIMARY KEY, title TEXT)');
    const s1 = await schemaOf('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    expect(diffSchemas(s0, s1).questions.map((question) => question.answer)).toEqual([
      { table: 't', from: 'title', to: 'name' },
    ]);
    const answered = diffSchemas(s0, s1, { renames: [{ table: 't', from: 'title', to: 'name' }] });
    expect(answered.operations.map((op) => op.sql)).toEqual([['ALTER TABLE "t" RENAME COLUMN "title" TO "name"']]);
  });

  it('property: diff(S, S) = ∅ and applying diff(S0, S1) to S0 gives S1', async () => {
    await fc.assert(
      fc.asyncProperty(sqliteSchema(), sqliteSchema(), async (ddl0, ddl1) => {
        const s0 = await schemaOf(ddl0);
        const s1 = await schemaOf(ddl1);
        expect(diffSchemas(s0, s0).operations).toEqual([]);
        const db = open(ddl0);
        try {
          apply(
            db,
            diffSchemas(s0, s1).operations.flatMap((op) => op.sql),
          );
          expect(diffSchemas(await introspect(db), s1).operations).toEqual([]);
        } finally {
          db.close();
        }
      }),
      { numRuns: 100 },
    );
  });
});

function sqliteSchema(): fc.Arbitrary<string> {
  const column = (name: string) =>
    fc.record({
      name: fc.constant(name),
      type: fc.constantFrom('INTEGER', 'TEXT', 'REAL', 'NUMERIC'),
      notNull: fc.boolean(),
      indexed: fc.boolean(),
    });
  const table = fc.record({
    present: fc.boolean(),
    columns: fc.subarray(['c1', 'c2', 'c3'], { minLength: 1 }).chain((names) => fc.tuple(...names.map(column))),
    view: fc.boolean(),
  });
  return fc.tuple(table, table).map((tables) => {
    const statements: string[] = [];
    for (const [index, t] of tables.entries()) {
      if (!t.present) continue;
      const name = `t${index + 1}`;
      const columns = t.columns.map((c) => `${c.name} ${c.type}${c.notNull ? ' NOT NULL DEFAULT 0' : ''}`);
      statements.push(`CREATE TABLE ${name} (id INTEGER PRIMARY KEY, ${columns.join(', ')})`);
      for (const c of t.columns)
        if (c.indexed) statements.push(`CREATE INDEX ${name}_${c.name} ON ${name} (${c.name})`);
      if (t.view) statements.push(`CREATE VIEW ${name}_v AS SELECT id FROM ${name}`);
    }
    return statements.map((statement) => `${statement};`).join('\n');
  });
}
