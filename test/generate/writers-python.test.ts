import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { MigrationDraft } from '../../src/generate/types.js';
import { writeAlembic } from '../../src/sources/formats/alembic-write.js';
import { writeDjango } from '../../src/sources/formats/django-write.js';
import { readMigrations } from '../../src/sources/index.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { toolPython } from '../helpers/tool-python.js';
import { fixtureCopy, scanOf, writeContext, writeFiles } from './writers-orm-helpers.js';

const now = new Date(Date.UTC(2026, 11, 6, 12, 0, 0));

/** Without a Python importing alembic and Django the files are still compiled and read back from their text. */
const python = toolPython(
  'alembic.config, django.core.management',
  'running the generated files with alembic and Django (they are only compiled and scanned)',
);

/** The project's Python as our readers look for it (.venv/bin/python), pointing at the tool Python. */
function useToolPython(root: string): void {
  mkdirSync(path.join(root, '.venv/bin'), { recursive: true });
  symlinkSync(python!, path.join(root, '.venv/bin/python'));
}

function compiles(file: string): void {
  execFileSync('python3', ['-m', 'py_compile', file], { stdio: 'pipe' });
}

const run = (root: string, args: string[]) =>
  execFileSync(python!, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function sqliteTables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        "SELECT m.name || '.' || p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1",
      )
      .all()
      .map((row) => (row as { c: string }).c);
  } finally {
    db.close();
  }
}

