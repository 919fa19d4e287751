import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/generate/changes.js';
import { generateMigration } from '../../src/generate/generate.js';
import { MYSQL_URL, mysqlAvailable } from '../helpers/databases.js';
import { projectFiles } from './engine-matrix-projects.js';
import { projectOf, removeProjects } from './engine-matrix-support.js';
import { fixtureCopy } from './writers-orm-helpers.js';

/**
 * The real drizzle-kit as the oracle: after generate_migration writes a Drizzle migration (its snapshot and the
 * schema.ts edit), `drizzle-kit generate` in the project must find nothing left to migrate.
 */

const now = new Date(Date.UTC(2026, 11, 6, 12, 0, 0));
const mysql = await mysqlAvailable();
const repoModules = path.join(import.meta.dirname, '..', '..', 'node_modules');

function drizzleKitGenerate(root: string): { output: string; migrations: string[] } {
  const run = spawnSync(path.join(repoModules, '.bin', 'drizzle-kit'), ['generate'], {
    cwd: root,
    encoding: 'utf8',
    input: '',
    timeout: 60_000,
    env: { ...process.env, CI: 'true' },
  });
  const migrations = readdirSync(path.join(root, 'drizzle')).filter((name) => name.endsWith('.sql'));
  return { output: `${run.stdout}${run.stderr}`, migrations };
}

function projectCopy(fixture: string) {
  const copy = fixtureCopy(fixture);
  symlinkSync(repoModules, path.join(copy.root, 'node_modules'), 'dir');
  return copy;
}

const snapshotOf = (root: string, prefix: string) =>
  JSON.parse(readFileSync(path.join(root, 'drizzle', 'meta', `${prefix}_snapshot.json`), 'utf8'));

describe('drizzle-kit generate after our Drizzle migration (PostgreSQL)', () => {
  const { root, cleanup } = projectCopy('generate-drizzle-pg');
  afterAll(cleanup);
  const changes: Change[] = [
    { op: 'create_enum', name: 'order_status', values: ['new', 'paid'] },
    {
      op: 'create_table',
      table: 'orders',
      columns: [
        { name: 'id', type: 'serial', primaryKey: true },
        { name: 'user_id', type: 'integer', nullable: false, references: { table: 'users', onDelete: 'cascade' } },
        { name: 'total', type: 'numeric(10,2)', nullable: false, default: '0' },
        { name: 'status', type: 'order_status', nullable: false, default: "'new'" },
        { name: 'created_at', type: 'timestamptz', nullable: false, default: 'now()' },
      ],
    },
    { op: 'add_column', table: 'users', column: { name: 'nickname', type: 'varchar(50)' } },
    {
      op: 'create_table',
      table: 'audit_log',
      columns: [
        { name: 'id', type: 'bigint', primaryKey: true, generated: 'identity' },
        { name: 'note', type: 'text' },
      ],
    },
  ];

  it('writes the snapshot of the schema after the migration, and drizzle-kit finds no schema changes', async () => {
    const result = await generateMigration({ root, changes, now, name: 'add_orders_table', rowsPerTable: 5 });
    expect(result.written).toBe(true);
    expect(result.files.map((file) => file.path)).toEqual([
      'drizzle/0001_add_orders_table.sql',
      'drizzle/meta/0001_snapshot.json',
      'drizzle/meta/_journal.json',
      'src/db/schema.ts',
    ]);
    const snapshot = snapshotOf(root, '0001');
    expect(snapshot).toMatchObject({ version: '7', dialect: 'postgresql', prevId: snapshotOf(root, '0000').id });
    expect(Object.keys(snapshot.tables)).toEqual(['public.audit_log', 'public.orders', 'public.users']);
    expect(snapshot.tables['public.audit_log'].columns.id).toEqual({
      name: 'id',
      type: 'bigint',
      primaryKey: true,
      notNull: true,
      identity: {
        type: 'byDefault',
        name: 'audit_log_id_seq',
        schema: 'public',
        increment: '1',
        startWith: '1',
        minValue: '1',
        maxValue: '9223372036854775807',
        cache: '1',
        cycle: false,
      },
    });
    expect(snapshot.tables['public.orders'].columns.total).toEqual({
      name: 'total',
      type: 'numeric(10, 2)',
      primaryKey: false,
      notNull: true,
      default: "'0'",
    });
    expect(snapshot.tables['public.users'].columns.nickname.type).toBe('varchar(50)');
    expect(snapshot.enums).toEqual({
      'public.order_status': { name: 'order_status', schema: 'public', values: ['new', 'paid'] },
    });
    expect(snapshot.tables['public.orders'].columns.status).toEqual({
      name: 'status',
      type: 'order_status',
      typeSchema: 'public',
      primaryKey: false,
      notNull: true,
      default: "'new'",
    });
    expect(Object.keys(snapshot.tables['public.orders'].indexes)).toEqual(['orders_user_id_idx']);
    expect(snapshot.tables['public.orders'].foreignKeys.orders_user_id_fkey).toMatchObject({
      tableTo: 'users',
      columnsFrom: ['user_id'],
      onDelete: 'cascade',
    });
    const schema = readFileSync(path.join(root, 'src/db/schema.ts'), 'utf8');
    expect(schema).toContain(
      "\n\nexport const orderStatus = pgEnum('order_status', ['new', 'paid']);\n\nexport const users",
    );
    expect(schema).toContain("  status: orderStatus('status').notNull().default('new'),");
    expect(schema).toContain(
      [
        '}, (table) => [',
        "  foreignKey({ name: 'orders_user_id_fkey', columns: [table.userId], foreignColumns: [users.id] }).onDelete('cascade'),",
        "  index('orders_user_id_idx').on(table.userId),",
        ']);',
      ].join('\n'),
    );

    const kit = drizzleKitGenerate(root);
    expect(kit.output).toContain('No schema changes');
    expect(kit.migrations).toEqual(['0000_init_users.sql', '0001_add_orders_table.sql']);
  }, 120_000);
});

