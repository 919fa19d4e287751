import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Migration, Statement } from '../../src/model.js';
import { detectSetup } from '../../src/project/detect.js';
import { readMigrations } from '../../src/sources/index.js';
import { railsProject } from '../helpers/rails-project.js';
import { fixture } from './tool-runs.js';

/** The line a statement points at: its source origin (the .rb/.exs/.xml line) or its line in the SQL file. */
const lineOf = (statement: Statement) => statement.origin?.line ?? statement.span.start.line;

/** [id, path, transactional, [line, sql] of up, [line, sql] of down] per migration. */
const shape = (migrations: Migration[]) =>
  migrations.map((migration) => [
    migration.id,
    migration.path,
    migration.transactional,
    migration.up.map((statement) => [lineOf(statement), statement.sql]),
    migration.down?.map((statement) => [lineOf(statement), statement.sql]),
  ]);

const errorsOf = (result: { errors: { path: string; error: { code: string; where?: { line?: number } } }[] }) =>
  result.errors.map((error) => [error.path, error.error.code, error.error.where?.line]);

const temporary: string[] = [];

/** The first migration of the Rails projects below: a statuses table with a uri column. */
const CREATE_STATUSES = [
  'class Create < ActiveRecord::Migration[7.1]',
  '  def change',
  '    create_table :statuses do |t|',
  '      t.string :uri',
  '    end',
  '  end',
  'end',
];

afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of a fixture to alter in a test. */
function copyOf(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `${name}-`));
  temporary.push(dir);
  cpSync(fixture(name), dir, { recursive: true });
  return dir;
}

let pglite: PGlite | undefined;
afterAll(async () => {
  await pglite?.close();
});

/**
 * Runs each migration's up SQL in order on PGlite (one instance, a schema per test), then each down in reverse:
 * the translated SQL is valid PostgreSQL.
 */