/** Statements compared by words: the tools print their own quoting and layout. */
const words = (statement: string) =>
  statement
    .replace(/["`]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .replace(/;$/, '')
    .trim()
    .toLowerCase();

const addOrdersSqlite: MigrationDraft = {
  name: 'add_orders_table',
  engine: 'sqlite',
  transactional: true,
  changes: [],
  up: [
    'CREATE TABLE IF NOT EXISTS "orders" (\n  "id" integer PRIMARY KEY,\n  "account_id" integer NOT NULL REFERENCES "accounts" ("id"),\n  "note" text DEFAULT \'it:s\'\n)',
    'CREATE INDEX "orders_account_id_idx" ON "orders" ("account_id")',
    // SQLAlchemy prints DEFAULT before NOT NULL; written that way the read-back compares word for word.
    `ALTER TABLE "accounts" ADD COLUMN "nickname" varchar(50) DEFAULT 'x' NOT NULL`,
  ],
  down: ['ALTER TABLE "accounts" DROP COLUMN "nickname"', 'DROP INDEX "orders_account_id_idx"', 'DROP TABLE "orders"'],
};

describe('Alembic writer', () => {
  const { root, cleanup } = fixtureCopy('generate-alembic');
  afterAll(cleanup);
  const files = writeAlembic(addOrdersSqlite, scanOf(root, 'alembic'), writeContext(root, now));
  const file = files[0]!;

  it('writes a revision like alembic’s script template, chained to the head, in the project’s style', () => {
    expect(files).toHaveLength(1);
    expect(file.path).toMatch(/^alembic\/versions\/[0-9a-f]{12}_add_orders_table\.py$/);
    const revision = /versions\/([0-9a-f]{12})_/.exec(file.path)![1]!;
    expect(file.text).toContain(
      `"""add orders table\n\nRevision ID: ${revision}\nRevises: 5b1f0c2e9a47\nCreate Date: 2026-12-06 12:00:00.000000\n\n"""`,
    );
    // Annotated identifiers and single quotes, like the fixture's own revision.
    expect(file.text).toContain(
      `revision: str = '${revision}'\ndown_revision: Union[str, Sequence[str], None] = '5b1f0c2e9a47'`,
    );
    expect(file.text).toContain("    op.create_index('orders_account_id_idx', 'orders', ['account_id'])\n");
    expect(file.text).toContain(
      `    op.add_column('accounts', sa.Column('nickname', sa.String(length=50), nullable=False, server_default=sa.text("'x'")))\n`,
    );
    expect(file.text).toContain(
      "def downgrade() -> None:\n    op.drop_column('accounts', 'nickname')\n    op.drop_index('orders_account_id_idx')\n    op.drop_table('orders')\n",
    );
    // The same name and time give the same revision (re-runs are reproducible).
    expect(writeAlembic(addOrdersSqlite, scanOf(root, 'alembic'), writeContext(root, now))[0]!.path).toBe(file.path);
    writeFiles(root, files);
    compiles(path.join(root, file.path));
  });

  it('names the file by alembic.ini’s file_template, the slug cut like alembic cuts it', () => {
    const other = fixtureCopy('generate-alembic');
    try {
      const ini = path.join(other.root, 'alembic.ini');
      writeFileSync(
        ini,
        `${readFileSync(ini, 'utf8')}file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s\n`,
      );
      const draft = { ...addOrdersSqlite, name: 'add_orders_table_with_account_reference_and_index' };
      const [written] = writeAlembic(draft, scanOf(other.root, 'alembic'), writeContext(other.root, now));
      expect(written!.path).toMatch(
        /^alembic\/versions\/2026_12_06_1200-[0-9a-f]{12}_add_orders_table_with_account_reference_\.py$/,
      );
    } finally {
      other.cleanup();
    }
  });

  it('scans back as the new head with a down', () => {
    const scan = scanOf(root, 'alembic');
    expect(scan.migrations.map((migration) => [migration.name, migration.hasDown])).toEqual([
      ['create accounts', true],
      ['add orders table', true],
    ]);
  });

  it.skipIf(!python)('reads back through `alembic upgrade --sql` statement for statement', async () => {
    useToolPython(root);
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result.errors).toEqual([]);
    const generated = result.migrations[1]!;
    const own = (statements: { sql: string }[]) =>
      statements.map((statement) => words(statement.sql)).filter((sql) => !/alembic_version|^(begin|commit)/.test(sql));
    expect(own(generated.up)).toEqual(addOrdersSqlite.up.map(words));
    expect(own(generated.down ?? [])).toEqual(addOrdersSqlite.down.map(words));
  });

  it.skipIf(!python)('upgrades, downgrades and upgrades again with alembic on SQLite', () => {
    const db = path.join(root, 'applied.db');
    const alembic = (...args: string[]) => run(root, ['-m', 'alembic', '-x', `url=sqlite:///${db}`, ...args]);
    alembic('upgrade', 'head');
    const applied = sqliteTables(db);
    expect(applied).toEqual(expect.arrayContaining(['orders.account_id', 'orders.note', 'accounts.nickname']));
    alembic('downgrade', '-1');
    expect(sqliteTables(db).filter((column) => column.startsWith('orders.') || column === 'accounts.nickname')).toEqual(
      [],
    );
    alembic('upgrade', 'head');
    expect(sqliteTables(db)).toEqual(applied);
  });

  it.skipIf(!python)(
    'on PostgreSQL: CONCURRENTLY in autocommit_block, foreign keys by op, applied / rolled back / re-applied by alembic',
    async () => {
      const pgProject = fixtureCopy('generate-alembic');
      try {
        const ini = path.join(pgProject.root, 'alembic.ini');
        writeFileSync(ini, readFileSync(ini, 'utf8').replace('sqlite:///app.db', 'postgresql://app@localhost/app'));
        const draft: MigrationDraft = {
          name: 'add_accounts_email_index',
          engine: 'postgresql',
          transactional: false,
          changes: [],
          up: [
            `CREATE UNIQUE INDEX CONCURRENTLY "accounts_email_key" ON "accounts" ("email")`,
            `ALTER TABLE "accounts" ADD CONSTRAINT "accounts_id_fkey" FOREIGN KEY ("id") REFERENCES "accounts" ("id") ON DELETE CASCADE`,
            `CREATE INDEX IF NOT EXISTS "accounts_lower_email_idx" ON "accounts" (lower("email"))`,
          ],
          down: [
            `DROP INDEX IF EXISTS "accounts_lower_email_idx"`,
            `ALTER TABLE "accounts" DROP CONSTRAINT "accounts_id_fkey"`,
            `DROP INDEX CONCURRENTLY "accounts_email_key"`,
          ],
        };
        const written = writeAlembic(draft, scanOf(pgProject.root, 'alembic'), writeContext(pgProject.root, now));
        const text = written[0]!.text;
        expect(text).toContain(
          "    with op.get_context().autocommit_block():\n        op.create_index('accounts_email_key', 'accounts', ['email'], unique=True, postgresql_concurrently=True)\n",
        );
        expect(text).toContain(
          "op.create_foreign_key('accounts_id_fkey', 'accounts', 'accounts', ['id'], ['id'], ondelete='CASCADE')",
        );
        expect(text).toContain(
          `op.execute('CREATE INDEX IF NOT EXISTS "accounts_lower_email_idx" ON "accounts" (lower("email"))')`,
        );
        writeFiles(pgProject.root, written);
        useToolPython(pgProject.root);
        const result = await readMigrations(pgProject.root, { executeProjectCode: true });
        expect(result.errors).toEqual([]);
        const up = result.migrations[1]!.up.map((statement) => words(statement.sql));
        // alembic commits before the block and begins again after it: the index is built outside any transaction.
        expect(up.indexOf('commit')).toBeLessThan(up.indexOf(words(draft.up[0]!)));
        expect(up).toEqual(expect.arrayContaining(draft.up.map(words)));
        expect(result.migrations[1]!.down?.map((statement) => words(statement.sql))).toEqual(
          expect.arrayContaining(draft.down.map(words)),
        );
        await applyOnPostgres(pgProject.root);
      } finally {
        pgProject.cleanup();
      }
    },
  );
});

/** alembic upgrade head / downgrade -1 / upgrade head against a database of its own on the PostgreSQL server. */
async function applyOnPostgres(root: string): Promise<void> {
  if (!(await postgresAvailable()).available) return;
  const database = uniqueName('gen_alembic');
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  url.protocol = 'postgresql:'; // SQLAlchemy knows no postgres:// dialect
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
    const indexes = async () =>
      (await client.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'accounts' ORDER BY 1`)).rows.map(
        (row) => row.indexname as string,
      );
    const alembic = (...args: string[]) => run(root, ['-m', 'alembic', '-x', `url=${url.toString()}`, ...args]);
    alembic('upgrade', 'head');
    expect(await indexes()).toEqual(['accounts_email_key', 'accounts_lower_email_idx', 'accounts_pkey']);
    alembic('downgrade', '-1');
    expect(await indexes()).toEqual(['accounts_pkey']);
    alembic('upgrade', 'head');
    expect(await indexes()).toEqual(['accounts_email_key', 'accounts_lower_email_idx', 'accounts_pkey']);
  } finally {
    await client.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.end();
  }
}

describe('Django writer', () => {
  const { root, cleanup } = fixtureCopy('generate-django');
  afterAll(cleanup);
  const toShop = (statement: string) => statement.replace(/accounts/g, 'shop_product');
  const draft: MigrationDraft = {
    ...addOrdersSqlite,
    up: addOrdersSqlite.up.map(toShop),
    down: addOrdersSqlite.down.map(toShop),
  };
  const files = writeDjango(draft, scanOf(root, 'django'), writeContext(root, now));

  it('writes the next numbered migration of the app, depending on its newest, as RunSQL with reverse_sql', () => {
    expect(files.map((file) => file.path)).toEqual(['shop/migrations/0002_add_orders_table.py']);
    const text = files[0]!.text;
    expect(text).toContain('    dependencies = [("shop", "0001_initial")]\n');
    expect(text).toContain('        migrations.RunSQL(\n            sql=[\n');
    expect(text).toContain(`                'CREATE INDEX "orders_account_id_idx" ON "orders" ("account_id")',\n`);
    expect(text).toContain(`                'DROP TABLE "orders"',\n            ],\n        ),\n    ]\n`);
    expect(text).not.toContain('atomic');
    writeFiles(root, files);
    compiles(path.join(root, files[0]!.path));
  });

  it('marks a draft that cannot run in a transaction atomic = False', () => {
    const [file] = writeDjango({ ...draft, transactional: false }, scanOf(root, 'django'), writeContext(root, now));
    expect(file!.path).toBe('shop/migrations/0003_add_orders_table.py');
    expect(file!.text).toContain('class Migration(migrations.Migration):\n    atomic = False\n');
    expect(scanOf(root, 'django').migrations.map((migration) => [migration.id, migration.transactional])).toEqual([
      ['shop.0001_initial', true],
      ['shop.0002_add_orders_table', true],
    ]);
  });

  it.skipIf(!python)('reads back through `manage.py sqlmigrate` statement for statement', async () => {
    useToolPython(root);
    const result = await readMigrations(root, { executeProjectCode: true });
    expect(result.errors).toEqual([]);
    const generated = result.migrations.find((migration) => migration.id === 'shop.0002_add_orders_table')!;
    const own = (statements: { sql: string }[]) =>
      statements.map((statement) => words(statement.sql)).filter((sql) => !/^(begin|commit)$/.test(sql));
    expect(own(generated.up)).toEqual(draft.up.map(words));
    expect(own(generated.down ?? [])).toEqual(draft.down.map(words));
  });

  it.skipIf(!python)('migrates, migrates back to 0001 and forward again with Django on SQLite', () => {
    const db = path.join(root, 'db.sqlite3');
    run(root, ['manage.py', 'migrate', '--no-input']);
    const applied = sqliteTables(db);
    expect(applied).toEqual(expect.arrayContaining(['orders.account_id', 'shop_product.nickname']));
    run(root, ['manage.py', 'migrate', 'shop', '0001', '--no-input']);
    expect(sqliteTables(db).filter((column) => column.startsWith('orders.') || column.endsWith('.nickname'))).toEqual(
      [],
    );
    run(root, ['manage.py', 'migrate', '--no-input']);
    expect(sqliteTables(db)).toEqual(applied);
  });
});
