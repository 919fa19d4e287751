import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { MigrationDraft } from '../../src/generate/types.js';
import { writeDrizzle } from '../../src/sources/formats/drizzle-write.js';
import { readMigrations } from '../../src/sources/index.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { fixtureCopy, scanOf, textOf, writeContext, writeFiles } from './writers-orm-helpers.js';

const now = new Date(Date.UTC(2026, 11, 6, 12, 0, 0));

const addOrdersPg: MigrationDraft = {
  name: 'add_orders_table',
  engine: 'postgresql',
  transactional: true,
  changes: [
    {
      op: 'create_table',
      table: 'orders',
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'user_id', type: 'integer', nullable: false, references: { table: 'users' } },
        { name: 'total', type: 'numeric(10,2)', nullable: false, default: '0' },
        { name: 'status', type: 'text', nullable: false, default: "'new'" },
        { name: 'created_at', type: 'timestamptz', nullable: false, default: 'now()' },
      ],
    },
    { op: 'add_column', table: 'users', column: { name: 'nickname', type: 'varchar(50)' } },
  ],
  up: [
    `CREATE TABLE IF NOT EXISTS "orders" (\n  "id" serial PRIMARY KEY,\n  "user_id" integer NOT NULL,\n  "total" numeric(10,2) NOT NULL DEFAULT 0,\n  "status" text NOT NULL DEFAULT 'new',\n  "created_at" timestamptz NOT NULL DEFAULT now(),\n  CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id")\n)`,
    `CREATE INDEX IF NOT EXISTS "orders_user_id_idx" ON "orders" ("user_id")`,
    `SET lock_timeout = '5s'`,
    `ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "nickname" varchar(50)`,
  ],
  down: [`ALTER TABLE "users" DROP COLUMN IF EXISTS "nickname"`, `DROP TABLE IF EXISTS "orders"`],
};

const addTagsSqlite: MigrationDraft = {
  name: 'add_tags_table',
  engine: 'sqlite',
  transactional: true,
  changes: [
    {
      op: 'create_table',
      table: 'tags',
      columns: [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'note_id', type: 'integer', nullable: false, references: { table: 'notes' } },
        { name: 'label', type: 'text', nullable: false },
      ],
    },
    { op: 'add_column', table: 'notes', column: { name: 'pinned', type: 'integer', nullable: false, default: '0' } },
  ],
  up: [
    'CREATE TABLE IF NOT EXISTS `tags` (\n  `id` integer PRIMARY KEY,\n  `note_id` integer NOT NULL REFERENCES `notes` (`id`),\n  `label` text NOT NULL\n)',
    'CREATE INDEX IF NOT EXISTS `tags_note_id_idx` ON `tags` (`note_id`)',
    'ALTER TABLE `notes` ADD COLUMN `pinned` integer NOT NULL DEFAULT 0',
  ],
  down: ['ALTER TABLE `notes` DROP COLUMN `pinned`', 'DROP TABLE IF EXISTS `tags`'],
};

