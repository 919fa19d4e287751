import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/schema/diff/diff.js';
import { introspectPostgres } from '../../src/schema/introspect/postgres.js';
import type { Schema } from '../../src/schema/model.js';
import { PgliteShadow } from '../../src/shadow/pglite.js';

const RICH = readFileSync(new URL('../fixtures/schema-diff/rich-postgres.sql', import.meta.url), 'utf8');

type PGlite = PgliteShadow;

/** The shadow adapter loads a cached empty data directory: much faster than an initdb per instance. */
function pglite(): Promise<PGlite> {
  return PgliteShadow.open();
}

async function reset(db: PGlite, sql: string): Promise<Schema> {
  await db.exec(
    'DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS billing CASCADE; CREATE SCHEMA public; SET search_path = public',
  );
  await db.exec(sql);
  return introspect(db);
}

function introspect(db: PGlite): Promise<Schema> {
  return introspectPostgres(db);
}

async function apply(db: PGlite, statements: string[]): Promise<void> {
  for (const statement of statements) {
    try {
      await db.exec(statement);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n  in: ${statement}`);
    }
  }
}

describe('schema diff on PostgreSQL (PGlite)', { timeout: 300_000 }, () => {
  let a: PGlite;
  let b: PGlite;
  let c: PGlite;
  beforeAll(async () => {
    a = await pglite();
    b = await pglite();
    c = await pglite();
  }, 300_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), c?.close()]);
  });

  it('diff(S, S) is empty and the up and down of a rich schema restore it exactly', async () => {
    const empty = await reset(a, '');
    const rich = await reset(b, RICH);
    expect(diffSchemas(rich, rich).operations).toEqual([]);
    const up = diffSchemas(empty, rich);
    expect(up.summary.dangerous).toBe(0);
    expect(up.operations.map((op) => op.kind)).toEqual(
      expect.arrayContaining([
        'create-enum',
        'create-domain',
        'create-table',
        'create-view',
        'create-trigger',
        'create-policy',
      ]),
    );
    // Types and schemas before tables, tables before their foreign keys, functions before triggers.
    const position = (kind: string, object?: string) =>
      up.operations.findIndex((op) => op.kind === kind && (object === undefined || op.object === object));
    expect(position('create-enum')).toBeLessThan(position('create-table', 'users'));
    expect(position('create-table', 'users')).toBeLessThan(position('add-constraint', 'billing.invoices.inv_user_fk'));
    expect(position('create-routine', 'touch()')).toBeLessThan(position('create-trigger'));
    await reset(c, '');
    await apply(
      c,
      up.operations.flatMap((op) => op.sql),
    );
    expect(diffSchemas(await introspect(c), rich).operations).toEqual([]);
    const down = diffSchemas(rich, empty);
    await apply(
      c,
      down.operations.flatMap((op) => op.sql),
    );
    expect(diffSchemas(await introspect(c), empty).operations).toEqual([]);
    expect(down.operations.filter((op) => op.kind === 'drop-table').every((op) => op.safety === 'dangerous')).toBe(
      true,
    );
  });

  it('rebuilds dependent views around a column type change, in dependency order', async () => {
    const before = await reset(
      a,
      `CREATE TABLE t (id int PRIMARY KEY, amount int NOT NULL DEFAULT 0);
       CREATE VIEW v1 AS SELECT id, amount FROM t; CREATE VIEW v2 AS SELECT id FROM v1 WHERE amount > 1;`,
    );
    const after = await reset(
      b,
      `CREATE TABLE t (id int PRIMARY KEY, amount bigint NOT NULL DEFAULT 0);
       CREATE VIEW v1 AS SELECT id, amount FROM t; CREATE VIEW v2 AS SELECT id FROM v1 WHERE amount > 1;`,
    );
    const diff = diffSchemas(before, after);
    expect(diff.operations.map((op) => `${op.kind} ${op.object} ${op.safety}`)).toEqual([
      'drop-view v2 safe',
      'drop-view v1 safe',
      'alter-column t.amount dangerous',
      'create-view v1 safe',
      'create-view v2 safe',
    ]);
    expect(diff.operations[2]?.hazards).toContain('table-rewrite');
    await reset(c, '');
    await c.exec(
      `CREATE TABLE t (id int PRIMARY KEY, amount int NOT NULL DEFAULT 0);
       CREATE VIEW v1 AS SELECT id, amount FROM t; CREATE VIEW v2 AS SELECT id FROM v1 WHERE amount > 1;`,
    );
    await apply(
      c,
      diff.operations.flatMap((op) => op.sql),
    );
    expect(diffSchemas(await introspect(c), after).operations).toEqual([]);
  });

  it('asks about a likely column rename, and RENAMEs once answered', async () => {
    const before = await reset(
      a,
      'CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL); INSERT INTO users VALUES (1, $$Ada$$);',
    );
    const after = await reset(b, 'CREATE TABLE users (id int PRIMARY KEY, display_name text NOT NULL)');
    const asked = diffSchemas(before, after);
    expect(asked.questions).toEqual([
      {
        kind: 'column',
        table: 'users',
        from: 'name',
        to: 'display_name',
        evidence: [
          'column users.name is dropped and users.display_name is added',
          'same type text',
          'both NOT NULL',
          'the only column dropped and the only column added in this table',
        ],
        answer: { table: 'users', from: 'name', to: 'display_name' },
      },
    ]);
    const drop = asked.operations.find((op) => op.kind === 'drop-column');
    expect(drop).toMatchObject({ object: 'users.name', safety: 'dangerous' });
    expect(drop?.dataLoss).toContain('every value of users.name');
    expect(drop?.dataLoss).toContain('renames: [{"table":"users","from":"name","to":"display_name"}]');
    const answered = diffSchemas(before, after, { renames: [{ table: 'users', from: 'name', to: 'display_name' }] });
    expect(answered.questions).toEqual([]);
    expect(answered.operations.map((op) => op.sql)).toEqual([['ALTER TABLE users RENAME COLUMN name TO display_name']]);
    await apply(
      a,
      answered.operations.flatMap((op) => op.sql),
    );
    expect(await a.query('SELECT display_name FROM users')).toEqual([{ display_name: 'Ada' }]);
    expect(() =>
      diffSchemas(before, after, { renames: [{ table: 'users', from: 'nope', to: 'display_name' }] }),
    ).toThrow(/column rename needs column "nope"/);
  });

  it('asks about a likely table rename', async () => {
    const before = await reset(a, 'CREATE TABLE people (id int, name text)');
    const after = await reset(b, 'CREATE TABLE persons (id int, name text)');
    const diff = diffSchemas(before, after);
    expect(diff.questions.map((question) => question.answer)).toEqual([{ from: 'people', to: 'persons' }]);
    const answered = diffSchemas(before, after, { renames: [{ from: 'people', to: 'persons' }] });
    expect(answered.operations.map((op) => op.sql[0])).toEqual(['ALTER TABLE people RENAME TO persons']);
  });

  it('classifies enum value changes', async () => {
    const before = await reset(a, "CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE t (m mood DEFAULT 'sad')");
    const added = await reset(
      b,
      "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE t (m mood DEFAULT 'sad')",
    );
    expect(diffSchemas(before, added).operations.map((op) => [op.kind, op.safety, op.sql[0]])).toEqual([
      ['add-enum-value', 'safe', "ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy'"],
    ]);
    const removed = await reset(b, "CREATE TYPE mood AS ENUM ('sad'); CREATE TABLE t (m mood DEFAULT 'sad')");
    const diff = diffSchemas(before, removed);
    expect(diff.operations.map((op) => [op.kind, op.safety])).toEqual([['recreate-enum', 'dangerous']]);
    expect(diff.operations[0]?.dataLoss).toContain('happy');
    await reset(c, "CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE t (m mood DEFAULT 'sad')");
    await apply(
      c,
      diff.operations.flatMap((op) => op.sql),
    );
    expect(diffSchemas(await introspect(c), removed).operations).toEqual([]);
  });

  it('property: diff(S, S) = ∅ and applying diff(S0, S1) to S0 gives S1', async () => {
    await fc.assert(
      fc.asyncProperty(schemaDdl(), schemaDdl(), async (ddl0, ddl1) => {
        const s0 = await reset(a, ddl0);
        const s1 = await reset(b, ddl1);
        expect(diffSchemas(s0, s0).operations).toEqual([]);
        const diff = diffSchemas(s0, s1);
        await reset(c, ddl0);
        await apply(
          c,
          diff.operations.flatMap((op) => op.sql),
        );
        expect(diffSchemas(await introspect(c), s1).operations).toEqual([]);
      }),
      { numRuns: 15, endOnFailure: true },
    );
  });
});

const TYPES = ['int4', 'int8', 'numeric(10,2)', 'text', 'varchar(20)'];

interface GeneratedColumn {
  name: string;
  type: string;
  notNull: boolean;
  withDefault: boolean;
  indexed: boolean;
}

/** Random small schemas over shared names, so two of them overlap: tables t1–t3, columns c1–c4, a view. */
function schemaDdl(): fc.Arbitrary<string> {
  const column = (name: string) =>
    fc.record({
      name: fc.constant(name),
      type: fc.constantFrom(...TYPES),
      notNull: fc.boolean(),
      withDefault: fc.boolean(),
      indexed: fc.boolean(),
    });
  const table = fc.record({
    present: fc.boolean(),
    primaryKey: fc.boolean(),
    columns: fc.subarray(['c1', 'c2', 'c3', 'c4'], { minLength: 1 }).chain((names) => fc.tuple(...names.map(column))),
    view: fc.boolean(),
  });
  return fc.tuple(table, table, table, fc.boolean()).map(([t1, t2, t3, fk]) => {
    const statements: string[] = [];
    for (const [index, t] of [t1, t2, t3].entries()) {
      if (!t.present) continue;
      const name = `t${index + 1}`;
      const columns = (t.columns as GeneratedColumn[]).map(
        (c) =>
          `${c.name} ${c.type}${c.withDefault ? ` DEFAULT ${/int|numeric/.test(c.type) ? '0' : "'x'"}` : ''}${c.notNull ? ' NOT NULL' : ''}`,
      );
      const pk = t.primaryKey ? ', id int PRIMARY KEY' : ', id int';
      statements.push(`CREATE TABLE ${name} (${columns.join(', ')}${pk})`);
      for (const c of t.columns as GeneratedColumn[])
        if (c.indexed) statements.push(`CREATE INDEX ${name}_${c.name}_idx ON ${name} (${c.name})`);
      if (t.view) statements.push(`CREATE VIEW ${name}_v AS SELECT * FROM ${name}`);
    }
    if (fk && t1.present && t2.present && t1.primaryKey)
      statements.push('ALTER TABLE t2 ADD CONSTRAINT t2_t1_fk FOREIGN KEY (id) REFERENCES t1 (id)');
    return statements.map((statement) => `${statement};`).join('\n');
  });
}
