import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSchemas, renderSchemaChanges } from '../../src/schema/compare.js';
import { postgresDdl } from '../../src/schema/ddl-postgres.js';
import { emptySchema, type Schema } from '../../src/schema/model.js';
import { MysqlShadow } from '../../src/shadow/mysql.js';
import { PgliteShadow } from '../../src/shadow/pglite.js';
import { SqliteShadow } from '../../src/shadow/sqlite.js';
import { MYSQL_URL, mysqlAvailable } from '../helpers/databases.js';

const mysql = await mysqlAvailable();

const PG_SCHEMA = `
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE SCHEMA billing;
CREATE TABLE users (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email varchar(120) NOT NULL,
  feeling mood,
  score numeric(8, 2) DEFAULT 0 CHECK (score >= 0),
  tags text[],
  CONSTRAINT users_email_key UNIQUE (email)
);
CREATE TABLE billing.invoices (
  id bigserial PRIMARY KEY,
  user_id integer REFERENCES users (id) ON DELETE SET NULL,
  total_cents bigint NOT NULL
);
CREATE INDEX invoices_user_idx ON billing.invoices (user_id) WHERE user_id IS NOT NULL;
CREATE VIEW happy_users AS SELECT id FROM users WHERE feeling = 'happy';
`;

describe('PostgreSQL introspection (pg_catalog, on PGlite)', () => {
  it('reads tables, normalised columns, keys, constraints, indexes, enums, views and sequences', async () => {
    const db = await PgliteShadow.open();
    try {
      await db.exec(PG_SCHEMA);
      const schema = await db.introspect();
      const users = schema.tables.find((table) => table.name === 'users');
      expect(users?.columns.map((column) => [column.name, column.type, column.nullable])).toEqual([
        ['id', 'int4', false],
        ['email', 'varchar(120)', false],
        ['feeling', 'mood', true],
        ['score', 'numeric(8,2)', true],
        ['tags', 'text[]', true],
      ]);
      expect(users?.columns[0]?.autoIncrement).toBe(true);
      expect(users?.primaryKey).toEqual({ name: 'users_pkey', columns: ['id'] });
      expect(users?.uniques).toEqual([{ name: 'users_email_key', columns: ['email'] }]);
      expect(users?.checks).toEqual([
        { name: 'users_score_check', expression: '((score >= (0)::numeric))', validated: true },
      ]);
      const invoices = schema.tables.find((table) => table.name === 'invoices');
      expect(invoices?.namespace).toBe('billing');
      expect(invoices?.foreignKeys).toEqual([
        {
          name: 'invoices_user_id_fkey',
          columns: ['user_id'],
          referencedTable: 'users',
          referencedColumns: ['id'],
          onDelete: 'set null',
          onUpdate: 'no action',
          validated: true,
        },
      ]);
      expect(invoices?.indexes).toMatchObject([
        { name: 'invoices_user_idx', columns: ['user_id'], unique: false, where: '(user_id IS NOT NULL)' },
      ]);
      expect(schema.enums).toEqual([{ name: 'mood', values: ['happy', 'sad'] }]);
      expect(schema.views.map((view) => view.name)).toEqual(['happy_users']);
      expect(schema.sequences).toContainEqual(
        expect.objectContaining({ name: 'invoices_id_seq', namespace: 'billing', ownedBy: 'billing.invoices.id' }),
      );
      expect(compareSchemas(schema, await db.introspect())).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe('PostgreSQL DDL from the model', () => {
  it('recreates an introspected schema exactly (introspect → DDL → introspect gives no difference)', async () => {
    const source = await PgliteShadow.open();
    const copy = await PgliteShadow.open();
    try {
      await source.exec(PG_SCHEMA);
      await source.exec('ALTER TABLE users ADD CONSTRAINT users_email_lower CHECK (email = lower(email)) NOT VALID');
      const schema = await source.introspect();
      await copy.exec(postgresDdl(schema).join(';\n'));
      expect(compareSchemas(schema, await copy.introspect())).toEqual([]);
    } finally {
      await source.close();
      await copy.close();
    }
  });
});

describe('SQLite introspection (pragma)', () => {
  it('reads columns, keys, unique constraints, checks, foreign keys and indexes', async () => {
    const db = await SqliteShadow.open();
    try {
      await db.exec(`CREATE TABLE a (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, n REAL DEFAULT 1 CHECK (n > 0));
        CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id) ON DELETE CASCADE);
        CREATE INDEX b_a_idx ON b (a_id);`);
      const schema = await db.introspect();
      const a = schema.tables.find((table) => table.name === 'a');
      expect(a?.columns.map((column) => [column.name, column.type, column.nullable, column.default ?? null])).toEqual([
        ['id', 'integer', false, null],
        ['code', 'text', false, null],
        ['n', 'real', true, '1'],
      ]);
      expect(a?.uniques).toEqual([{ name: 'sqlite_autoindex_a_1', columns: ['code'] }]);
      expect(a?.checks).toEqual([{ name: 'check_1', expression: 'n > 0' }]);
      const b = schema.tables.find((table) => table.name === 'b');
      expect(b?.foreignKeys).toMatchObject([
        { columns: ['a_id'], referencedTable: 'a', referencedColumns: ['id'], onDelete: 'cascade' },
      ]);
      expect(b?.indexes).toMatchObject([{ name: 'b_a_idx', columns: ['a_id'], unique: false }]);
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(!mysql.available)('MySQL/MariaDB introspection (information_schema)', () => {
  it('reads columns, keys, foreign keys and indexes of the shadow database only', async () => {
    const db = await MysqlShadow.open({ url: MYSQL_URL });
    try {
      await db.exec(`CREATE TABLE a (id int AUTO_INCREMENT PRIMARY KEY, code varchar(20) NOT NULL UNIQUE, kind enum('x','y') NOT NULL DEFAULT 'x');
        CREATE TABLE b (id int PRIMARY KEY, a_id int, CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE CASCADE, INDEX b_a_idx (a_id));`);
      const schema = await db.introspect();
      expect(schema.tables.map((table) => table.name)).toEqual(['a', 'b']);
      const a = schema.tables[0];
      expect(a?.columns.map((column) => [column.name, column.type, column.nullable])).toEqual([
        ['id', 'int(11)', false],
        ['code', 'varchar(20)', false],
        ['kind', "enum('x','y')", false],
      ]);
      expect(a?.columns[0]?.autoIncrement).toBe(true);
      expect(a?.uniques).toEqual([{ name: 'code', columns: ['code'] }]);
      expect(schema.tables[1]?.foreignKeys).toMatchObject([
        { name: 'b_a_fk', columns: ['a_id'], referencedTable: 'a', onDelete: 'cascade' },
      ]);
      expect(schema.tables[1]?.indexes).toMatchObject([{ name: 'b_a_idx', columns: ['a_id'] }]);
    } finally {
      await db.close();
    }
  });
});

describe('compareSchemas', () => {
  const base: Schema = {
    ...emptySchema('postgresql'),
    tables: [
      {
        name: 't',
        columns: [
          { name: 'id', type: 'int4', nullable: false },
          { name: 'x', type: 'text', nullable: true },
        ],
        primaryKey: { columns: ['id'] },
        indexes: [],
        uniques: [],
        checks: [],
        foreignKeys: [],
      },
    ],
  };

  it('reports columns added, removed and changed with before and after, and renders them', () => {
    const after: Schema = structuredClone(base);
    const table = after.tables[0];
    if (!table) throw new Error('fixture');
    table.columns = [
      { name: 'id', type: 'int8', nullable: false },
      { name: 'y', type: 'text', nullable: false, default: "''::text" },
    ];
    const changes = compareSchemas(base, after);
    expect(changes).toEqual([
      {
        kind: 'column',
        change: 'changed',
        object: 't.id',
        fields: ['type'],
        before: { type: 'int4' },
        after: { type: 'int8' },
      },
      { kind: 'column', change: 'removed', object: 't.x', before: { name: 'x', type: 'text', nullable: true } },
      {
        kind: 'column',
        change: 'added',
        object: 't.y',
        after: { name: 'y', type: 'text', nullable: false, default: "''::text" },
      },
    ]);
    expect(renderSchemaChanges(changes).split('\n')[0]).toBe('~ column t.id: type int4 → int8');
  });

  it('finds no difference between a schema and itself, for any column set', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            name: fc.stringMatching(/^[a-z]{1,8}$/),
            type: fc.constantFrom('int4', 'text', 'bool'),
            nullable: fc.boolean(),
          }),
          {
            selector: (column) => column.name,
            maxLength: 8,
          },
        ),
        (columns) => {
          const schema: Schema = structuredClone(base);
          const table = schema.tables[0];
          if (table) table.columns = columns;
          expect(compareSchemas(schema, structuredClone(schema))).toEqual([]);
        },
      ),
    );
  });
});