describe('drizzle-kit generate after our Drizzle migration (SQLite)', () => {
  const { root, cleanup } = projectCopy('generate-drizzle-sqlite');
  afterAll(cleanup);
  const changes: Change[] = [
    {
      op: 'create_table',
      table: 'tags',
      columns: [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'note_id', type: 'integer', nullable: false, references: { table: 'notes' } },
        { name: 'label', type: 'text', nullable: false, default: "'misc'" },
        { name: 'color', type: 'varchar(7)' },
      ],
    },
    { op: 'add_column', table: 'notes', column: { name: 'pinned', type: 'integer', nullable: false, default: '0' } },
  ];

  it('writes the snapshot of the schema after the migration, and drizzle-kit finds no schema changes', async () => {
    const result = await generateMigration({
      root,
      changes,
      now,
      name: 'add_tags_table',
      engine: 'sqlite',
      rowsPerTable: 5,
    });
    expect(result.written).toBe(true);
    const snapshot = snapshotOf(root, '0001');
    expect(snapshot).toMatchObject({ version: '6', dialect: 'sqlite', prevId: snapshotOf(root, '0000').id });
    expect(snapshot.tables.notes.columns.id.autoincrement).toBe(true);
    expect(snapshot.tables.notes.columns.pinned).toEqual({
      name: 'pinned',
      type: 'integer',
      primaryKey: false,
      notNull: true,
      autoincrement: false,
      default: 0,
    });
    expect(Object.keys(snapshot.tables.tags.foreignKeys)).toEqual(['tags_note_id_notes_id_fk']);
    expect(snapshot.tables.tags.columns.color.type).toBe('text(7)');
    expect(snapshot.tables.notes.indexes.notes_slug_unique).toEqual({
      name: 'notes_slug_unique',
      columns: ['slug'],
      isUnique: true,
    });

    const kit = drizzleKitGenerate(root);
    expect(kit.output).toContain('No schema changes');
    expect(kit.migrations).toEqual(['0000_init_notes.sql', '0001_add_tags_table.sql']);
  }, 120_000);
});