async function applyOnPglite(schema: string, migrations: Migration[], setup: string[] = []): Promise<void> {
  pglite ??= new PGlite();
  const db = pglite;
  await db.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  for (const sql of setup) await db.exec(sql);
  for (const migration of migrations) for (const statement of migration.up) await db.exec(statement.sql);
  for (const migration of [...migrations].reverse()) {
    for (const statement of migration.down ?? []) await db.exec(statement.sql);
  }
  const left = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY 1`,
  );
  expect(left.rows.map((row) => row.name)).toEqual(setup.length ? ['teams'] : []);
}

describe('multi-dialect SQL folders', () => {
  it("reads the engine's dialect and the dialect-less files in version order, counting the other dialects", async () => {
    const result = await readMigrations(fixture('sources-multi-dialect'), { engine: 'postgresql' });
    expect(result).toMatchObject({
      format: 'multi-dialect-sql',
      directory: 'migrations',
      engine: 'postgresql',
      errors: [],
    });
    expect(shape(result.migrations)).toEqual([
      [
        '20240101000000',
        'migrations/20240101000000_users.postgres.up.sql',
        true,
        [[1, 'CREATE TABLE users (\n  id uuid PRIMARY KEY,\n  email text NOT NULL\n)']],
        [[1, 'DROP TABLE users']],
      ],
      [
        '20240102000000',
        'migrations/20240102000000_users_email.postgres.autocommit.up.sql',
        false,
        [[2, 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email)']],
        [[1, 'DROP INDEX CONCURRENTLY users_email_idx']],
      ],
      [
        '20240103000000',
        'migrations/20240103000000_admin.up.sql',
        true,
        [[1, "INSERT INTO users (id, email) VALUES ('00000000-0000-0000-0000-000000000001', 'admin@example.com')"]],
        [],
      ],
    ]);
    expect(result.notes).toEqual([
      'Read the postgres files and the dialect-less ones (4 + 2 files); not read, other dialects: mysql 3, sqlite3 1 files.',
    ]);
    expect(result.migrations[2]?.notes).toContain('The down file is empty: rolling back runs nothing.');
  });

  it('MySQL reads the mysql files (no transaction); SQLite reports the version it has no file for', async () => {
    const mysql = await readMigrations(fixture('sources-multi-dialect'), { engine: 'mysql' });
    expect(
      mysql.migrations.map((migration) => [migration.path, migration.transactional, migration.up[0]?.sql]),
    ).toEqual([
      [
        'migrations/20240101000000_users.mysql.up.sql',
        false,
        'CREATE TABLE users (\n  id char(36) PRIMARY KEY,\n  email varchar(255) NOT NULL\n)',
      ],
      ['migrations/20240102000000_users_email.mysql.up.sql', false, 'CREATE INDEX users_email_idx ON users (email)'],
      ['migrations/20240103000000_admin.up.sql', false, expect.stringContaining('INSERT INTO users')],
    ]);
    const sqlite = await readMigrations(fixture('sources-multi-dialect'), { engine: 'sqlite' });
    expect(sqlite.migrations.map((migration) => migration.id)).toEqual(['20240101000000', '20240103000000']);
    expect(sqlite.notes).toContain(
      'No sqlite3 or dialect-less up file for version(s) 20240102000000: the tool skips them on sqlite.',
    );
    expect(sqlite.migrations[0]?.down).toBeUndefined();
  });

  it('without an engine it reads PostgreSQL files and says so', async () => {
    const result = await readMigrations(fixture('sources-multi-dialect'));
    expect(result.engine).toBe('postgresql');
    expect(result.notes?.[1]).toBe(
      "No engine was given: read postgres files. Pass the project's engine to read another dialect.",
    );
  });
});

describe('Atlas', () => {
  it('lexicographic order, atlas.sum verified, txmode none, the delimiter directive', async () => {
    const result = await readMigrations(fixture('sources-atlas'), { engine: 'postgresql' });
    expect(result).toMatchObject({ format: 'atlas', directory: 'migrations', errors: [] });
    expect(shape(result.migrations)).toEqual([
      [
        '20240101000000',
        'migrations/20240101000000_init.sql',
        true,
        [[2, 'CREATE TABLE "users" (\n  "id" bigint NOT NULL,\n  "email" text NOT NULL,\n  PRIMARY KEY ("id")\n)']],
        undefined,
      ],
      [
        '20240102000000',
        'migrations/20240102000000_email_index.sql',
        false,
        [[4, 'CREATE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email")']],
        undefined,
      ],
      [
        '20240103000000',
        'migrations/20240103000000_touch.sql',
        true,
        [
          [
            3,
            'CREATE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql',
          ],
          [10, 'ALTER TABLE "users" ADD COLUMN "updated_at" timestamptz'],
        ],
        undefined,
      ],
    ]);
  });

  it('a changed file, a file missing from atlas.sum and a listed file that is gone are each an error', async () => {
    const dir = copyOf('sources-atlas');
    writeFileSync(path.join(dir, 'migrations/20240101000000_init.sql'), 'CREATE TABLE "users" ("id" bigint);\n');
    writeFileSync(path.join(dir, 'migrations/20240104000000_extra.sql'), 'SELECT 1;\n');
    rmSync(path.join(dir, 'migrations/20240103000000_touch.sql'));
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.migrations.map((migration) => migration.id)).toEqual([
      '20240101000000',
      '20240102000000',
      '20240104000000',
    ]);
    expect(errorsOf(result)).toEqual([
      ['migrations/20240101000000_init.sql', 'atlas-sum-mismatch', undefined],
      ['migrations/20240102000000_email_index.sql', 'atlas-sum-mismatch', undefined],
      ['migrations/20240104000000_extra.sql', 'atlas-sum-unlisted', undefined],
      ['migrations/atlas.sum', 'atlas-sum-missing-file', 4],
    ]);
  });
});

describe('Sqitch', () => {
  it("plan order, a reworked change's scripts named after the last tag before the rework, revert as down, engine from sqitch.conf", async () => {
    const result = await readMigrations(fixture('sources-sqitch'));
    expect(result).toMatchObject({ format: 'sqitch', directory: '.', engine: 'postgresql', errors: [] });
    expect(shape(result.migrations)).toEqual([
      [
        'appschema',
        'deploy/appschema.sql',
        true,
        [
          [3, 'BEGIN'],
          [5, 'CREATE SCHEMA flipr'],
          [7, 'COMMIT'],
        ],
        [
          [3, 'BEGIN'],
          [5, 'DROP SCHEMA flipr'],
          [7, 'COMMIT'],
        ],
      ],
      [
        'users@v1.1',
        'deploy/users@v1.1.sql',
        true,
        [
          [4, 'BEGIN'],
          [6, 'CREATE TABLE flipr.users (\n  nickname text PRIMARY KEY\n)'],
          [10, 'COMMIT'],
        ],
        [
          [3, 'BEGIN'],
          [5, 'DROP TABLE flipr.users'],
          [7, 'COMMIT'],
        ],
      ],
      [
        'insert_user',
        'deploy/insert_user.sql',
        false,
        [
          [
            3,
            'CREATE FUNCTION flipr.insert_user(nick text) RETURNS void LANGUAGE sql AS $$\n  INSERT INTO flipr.users (nickname) VALUES (nick);\n$$',
          ],
        ],
        [[3, 'DROP FUNCTION flipr.insert_user(text)']],
      ],
      [
        'users',
        'deploy/users.sql',
        true,
        [
          [3, 'BEGIN'],
          [5, 'ALTER TABLE flipr.users ADD COLUMN email text'],
          [7, 'COMMIT'],
        ],
        [
          [3, 'BEGIN'],
          [5, 'ALTER TABLE flipr.users DROP COLUMN email'],
          [7, 'COMMIT'],
        ],
      ],
    ]);
    expect(result.migrations.map((migration) => migration.name)).toEqual([
      'Add schema for all flipr objects.',
      'Creates table to track our users.',
      'Creates a function to insert a user.',
      'Adds users.email.',
    ]);
    expect(result.migrations[0]?.notes).toContain('Verified by verify/appschema.sql.');
  });

  it('a dependency planned later, a missing deploy script and a rework without a tag are errors at the plan line', async () => {
    const dir = copyOf('sources-sqitch');
    writeFileSync(
      path.join(dir, 'sqitch.plan'),
      [
        '%project=flipr',
        'early [late] 2024-01-01T10:00:00Z Ada <ada@example.com> # needs a later change',
        'late 2024-01-02T10:00:00Z Ada <ada@example.com> # planned after',
        'appschema 2024-01-03T10:00:00Z Ada <ada@example.com> # schema',
        'appschema 2024-01-04T10:00:00Z Ada <ada@example.com> # reworked without a tag',
        '',
      ].join('\n'),
    );
    const result = await readMigrations(dir);
    expect(errorsOf(result)).toEqual([
      ['sqitch.plan', 'sqitch-rework-untagged', 4],
      ['deploy/early.sql', 'sqitch-dependency-order', 2],
      ['deploy/late.sql', 'sqitch-script-missing', undefined],
    ]);
  });
});

describe('Liquibase', () => {
  it('XML, YAML, JSON and formatted SQL changelogs in include order, change types as SQL, rollbacks', async () => {
    const result = await readMigrations(fixture('sources-liquibase'), { engine: 'postgresql' });
    expect(result).toMatchObject({ format: 'liquibase', directory: 'src/main/resources/db/changelog' });
    expect(shape(result.migrations)).toEqual([
      [
        '1',
        'src/main/resources/db/changelog/changes/001-users.xml',
        true,
        [
          [
            4,
            'CREATE TABLE "users" (\n  "id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n  "email" VARCHAR(255) NOT NULL UNIQUE,\n  "created_at" TIMESTAMP DEFAULT now()\n)',
          ],
        ],
        [[4, 'DROP TABLE "users"']],
      ],
      [
        '2',
        'src/main/resources/db/changelog/changes/001-users.xml',
        true,
        [
          [15, 'ALTER TABLE "users" ADD COLUMN "nickname" VARCHAR(50) DEFAULT \'anon\''],
          [18, 'CREATE INDEX "users_nickname_idx" ON "users" ("nickname")'],
        ],
        [
          [18, 'DROP INDEX "users_nickname_idx"'],
          [15, 'ALTER TABLE "users" DROP COLUMN "nickname"'],
        ],
      ],
      [
        '3',
        'src/main/resources/db/changelog/changes/001-users.xml',
        false,
        [[23, 'CREATE INDEX CONCURRENTLY users_created_at_idx ON users (created_at)']],
        [[27, 'DROP INDEX CONCURRENTLY users_created_at_idx']],
      ],
      [
        '4',
        'src/main/resources/db/changelog/changes/001-users.xml',
        true,
        [[31, `INSERT INTO "users" ("email") VALUES ('admin@example.com')`]],
        undefined,
      ],
      [
        'orders-1',
        'src/main/resources/db/changelog/changes/002-orders.yaml',
        true,
        [
          [
            6,
            'CREATE TABLE "orders" (\n  "id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n  "user_id" BIGINT,\n  "total" DECIMAL(10, 2)\n)',
          ],
          [
            21,
            'ALTER TABLE "orders" ADD CONSTRAINT "orders_user_fk" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE',
          ],
        ],
        [
          [21, 'ALTER TABLE "orders" DROP CONSTRAINT "orders_user_fk"'],
          [6, 'DROP TABLE "orders"'],
        ],
      ],
      [
        'orders-2',
        'src/main/resources/db/changelog/changes/002-orders.yaml',
        true,
        [
          [32, 'ALTER TABLE "orders" RENAME COLUMN "total" TO "amount"'],
          [37, 'ALTER TABLE "orders" ALTER COLUMN "user_id" SET NOT NULL'],
        ],
        [
          [37, 'ALTER TABLE "orders" ALTER COLUMN "user_id" DROP NOT NULL'],
          [32, 'ALTER TABLE "orders" RENAME COLUMN "amount" TO "total"'],
        ],
      ],
      [
        'orders-3',
        'src/main/resources/db/changelog/changes/002-orders.yaml',
        true,
        [
          [47, 'UPDATE orders SET amount = 0 WHERE amount IS NULL'],
          [48, 'ANALYZE orders'],
        ],
        [[41, 'SELECT 1']],
      ],
      [
        'reports-1',
        'src/main/resources/db/changelog/changes/003-reports.sql',
        true,
        [
          [4, 'CREATE TABLE reports (id bigint PRIMARY KEY, title text NOT NULL)'],
          [5, 'CREATE INDEX reports_title_idx ON reports (title)'],
        ],
        [
          [6, 'DROP INDEX reports_title_idx'],
          [7, 'DROP TABLE reports'],
        ],
      ],
      [
        'reports-2',
        'src/main/resources/db/changelog/changes/003-reports.sql',
        false,
        [[10, 'CREATE INDEX CONCURRENTLY reports_id_title_idx ON reports (id, title)']],
        undefined,
      ],
      [
        'audit-1',
        'src/main/resources/db/changelog/changes/004-audit.json',
        true,
        [
          [9, 'ALTER TABLE "orders" ALTER COLUMN "amount" SET DEFAULT 0'],
          [16, 'ALTER TABLE "reports" ALTER COLUMN "title" TYPE VARCHAR(200)'],
        ],
        [[24, 'ALTER TABLE "orders" ALTER COLUMN "amount" DROP DEFAULT']],
      ],
    ]);
    expect(errorsOf(result)).toEqual([]);
  });

  it('MySQL: backticks, AUTO_INCREMENT, and NOT NULL restated with the column type', async () => {
    const result = await readMigrations(fixture('sources-liquibase'), { engine: 'mysql' });
    const sql = result.migrations.flatMap((migration) => migration.up.map((statement) => statement.sql));
    expect(sql).toContain('ALTER TABLE `orders` MODIFY `user_id` BIGINT NOT NULL');
    expect(sql[0]).toBe(
      'CREATE TABLE `users` (\n  `id` BIGINT AUTO_INCREMENT PRIMARY KEY,\n  `email` VARCHAR(255) NOT NULL UNIQUE,\n  `created_at` DATETIME DEFAULT CURRENT_TIMESTAMP\n)',
    );
  });

  it('the translated PostgreSQL runs on PGlite, up then down', async () => {
    const result = await readMigrations(fixture('sources-liquibase'), { engine: 'postgresql' });
    await applyOnPglite(
      'liquibase_fixture',
      result.migrations.filter((migration) => migration.down !== undefined),
    );
  });
});

describe('Rails (read statically)', () => {
  it('create_table, add_column, add_index concurrently, reversible, execute heredoc: SQL at the .rb line', async () => {
    const result = await readMigrations(fixture('sources-rails'));
    expect(result).toMatchObject({ format: 'rails', directory: 'db/migrate', engine: 'postgresql' });
    expect(shape(result.migrations.slice(0, 4))).toEqual([
      [
        '20240101000000',
        'db/migrate/20240101000000_create_users.rb',
        true,
        [
          [
            3,
            'CREATE TABLE "users" (\n  "id" bigserial PRIMARY KEY,\n  "email" character varying NOT NULL,\n  "admin" boolean DEFAULT FALSE,\n  "team_id" bigint,\n  "created_at" timestamp(6) NOT NULL,\n  "updated_at" timestamp(6) NOT NULL\n)',
          ],
          [6, 'CREATE INDEX "index_users_on_team_id" ON "users" ("team_id")'],
          [
            6,
            'ALTER TABLE "users" ADD CONSTRAINT "fk_rails_b2bbf87303" FOREIGN KEY ("team_id") REFERENCES "teams" ("id")',
          ],
          [9, 'CREATE UNIQUE INDEX "index_users_on_email" ON "users" ("email")'],
        ],
        [
          [9, 'DROP INDEX "index_users_on_email"'],
          [3, 'DROP TABLE "users"'],
        ],
      ],
      [
        '20240102000000',
        'db/migrate/20240102000000_add_status_to_orders.rb',
        false,
        [
          [5, 'ALTER TABLE "users" ADD COLUMN "status" varchar(20) DEFAULT \'active\''],
          [6, 'CREATE INDEX CONCURRENTLY "users_status_idx" ON "users" ("status", "created_at")'],
          [7, 'ALTER TABLE "users" RENAME COLUMN "admin" TO "is_admin"'],
          [8, 'ALTER TABLE "users" ALTER COLUMN "status" SET NOT NULL'],
        ],
        [
          [8, 'ALTER TABLE "users" ALTER COLUMN "status" DROP NOT NULL'],
          [7, 'ALTER TABLE "users" RENAME COLUMN "is_admin" TO "admin"'],
          [6, 'DROP INDEX CONCURRENTLY "users_status_idx"'],
          [5, 'ALTER TABLE "users" DROP COLUMN "status"'],
        ],
      ],
      [
        '20240103000000',
        'db/migrate/20240103000000_backfill_and_cleanup.rb',
        true,
        [
          [3, "UPDATE users SET status = 'legacy' WHERE created_at < '2020-01-01'"],
          [6, 'ALTER TABLE "users" DROP COLUMN "is_admin"'],
        ],
        undefined,
      ],
      [
        '20240104000000',
        'db/migrate/20240104000000_reversible_default.rb',
        true,
        [
          [3, 'ALTER TABLE "users" ALTER COLUMN "status" SET DEFAULT \'new\''],
          [4, "UPDATE users SET status = 'new' WHERE status IS NULL"],
          [8, 'ANALYZE users'],
        ],
        undefined,
      ],
    ]);
    expect(errorsOf(result)).toEqual([['db/migrate/20240103000000_backfill_and_cleanup.rb', 'untranslated-call', 7]]);
    expect(result.migrations[2]?.notes[0]).toBe('down raises (line 11): irreversible by design.');
    expect(result.migrations[3]?.notes[0]).toContain('Irreversible: line 8 (execute "ANALYZE users")');
  });

  it('guards read as if they let the calls run (and say so; an existence guard as IF NOT EXISTS), safety_assured, <<~SQL.squish, an engine-copied file', async () => {
    const result = await readMigrations(fixture('sources-rails'), {
      path: 'db/migrate/20240105000000_guarded_tags.my_engine.rb',
    });
    expect(result.errors).toEqual([]);
    expect(shape(result.migrations)).toEqual([
      [
        '20240105000000',
        'db/migrate/20240105000000_guarded_tags.my_engine.rb',
        true,
        [
          [8, 'ALTER TABLE "users" ADD COLUMN "tags" character varying[] DEFAULT \'{}\''],
          // `… unless index_exists?(:users, :tags)`: the guard is what IF NOT EXISTS says.
          [10, 'CREATE INDEX IF NOT EXISTS "index_users_on_tags" ON "users" USING gin ("tags")'],
          [11, "UPDATE users SET tags = '{}' WHERE tags IS NULL"],
        ],
        undefined,
      ],
    ]);
    expect(result.migrations[0]?.notes.slice(0, 2)).toEqual([
      'Line 5: `return unless connection.adapter_name == "PostgreSQL"` depends on the database or environment; read as if it does not return.',
      'Line 10: `unless index_exists?(:users, :tags)` is read as IF NOT EXISTS.',
    ]);
  });

  it('MySQL quoting and types; SQLite reports the ALTER it cannot express', async () => {
    const mysql = await readMigrations(fixture('sources-rails'), { engine: 'mysql' });
    expect(mysql.migrations[1]?.up.map((statement) => statement.sql)).toEqual([
      "ALTER TABLE `users` ADD COLUMN `status` varchar(20) DEFAULT 'active'",
      'CREATE INDEX `users_status_idx` ON `users` (`status`, `created_at`)',
      'ALTER TABLE `users` RENAME COLUMN `admin` TO `is_admin`',
    ]);
    expect(errorsOf(mysql)).toContainEqual([
      'db/migrate/20240102000000_add_status_to_orders.rb',
      'mysql-type-unknown',
      8,
    ]);
    const sqlite = await readMigrations(fixture('sources-rails'), { engine: 'sqlite' });
    expect(errorsOf(sqlite)).toContainEqual([
      'db/migrate/20240102000000_add_status_to_orders.rb',
      'not-expressible-on-sqlite',
      8,
    ]);
  });

  it('names tables, foreign key columns and long index names as Rails does', async () => {
    const dir = copyOf('sources-rails');
    writeFileSync(
      path.join(dir, 'db/migrate/20240106000000_create_families.rb'),
      'class CreateFamilies < ActiveRecord::Migration[7.2]\n  def change\n    create_table :families do |t|\n      t.string :name\n    end\n    create_table :addresses do |t|\n      t.references :family, foreign_key: true\n    end\n  end\nend\n',
    );
    writeFileSync(
      path.join(dir, 'db/migrate/20240107000000_create_exchange_rates.rb'),
      'class CreateExchangeRates < ActiveRecord::Migration[7.2]\n  def change\n    create_table :exchange_rates do |t|\n      t.string :base_currency\n      t.string :converted_currency\n      t.date :date\n    end\n    add_index :exchange_rates, %i[base_currency converted_currency date], unique: true\n    add_foreign_key :addresses, :people\n  end\nend\n',
    );
    const result = await readMigrations(dir);
    const sql = (file: string) =>
      result.migrations.find((migration) => migration.path.endsWith(file))?.up.map((each) => each.sql) ?? [];
    // t.references :family → families (not familys).
    expect(sql('20240106000000_create_families.rb').join('\n')).toContain('REFERENCES "families" ("id")');
    // Rails 7.1+: a generated name over 63 bytes is shortened with a hash (the name in maybe-finance's schema.rb).
    expect(sql('20240107000000_create_exchange_rates.rb').join('\n')).toContain(
      'idx_on_base_currency_converted_currency_date_255be792be',
    );
    // add_foreign_key :addresses, :people → column person_id.
    expect(sql('20240107000000_create_exchange_rates.rb').join('\n')).toContain('FOREIGN KEY ("person_id")');
  });

  it('PostgreSQL enums, stored virtual columns, custom types, rename_index and t.foreign_key; runs on PGlite', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rails-pg-types-'));
    temporary.push(dir);
    const migrate = path.join(dir, 'db/migrate');
    mkdirSync(migrate, { recursive: true });
    writeFileSync(
      path.join(migrate, '20240101000000_create_accounts.rb'),
      [
        'class CreateAccounts < ActiveRecord::Migration[7.2]',
        '  def change',
        '    create_enum :account_status, %w[ok syncing error]',
        '    create_table :blobs do |t|',
        '      t.string :key',
        '    end',
        '    create_table :accounts do |t|',
        '      t.bigint :blob_id',
        '      t.decimal :price, precision: 10, scale: 2',
        '      t.integer :qty',
        '      t.foreign_key :blobs, column: :blob_id',
        '    end',
        '    change_table :accounts do |t|',
        '      t.enum :status, enum_type: :account_status, default: "ok", null: false',
        '      t.virtual(',
        '        :total,',
        '        type: :decimal,',
        '        stored: true,',
        '        as: <<-SQL',
        '          price * qty',
        '        SQL',
        '      )',
        '    end',
        '    if ActiveRecord::Base.connection.adapter_name == "SQLServer"',
        '      execute <<~SQL.squish',
        '        CREATE UNIQUE NONCLUSTERED INDEX accounts_price_idx ON accounts(price)',
        '      SQL',
        '    else',
        '      add_index :accounts, :price',
        '    end',
        '    add_index :accounts, :qty',
        '    rename_index :accounts, :index_accounts_on_qty, :accounts_qty_idx',
        '  end',
        'end',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(migrate, '20240102000000_add_role.rb'),
      [
        'class AddRole < ActiveRecord::Migration[7.2]',
        '  def up',
        '    create_enum :user_role, %w[admin member]',
        '    add_column :accounts, :role, :user_role, default: "member", null: false',
        '    add_column :accounts, :legacy_role, :string',
        "    change_column :accounts, :legacy_role, :user_role, using: 'legacy_role::user_role'",
        '  end',
        '  def down',
        '    remove_column :accounts, :legacy_role',
        '    remove_column :accounts, :role',
        '    drop_enum :user_role',
        '  end',
        'end',
        '',
      ].join('\n'),
    );
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    const sql = result.migrations.flatMap((migration) => migration.up.map((each) => each.sql)).join('\n');
    expect(sql).toContain(`CREATE TYPE "account_status" AS ENUM ('ok', 'syncing', 'error')`);
    expect(sql).toContain('"status" "account_status"');
    expect(sql).toContain('"total" decimal GENERATED ALWAYS AS (price * qty) STORED');
    expect(sql).toContain('FOREIGN KEY ("blob_id") REFERENCES "blobs"');
    expect(sql).toContain('ALTER INDEX "index_accounts_on_qty" RENAME TO "accounts_qty_idx"');
    expect(sql).toContain('USING legacy_role::user_role');
    // The adapter test is decided for PostgreSQL: the else branch is the one read.
    expect(sql).not.toContain('NONCLUSTERED');
    expect(sql).toContain('CREATE INDEX "index_accounts_on_price" ON "accounts" ("price")');
    pglite ??= new PGlite();
    await pglite.exec('CREATE SCHEMA rails_pg_types; SET search_path TO rails_pg_types');
    for (const migration of result.migrations) for (const statement of migration.up) await pglite.exec(statement.sql);
    await pglite.exec('INSERT INTO accounts (price, qty) VALUES (2.5, 4)');
    const row = await pglite.query<{ total: string; status: string; role: string }>(
      'SELECT total, status, role FROM accounts',
    );
    expect(row.rows).toEqual([{ total: '10.00', status: 'ok', role: 'member' }]);
    for (const migration of [...result.migrations].reverse())
      for (const statement of migration.down ?? []) await pglite.exec(statement.sql);
    const types = await pglite.query<{ name: string }>(
      "SELECT typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'rails_pg_types' AND typtype = 'e'",
    );
    expect(types.rows).toEqual([]);
  });

  it("keeps validate: false, add_timestamps' default and remove_column's type as Rails runs them (mastodon)", async () => {
    const dir = railsProject(temporary, 'rails-options-', {
      '20240101000000_create.rb': [
        'class Create < ActiveRecord::Migration[7.1]',
        '  def change',
        '    create_table :mentions do |t|',
        '      t.bigint :status_id',
        '      t.integer :score',
        '    end',
        '  end',
        'end',
      ],
      '20240102000000_changes.rb': [
        'class Changes < ActiveRecord::Migration[7.1]',
        '  def up',
        "    add_check_constraint :mentions, 'status_id IS NOT NULL', name: 'mentions_status_id_null', validate: false",
        "    add_timestamps :mentions, null: false, default: -> { 'CURRENT_TIMESTAMP' }",
        '    remove_column :mentions, :score, :int',
        '  end',
        'end',
      ],
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    const up = result.migrations[1]?.up.map((each) => each.sql) ?? [];
    expect(up).toEqual([
      'ALTER TABLE "mentions" ADD CONSTRAINT "mentions_status_id_null" CHECK (status_id IS NOT NULL) NOT VALID',
      expect.stringMatching(
        /^ALTER TABLE "mentions" ADD COLUMN "created_at" timestamp\(6\) NOT NULL DEFAULT CURRENT_TIMESTAMP$/,
      ),
      expect.stringMatching(
        /^ALTER TABLE "mentions" ADD COLUMN "updated_at" timestamp\(6\) NOT NULL DEFAULT CURRENT_TIMESTAMP$/,
      ),
      'ALTER TABLE "mentions" DROP COLUMN "score"',
    ]);
    // It runs as written on a table with rows that break the new CHECK (NOT VALID skips them).
    pglite ??= new PGlite();
    await pglite.exec('CREATE SCHEMA rails_options; SET search_path TO rails_options');
    for (const statement of result.migrations[0]?.up ?? []) await pglite.exec(statement.sql);
    await pglite.exec('INSERT INTO mentions (status_id, score) VALUES (NULL, 1)');
    for (const statement of up) await pglite.exec(statement);
    const row = await pglite.query<{ filled: boolean }>('SELECT created_at IS NOT NULL AS filled FROM mentions');
    expect(row.rows).toEqual([{ filled: true }]);
    await pglite.exec('SET search_path TO public');
  });

  it('Migration[5.0] and unversioned migrations keep integer keys; 5.1 and later make them bigint (mastodon)', async () => {
    const body = (table: string) => [
      '  def change',
      `    create_table :${table} do |t|`,
      '      t.references :target, polymorphic: true',
      '    end',
      `    create_join_table :${table}, :tags`,
      '  end',
      'end',
    ];
    const dir = railsProject(temporary, 'rails-integer-keys-', {
      '20160101000000_old.rb': ['class Old < ActiveRecord::Migration', ...body('olds')],
      '20170101000000_five.rb': ['class Five < ActiveRecord::Migration[5.0]', ...body('fives')],
      '20180101000000_new.rb': ['class New < ActiveRecord::Migration[5.1]', ...body('news')],
      // GitLab numbers its own migration class: [2.1] is not Rails 2.1.
      '20190101000000_own.rb': ['class Own < Gitlab::Database::Migration[2.1]', ...body('owns')],
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    const [old, five, fresh, own] = result.migrations.map((migration) =>
      migration.up.map((each) => each.sql).join('\n'),
    );
    expect(own).toMatch(/"id" bigserial PRIMARY KEY/);
    for (const legacy of [old, five]) {
      expect(legacy).toMatch(/"id" serial PRIMARY KEY/);
      expect(legacy).toContain('"target_id" integer');
      expect(legacy).toMatch(/"tag_id" integer NOT NULL/);
    }
    expect(fresh).toMatch(/"id" bigserial PRIMARY KEY/);
    expect(fresh).toContain('"target_id" bigint');
    expect(fresh).toMatch(/"tag_id" bigint NOT NULL/);
  });

  it('change_table bulk: true is one ALTER TABLE, as Rails sends it; it runs on PGlite, and so does its down', async () => {
    const dir = railsProject(temporary, 'rails-bulk-', {
      '20240101000000_create.rb': CREATE_STATUSES,
      '20240102000000_bulk.rb': [
        'class Bulk < ActiveRecord::Migration[7.1]',
        '  def change',
        '    change_table :statuses, bulk: true do |t|',
        '      t.string :url',
        '      t.boolean :sensitive, default: false, null: false',
        '      t.index :url',
        '      t.rename :uri, :remote_uri',
        '    end',
        '  end',
        'end',
      ],
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    const bulk = result.migrations[1];
    expect(bulk?.up.map((each) => each.sql)).toEqual([
      'ALTER TABLE "statuses" ADD COLUMN "url" character varying, ADD COLUMN "sensitive" boolean NOT NULL DEFAULT FALSE',
      expect.stringMatching(/^CREATE INDEX "index_statuses_on_url" ON "statuses" \("url"\)$/),
      'ALTER TABLE "statuses" RENAME COLUMN "uri" TO "remote_uri"',
    ]);
    pglite ??= new PGlite();
    await pglite.exec('CREATE SCHEMA rails_bulk; SET search_path TO rails_bulk');
    for (const migration of result.migrations) for (const statement of migration.up) await pglite.exec(statement.sql);
    for (const statement of bulk?.down ?? []) await pglite.exec(statement.sql);
    const columns = await pglite.query<{ name: string }>(
      "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = 'rails_bulk' AND table_name = 'statuses' ORDER BY 1",
    );
    expect(columns.rows.map((row) => row.name)).toEqual(['id', 'uri']);
    await pglite.exec('SET search_path TO public');
  });

  it('an existence guard is read as IF [NOT] EXISTS (mastodon)', async () => {
    const dir = railsProject(temporary, 'rails-guards-', {
      '20240101000000_create.rb': CREATE_STATUSES,
      '20240102000000_guarded.rb': [
        'class Guarded < ActiveRecord::Migration[7.1]',
        '  disable_ddl_transaction!',
        '  def up',
        '    add_index :statuses, :uri, algorithm: :concurrently unless index_exists?(:statuses, :uri)',
        "    remove_index :statuses, name: 'old_idx' if index_exists?(:statuses, :id, name: 'old_idx')",
        '    unless column_exists?(:statuses, :url)',
        '      add_column :statuses, :url, :string',
        '    end',
        '    add_index(:statuses, :url) unless index_exists?(:statuses, :url)',
        '    remove_column :statuses, :legacy if column_exists?(:statuses, :legacy)',
        '  end',
        'end',
      ],
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    expect(result.migrations[1]?.up.map((each) => each.sql)).toEqual([
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "index_statuses_on_uri" ON "statuses" ("uri")',
      'DROP INDEX IF EXISTS "old_idx"',
      'ALTER TABLE "statuses" ADD COLUMN IF NOT EXISTS "url" character varying',
      'CREATE INDEX IF NOT EXISTS "index_statuses_on_url" ON "statuses" ("url")',
      'ALTER TABLE "statuses" DROP COLUMN IF EXISTS "legacy"',
    ]);
  });

  it('model classes, include and private inside a migration run no SQL; remove_check_constraint is read (mastodon)', async () => {
    const dir = railsProject(temporary, 'rails-class-members-', {
      '20240101000000_create.rb': [
        'class Create < ActiveRecord::Migration[7.1]',
        '  def change',
        '    create_table :mentions do |t|',
        '      t.bigint :status_id',
        '    end',
        "    add_check_constraint :mentions, 'status_id IS NOT NULL', name: 'mentions_status_id_null'",
        '  end',
        'end',
      ],
      '20240102000000_cleanup.rb': [
        'class Cleanup < ActiveRecord::Migration[7.1]',
        '  include Mastodon::MigrationHelpers',
        '  class Mention < ApplicationRecord',
        '    update_index :mentions',
        '  end',
        '  def up',
        "    remove_check_constraint :mentions, 'status_id IS NOT NULL', name: 'mentions_status_id_null'",
        '  end',
        '  def down',
        "    add_check_constraint :mentions, 'status_id IS NOT NULL', name: 'mentions_status_id_null'",
        '  end',
        '  private',
        '  def helper',
        '    Mention.count',
        '  end',
        'end',
      ],
    });
    const result = await readMigrations(dir, { engine: 'postgresql' });
    expect(result.errors).toEqual([]);
    expect(result.migrations[1]?.up.map((each) => each.sql)).toEqual([
      'ALTER TABLE "mentions" DROP CONSTRAINT "mentions_status_id_null"',
    ]);
  });

  it('the translated PostgreSQL runs on PGlite, up then the derived down', async () => {
    const result = await readMigrations(fixture('sources-rails'));
    await applyOnPglite('rails_fixture', result.migrations.slice(0, 2), [
      'CREATE TABLE teams (id bigserial PRIMARY KEY)',
    ]);
  });
});

describe('Ecto (read statically)', () => {
  it('migrations compiled with the app (lib/…/migrations/*.ex) are found and read, their schema not taken as known', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecto-compiled-'));
    temporary.push(dir);
    const migrations = path.join(dir, 'lib/app/tenants/repo/migrations');
    mkdirSync(migrations, { recursive: true });
    writeFileSync(
      path.join(migrations, '20240101000000_create_broadcasts.ex'),
      'defmodule App.Tenants.Migrations.CreateBroadcasts do\n  use Ecto.Migration\n\n  def change do\n    create table(:broadcasts) do\n      add :channel_id, references(:channels), null: false\n    end\n  end\nend\n',
    );
    // .ex files that are not migrations are no migration folder.
    mkdirSync(path.join(dir, 'lib/app/other/migrations'), { recursive: true });
    writeFileSync(
      path.join(dir, 'lib/app/other/migrations/20240101000000_helper.ex'),
      'defmodule App.Helper do\nend\n',
    );
    const folders = detectSetup(dir).packages.flatMap((pkg) => pkg.migrationDirs);
    expect(folders.map((folder) => [folder.path, folder.tool])).toEqual([['lib/app/tenants/repo/migrations', 'ecto']]);
    const result = await readMigrations(dir, { path: 'lib/app/tenants/repo/migrations' });
    expect(result.errors).toEqual([]);
    expect(result.schemaNotFromStart).toBe(true);
    expect(result.migrations[0]?.up.map((statement) => statement.sql).join('\n')).toContain(
      'CREATE TABLE "broadcasts"',
    );
  });

  it('create table, alter, indexes concurrently, rename, execute/2; down derived for change', async () => {
    const result = await readMigrations(fixture('sources-ecto'));
    expect(result).toMatchObject({ format: 'ecto', directory: 'priv/repo/migrations', engine: 'postgresql' });
    expect(shape(result.migrations.slice(0, 4))).toEqual([
      [
        '20240101000000',
        'priv/repo/migrations/20240101000000_create_users.exs',
        true,
        [
          [
            5,
            'CREATE TABLE "users" (\n  "id" bigserial PRIMARY KEY,\n  "email" varchar(255) NOT NULL,\n  "team_id" bigint CONSTRAINT "users_team_id_fkey" REFERENCES "teams"("id") ON DELETE CASCADE,\n  "settings" jsonb DEFAULT \'{}\',\n  "inserted_at" timestamp(0) NOT NULL,\n  "updated_at" timestamp(0) NOT NULL\n)',
          ],
          [12, 'CREATE UNIQUE INDEX "users_email_index" ON "users" ("email")'],
        ],
        [
          [12, 'DROP INDEX "users_email_index"'],
          [5, 'DROP TABLE "users"'],
        ],
      ],
      [
        '20240102000000',
        'priv/repo/migrations/20240102000000_users_status.exs',
        false,
        [
          // The alter block is one ALTER TABLE, as Ecto's adapter runs it.
          [7, 'ALTER TABLE "users" ADD COLUMN "status" varchar(20) DEFAULT \'active\', DROP COLUMN "settings"'],
          [12, 'CREATE INDEX CONCURRENTLY "users_status_index" ON "users" ("status")'],
          [13, 'ALTER TABLE "users" RENAME COLUMN "email" TO "login"'],
        ],
        [
          [13, 'ALTER TABLE "users" RENAME COLUMN "login" TO "email"'],
          [12, 'DROP INDEX CONCURRENTLY "users_status_index"'],
          [7, 'ALTER TABLE "users" ADD COLUMN "settings" jsonb DEFAULT \'{}\', DROP COLUMN "status"'],
        ],
      ],
      [
        '20240103000000',
        'priv/repo/migrations/20240103000000_backfill.exs',
        true,
        [[5, "UPDATE users SET status = 'legacy'\nWHERE inserted_at < '2020-01-01'"]],
        [[14, "UPDATE users SET status = 'active' WHERE status = 'legacy'"]],
      ],
      [
        '20240104000000',
        'priv/repo/migrations/20240104000000_extension.exs',
        true,
        [
          [5, 'CREATE EXTENSION IF NOT EXISTS citext'],
          [6, 'ANALYZE users'],
        ],
        undefined,
      ],
    ]);
    expect(errorsOf(result)).toEqual([['priv/repo/migrations/20240103000000_backfill.exs', 'untranslated-call', 10]]);
    expect(result.migrations[1]?.notes.slice(0, 2)).toEqual([
      '@disable_ddl_transaction true: runs outside a transaction.',
      '@disable_migration_lock true: Ecto takes no migration lock.',
    ]);
  });

  it('modify to a new reference with from: replaces the foreign key in one ALTER TABLE and is reversible', async () => {
    const result = await readMigrations(fixture('sources-ecto'), {
      path: 'priv/repo/migrations/20240105000000_team_not_null.exs',
    });
    expect(result.errors).toEqual([]);
    // Ecto's reversed modify keeps the block's options (null: false) and restores the from: reference.
    expect(shape(result.migrations)[0]?.slice(3)).toEqual([
      [
        [
          5,
          'ALTER TABLE "users" DROP CONSTRAINT "users_team_id_fkey", ALTER COLUMN "team_id" TYPE bigint, ADD CONSTRAINT "users_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE, ALTER COLUMN "team_id" SET NOT NULL',
        ],
      ],
      [
        [
          5,
          'ALTER TABLE "users" DROP CONSTRAINT "users_team_id_fkey", ALTER COLUMN "team_id" TYPE bigint, ADD CONSTRAINT "users_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id"), ALTER COLUMN "team_id" SET NOT NULL',
        ],
      ],
    ]);
  });

  it('the translated PostgreSQL runs on PGlite, up then the derived down', async () => {
    const result = await readMigrations(fixture('sources-ecto'));
    await applyOnPglite(
      'ecto_fixture',
      [...result.migrations.slice(0, 2), result.migrations[4]!],
      ['CREATE TABLE teams (id bigserial PRIMARY KEY)'],
    );
  });
});

describe('detect_setup finds each format by its layout', () => {
  it.each([
    ['sources-multi-dialect', 'multi-dialect-sql', 'migrations', 3, 'sql', undefined],
    ['sources-atlas', 'atlas', 'migrations', 3, 'sql', 'postgresql'],
    ['sources-sqitch', 'sqitch', '.', 4, 'sql', 'postgresql'],
    ['sources-liquibase', 'liquibase', 'src/main/resources/db/changelog', 10, 'xml', undefined],
    ['sources-rails', 'rails', 'db/migrate', 5, 'ruby', 'postgresql'],
    ['sources-ecto', 'ecto', 'priv/repo/migrations', 5, 'elixir', 'postgresql'],
  ])('%s', (name, tool, dir, count, moduleStyle, engine) => {
    const setup = detectSetup(fixture(name)).packages[0]!;
    expect(setup.migrationDirs).toEqual([{ path: dir, tool, count, format: tool }]);
    expect(setup.orms.map((orm) => orm.name)).toEqual([tool]);
    expect(setup.conventions[0]).toMatchObject({ tool, moduleStyle });
    expect(setup.commands.apply?.source).toBe(`${tool} convention`);
    expect(setup.engine?.name).toBe(engine);
  });

  it('Liquibase commands name the master changelog', () => {
    const setup = detectSetup(fixture('sources-liquibase')).packages[0]!;
    expect(setup.commands.apply?.command).toBe(
      'liquibase update --changelog-file=src/main/resources/db/changelog/db.changelog-master.xml',
    );
  });
});