describe('Drizzle writer (PostgreSQL project)', () => {
  const { root, cleanup } = fixtureCopy('generate-drizzle-pg');
  afterAll(cleanup);
  const files = writeDrizzle(addOrdersPg, scanOf(root, 'drizzle'), writeContext(root, now));

  it('writes a custom SQL migration, its journal entry, the chained snapshot and the schema.ts edit', () => {
    expect(files.map((file) => [file.path, file.edit])).toEqual([
      ['drizzle/0001_add_orders_table.sql', false],
      ['drizzle/meta/0001_snapshot.json', false],
      ['drizzle/meta/_journal.json', true],
      ['src/db/schema.ts', true],
    ]);
    const sql = textOf(files, /0001_add_orders_table\.sql$/);
    expect(
      sql.startsWith('-- Custom SQL migration file, put your code below! --\nCREATE TABLE IF NOT EXISTS "orders"'),
    ).toBe(true);
    expect(sql.split('\n--> statement-breakpoint\n')).toHaveLength(4);
    const snapshot = JSON.parse(textOf(files, /0001_snapshot\.json$/));
    expect(snapshot.prevId).toBe('0b7d3c1e-52a4-4f0e-9d7b-3f1c2a9e6b10');
    expect(snapshot.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const journal = JSON.parse(textOf(files, /_journal\.json$/));
    expect(journal.entries.at(-1)).toEqual({
      idx: 1,
      version: '7',
      when: now.getTime(),
      tag: '0001_add_orders_table',
      breakpoints: true,
    });
    // drizzle-kit's own multi-line layout is kept.
    expect(textOf(files, /_journal\.json$/)).toContain('    {\n      "idx": 1,\n');
    const schema = textOf(files, /schema\.ts$/);
    expect(schema).toContain(
      "import { integer, numeric, pgTable, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core';",
    );
    expect(schema).toContain("  nickname: varchar('nickname', { length: 50 }),\n});");
    expect(schema).toContain(
      [
        "export const orders = pgTable('orders', {",
        "  id: serial('id').primaryKey(),",
        "  userId: integer('user_id').notNull().references(() => users.id),",
        "  total: numeric('total', { precision: 10, scale: 2 }).notNull().default('0'),",
        "  status: text('status').notNull().default('new'),",
        "  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),",
        '});',
      ].join('\n'),
    );
  });

  it('reads back with the Drizzle reader in journal order, statement for statement', async () => {
    writeFiles(root, files);
    const result = await readMigrations(root, { format: 'drizzle' });
    expect(result.errors).toEqual([]);
    expect(result.migrations.map((migration) => migration.id)).toEqual(['0000', '0001']);
    expect(result.migrations[1]?.up.map((statement) => statement.sql.trim().replace(/;$/, ''))).toEqual(addOrdersPg.up);
  });

  it('applies on the PostgreSQL server, rolls back with the down, applies again', async (context) => {
    if (!(await postgresAvailable()).available) return context.skip();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    const schema = uniqueName('gen_drizzle');
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`SET search_path TO ${schema}`);
      const { migrations } = await readMigrations(root, { format: 'drizzle' });
      const tables = async () =>
        (
          await client.query(
            `SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_schema = $1 ORDER BY 1`,
            [schema],
          )
        ).rows.map((row) => row.c as string);
      // drizzle-orm's migrator: all pending migrations in one transaction.
      const up = async (list: typeof migrations) => {
        await client.query('BEGIN');
        for (const migration of list) for (const statement of migration.up) await client.query(statement.sql);
        await client.query('COMMIT');
      };
      await up(migrations);
      const applied = await tables();
      expect(applied).toEqual(expect.arrayContaining(['orders.user_id', 'orders.total', 'users.nickname']));
      await client.query(`INSERT INTO users (email) VALUES ('a@example.com')`);
      await client.query('INSERT INTO orders (user_id) SELECT id FROM users');
      for (const statement of addOrdersPg.down) await client.query(statement);
      expect(await tables()).toEqual(['users.email', 'users.id']);
      await up(migrations.slice(1));
      expect(await tables()).toEqual(applied);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });

  it('says in the migration which changes schema.ts does not carry, so drizzle-kit would undo them', () => {
    const rename: MigrationDraft = {
      ...addOrdersPg,
      name: 'rename_email_and_index',
      changes: [
        { op: 'rename_column', table: 'users', from: 'email', to: 'mail' },
        { op: 'add_index', table: 'users', columns: ['mail'] },
      ],
      up: ['ALTER TABLE "users" RENAME COLUMN "email" TO "mail"', 'CREATE INDEX "users_mail_idx" ON "users" ("mail")'],
      down: ['DROP INDEX "users_mail_idx"', 'ALTER TABLE "users" RENAME COLUMN "mail" TO "email"'],
    };
    const written = writeDrizzle(rename, scanOf(root, 'drizzle'), writeContext(root, now));
    expect(written.map((file) => file.path)).not.toContain('src/db/schema.ts');
    expect(textOf(written, /rename_email_and_index\.sql$/)).toContain(
      '\n-- schema.ts does not say rename_column users email → mail, add_index users: edit it to match, or drizzle-kit generate will propose undoing it.\nALTER TABLE "users" RENAME COLUMN',
    );
  });

  it('refuses a statement that cannot run in the transaction drizzle-orm wraps around migrations', () => {
    const concurrent: MigrationDraft = {
      ...addOrdersPg,
      name: 'add_users_nickname_index',
      transactional: false,
      changes: [{ op: 'add_index', table: 'users', columns: ['nickname'] }],
      up: ['CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_nickname_idx" ON "users" ("nickname")'],
      down: ['DROP INDEX CONCURRENTLY IF EXISTS "users_nickname_idx"'],
    };
    expect(() => writeDrizzle(concurrent, scanOf(root, 'drizzle'), writeContext(root, now))).toThrow(
      expect.objectContaining({ code: 'drizzle-no-transaction-opt-out' }),
    );
  });
});

describe('Drizzle writer (SQLite project)', () => {
  const { root, cleanup } = fixtureCopy('detect-drizzle');
  afterAll(cleanup);

  it('follows the journal’s one-line entries, reads back, and applies / rolls back / re-applies on SQLite', async () => {
    const files = writeDrizzle(addTagsSqlite, scanOf(root, 'drizzle'), writeContext(root, now));
    expect(files.map((file) => file.path)).toEqual([
      'drizzle/0002_add_tags_table.sql',
      'drizzle/meta/_journal.json',
      'src/db/schema.ts',
    ]);
    expect(textOf(files, /_journal\.json$/)).toContain(
      `    { "idx": 2, "version": "6", "when": ${now.getTime()}, "tag": "0002_add_tags_table", "breakpoints": true }\n  ]\n}`,
    );
    const schema = textOf(files, /schema\.ts$/);
    expect(schema).toContain("  pinned: integer('pinned').notNull().default(0),\n});");
    expect(schema).toContain("  noteId: integer('note_id').notNull().references(() => notes.id),");
    writeFiles(root, files);
    const { migrations, errors } = await readMigrations(root, { format: 'drizzle' });
    expect(errors).toEqual([]);
    expect(migrations.map((migration) => migration.name)).toEqual(['cool_notes', 'tag_notes', 'add_tags_table']);
    const db = new Database(':memory:');
    try {
      const columns = () =>
        db
          .prepare(
            "SELECT m.name || '.' || p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1",
          )
          .all()
          .map((row) => (row as { c: string }).c);
      const up = (list: typeof migrations) =>
        db.transaction(() => {
          for (const migration of list) for (const statement of migration.up) db.exec(statement.sql);
        })();
      up(migrations);
      const applied = columns();
      expect(applied).toEqual(expect.arrayContaining(['notes.pinned', 'tags.label', 'tags.note_id']));
      db.exec("INSERT INTO notes (body) VALUES ('x'); INSERT INTO tags (note_id, label) SELECT id, 'l' FROM notes");
      for (const statement of addTagsSqlite.down) db.exec(statement);
      expect(columns()).toEqual(['notes.body', 'notes.id', 'notes.tag']);
      up(migrations.slice(2));
      expect(columns()).toEqual(applied);
    } finally {
      db.close();
    }
  });
});