describe('drizzle-kit generate after a migration generated from the edited schema.ts (git HEAD → working tree)', () => {
  const { root, cleanup } = projectCopy('generate-drizzle-pg');
  afterAll(cleanup);

  it('writes the migration the schema.ts edit needs, and drizzle-kit finds nothing more to migrate', async () => {
    const git = simpleGit({ baseDir: root });
    await git.init();
    await git.addConfig('user.email', 'test@example.com').addConfig('user.name', 'test');
    await git.add(['drizzle', 'drizzle.config.ts', 'package.json', 'src']).commit('users');
    copyFileSync(
      path.join(import.meta.dirname, '../fixtures/schema-diff/drizzle-project/schema.after.ts'),
      path.join(root, 'src/db/schema.ts'),
    );
    const result = await generateMigration({
      root,
      from: 'git:HEAD:src/db/schema.ts',
      to: 'drizzle:src/db/schema.ts',
      executeProjectCode: true,
      name: 'add_posts_table',
      now,
      rowsPerTable: 5,
    });
    expect(result.rehearsal.map((item) => item.outcome)).toEqual(['passed']);
    expect(result.files.map((file) => file.path)).toEqual([
      'drizzle/0001_add_posts_table.sql',
      'drizzle/meta/0001_snapshot.json',
      'drizzle/meta/_journal.json',
    ]);
    expect(result.written).toBe(true);
    const kit = drizzleKitGenerate(root);
    expect(kit.output).toContain('No schema changes');
    expect(kit.migrations).toEqual(['0000_init_users.sql', '0001_add_posts_table.sql']);
  }, 180_000);
});

describe('drizzle-kit generate after our Drizzle migration (MySQL, generated on MariaDB)', () => {
  const root = projectOf(projectFiles('drizzle', 'mysql'));
  symlinkSync(repoModules, path.join(root, 'node_modules'), 'dir');
  afterAll(removeProjects);
  const changes: Change[] = [
    {
      op: 'create_table',
      table: 'matrix_notes',
      columns: [
        { name: 'id', type: 'integer', primaryKey: true, generated: 'auto_increment' },
        {
          name: 'setting',
          type: 'varchar(64)',
          nullable: false,
          references: { table: 'matrix_settings', columns: ['name'], onDelete: 'cascade' },
        },
        { name: 'body', type: 'text' },
        { name: 'rank', type: 'integer', nullable: false, default: '0' },
      ],
    },
    { op: 'add_column', table: 'matrix_settings', column: { name: 'note', type: 'varchar(100)', default: "'x'" } },
  ];

  it.skipIf(!mysql.available)(
    'writes the snapshot of the schema after the migration in drizzle-kit’s MySQL layout, and drizzle-kit finds no schema changes',
    async () => {
      const result = await generateMigration({
        root,
        changes,
        now,
        name: 'add_matrix_notes_table',
        engine: 'mysql',
        shadowUrl: MYSQL_URL,
        rowsPerTable: 5,
      });
      expect(result.written, result.notWrittenBecause).toBe(true);
      const snapshot = snapshotOf(root, '0001');
      expect(snapshot).toMatchObject({ version: '5', dialect: 'mysql', prevId: snapshotOf(root, '0000').id });
      expect(Object.keys(snapshot.tables).sort()).toEqual(['matrix_notes', 'matrix_settings']);
      expect(snapshot.tables.matrix_notes.columns.id).toEqual({
        name: 'id',
        type: 'int',
        primaryKey: false,
        notNull: true,
        autoincrement: true,
      });
      expect(snapshot.tables.matrix_notes.columns.rank.default).toBe(0);
      expect(snapshot.tables.matrix_notes.compositePrimaryKeys).toEqual({
        matrix_notes_id: { name: 'matrix_notes_id', columns: ['id'] },
      });
      expect(snapshot.tables.matrix_settings.columns.note).toEqual({
        name: 'note',
        type: 'varchar(100)',
        primaryKey: false,
        notNull: false,
        autoincrement: false,
        default: "'x'",
      });

      const kit = drizzleKitGenerate(root);
      expect(kit.output).toContain('No schema changes');
      expect(kit.migrations).toEqual(['0000_create_settings.sql', '0001_add_matrix_notes_table.sql']);
    },
    120_000,
  );
});
