import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/generate/changes.js';
import {
  applyDown,
  applyUp,
  differenceFrom,
  engineOf,
  generateConfirmed,
  makeProject,
  openTarget,
  rehearsals,
  rehearsalsPassed,
  removeProject,
  TARGETS,
  type Target,
} from './helpers.js';

/**
 * generate_migration end to end on a plain .sql project, per engine: the files are written only after every draft
 * was rehearsed, then applied for real on a database holding rows, rolled back, applied again — the schema is the
 * intended one each time and no row is lost through the phased rename, type change and NOT NULL.
 */

const text = (target: Target) => (target === 'mariadb' ? 'varchar(100)' : 'text');

function initSql(target: Target): string {
  return `CREATE TABLE users (\n  id integer PRIMARY KEY,\n  name ${text(target)} NOT NULL,\n  age ${text(target)}\n);\n`;
}

/** Ages are text; synthetic rows hold any text, so the conversion keeps only the digits. */
const USING: Record<Target, string | undefined> = {
  'postgres-server': "NULLIF(regexp_replace(age, '[^0-9]', '', 'g'), '')::integer",
  pglite: "NULLIF(regexp_replace(age, '[^0-9]', '', 'g'), '')::integer",
  mariadb: "CAST(NULLIF(REGEXP_REPLACE(age, '[^0-9]', ''), '') AS SIGNED)",
  sqlite: undefined,
};

const changes = (target: Target): Change[] => [
  {
    op: 'create_table',
    table: 'orders',
    columns: [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: 'user_id', type: 'integer', nullable: false, references: { table: 'users' } },
      { name: 'total', type: 'numeric(10,2)', nullable: false, default: '0' },
    ],
  },
  { op: 'add_column', table: 'users', column: { name: 'email', type: 'varchar(255)' } },
  { op: 'add_index', table: 'users', columns: ['email'] },
  { op: 'add_check', table: 'users', expression: 'id > 0', name: 'users_id_positive' },
  { op: 'rename_column', table: 'users', from: 'name', to: 'full_name' },
  {
    op: 'alter_column',
    table: 'users',
    column: 'age',
    type: 'integer',
    ...(USING[target] ? { using: USING[target] } : {}),
  },
  { op: 'alter_column', table: 'users', column: 'age', nullable: false, default: '0' },
];

/** The schema those changes mean, written by hand per engine. */
function intendedSql(target: Target): string[] {
  const numeric = target === 'mariadb' ? 'decimal(10,2)' : 'numeric(10,2)';
  if (target === 'sqlite')
    return [
      `CREATE TABLE users (id integer NOT NULL, full_name text NOT NULL, age integer NOT NULL DEFAULT 0, email varchar(255), PRIMARY KEY (id), CONSTRAINT users_id_positive CHECK (id > 0))`,
      // SQLite keeps an index's CREATE text as written: the generated one quotes every name.
      'CREATE INDEX "users_email_idx" ON "users" ("email")',
      `CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), total ${numeric} NOT NULL DEFAULT 0)`,
      'CREATE INDEX "orders_user_id_idx" ON "orders" ("user_id")',
    ];
  return [
    `CREATE TABLE users (id integer PRIMARY KEY, full_name ${text(target)} NOT NULL, age integer NOT NULL DEFAULT 0, email varchar(255), CONSTRAINT users_id_positive CHECK (id > 0))`,
    'CREATE INDEX users_email_idx ON users (email)',
    `CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL, total ${numeric} NOT NULL DEFAULT 0, CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id))`,
    'CREATE INDEX orders_user_id_idx ON orders (user_id)',
  ];
}

const ROWS = 40;

function insertRows(): string {
  const values = Array.from({ length: ROWS }, (_, index) => {
    const id = index + 1;
    return `(${id}, 'user ${id}', ${id % 4 === 0 ? 'NULL' : `'${20 + id}'`})`;
  });
  return `INSERT INTO users (id, name, age) VALUES ${values.join(', ')}`;
}

describe.each(TARGETS)('generate into a plain SQL project on %s', (target) => {
  it('writes proven migrations that apply, roll back and apply again, losing no row', {
    timeout: 400_000,
  }, async () => {
    const db = await openTarget(target);
    if (!db) return;
    const root = makeProject({
      'migrations/001_create_users.sql': initSql(target),
      'migrations/down/001_create_users.sql': 'DROP TABLE users;\n',
    });
    const engine = engineOf(target);
    try {
      const result = await generateConfirmed(target, root, changes(target), 20);
      expect(rehearsals(result)).toEqual(rehearsalsPassed(result));
      expect(result.written).toBe(true);
      expect(result.withheld).toEqual([]);
      const labels = result.drafts.map((draft) => draft.phase?.label);
      expect(labels).toContain('expand');
      expect(labels).toContain('backfill');
      expect(labels).toContain('contract');
      expect(result.drafts.filter((draft) => draft.applicationChange).length).toBeGreaterThanOrEqual(3);
      expect(result.files[0]?.path).toMatch(/^migrations\/002_add_orders_table/);
      if (engine === 'postgresql') {
        const all = result.drafts.flatMap((draft) => draft.up).join('\n');
        expect(all).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx');
        expect(all).toContain('NOT VALID');
        expect(all).toContain('VALIDATE CONSTRAINT users_id_positive');
        expect(all).toMatch(/SET LOCAL lock_timeout/);
        expect(all).toContain('CHECK (age IS NOT NULL) NOT VALID');
        expect(all).toContain('RAISE NOTICE');
      }

      // The project's own migration, then rows, then the generated ones.
      await applyUp(db, root, 'migrations', engine, 0, 1);
      const before = await db.introspect();
      await db.exec(insertRows());
      const generated = result.drafts.length;
      await applyUp(db, root, 'migrations', engine, 1);
      expect(await differenceFrom(db, target, intendedSql(target))).toEqual([]);
      const rows = await db.query<{ id: number; full_name: string; age: number }>(
        'SELECT id, full_name, age FROM users ORDER BY id',
      );
      expect(rows.length).toBe(ROWS);
      for (const row of rows) {
        expect(row.full_name).toBe(`user ${row.id}`);
        expect(Number(row.age)).toBe(row.id % 4 === 0 ? 0 : 20 + row.id);
      }

      await applyDown(db, root, 'migrations', engine, generated);
      const { compareSchemas } = await import('../../src/schema/compare.js');
      expect(compareSchemas(before, await db.introspect())).toEqual([]);
      const back = await db.query<{ id: number; name: string }>('SELECT id, name FROM users ORDER BY id');
      expect(back.map((row) => row.name)).toEqual(back.map((row) => `user ${row.id}`));
      expect(back.length).toBe(ROWS);

      await applyUp(db, root, 'migrations', engine, 1);
      expect(await differenceFrom(db, target, intendedSql(target))).toEqual([]);
      expect((await db.query('SELECT id FROM users')).length).toBe(ROWS);
    } finally {
      await db.close();
      removeProject(root);
    }
  });
});
