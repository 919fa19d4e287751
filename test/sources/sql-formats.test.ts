import { describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { readMigrations } from '../../src/sources/index.js';
import { runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { fixture } from './tool-runs.js';

/** [id, path, transactional, [line, sql] of up, [line, sql] of down] per migration. */
const shape = (migrations: Migration[]) =>
  migrations.map((migration) => [
    migration.id,
    migration.path,
    migration.transactional,
    migration.up.map((statement) => [statement.span.start.line, statement.sql]),
    migration.down?.map((statement) => [statement.span.start.line, statement.sql]),
  ]);

describe('raw SQL migration tools', () => {
  it('golang-migrate: numeric version order (10 after 2), .up/.down pairs, PostgreSQL statements', async () => {
    const result = await readMigrations(fixture('sources-golang-migrate'), { engine: 'postgresql' });
    expect(result).toMatchObject({ format: 'golang-migrate', directory: 'migrations', errors: [] });
    expect(shape(result.migrations)).toEqual([
      [
        '1',
        'migrations/1_create_users.up.sql',
        false,
        [[1, 'CREATE TABLE users (\n  id bigserial PRIMARY KEY,\n  email text NOT NULL\n)']],
        [[1, 'DROP TABLE users']],
      ],
      [
        '2',
        'migrations/2_create_orders.up.sql',
        false,
        [
          [2, 'CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id))'],
          [3, 'CREATE INDEX orders_user_id_idx ON orders (user_id)'],
        ],
        [[1, 'DROP TABLE orders']],
      ],
      [
        '10',
        'migrations/10_add_name.up.sql',
        false,
        [[1, 'ALTER TABLE users ADD COLUMN name text']],
        [[1, 'ALTER TABLE users DROP COLUMN name']],
      ],
    ]);
  });

  it('Diesel: folder order, up.sql/down.sql, run_in_transaction = false from metadata.toml', async () => {
    const result = await readMigrations(fixture('sources-diesel'), { engine: 'postgresql' });
    expect(result.format).toBe('diesel');
    expect(
      result.migrations.map((migration) => [migration.name, migration.transactional, migration.down?.[0]?.sql]),
    ).toEqual([
      ['create_posts', true, 'DROP TABLE posts'],
      ['add_published', true, 'ALTER TABLE posts DROP COLUMN published'],
      ['posts_index', false, 'DROP INDEX CONCURRENTLY posts_title_idx'],
    ]);
  });

  it('dbmate: sections, spans in the file itself, transaction:false, missing down noted', async () => {
    const result = await readMigrations(fixture('sources-dbmate'), { engine: 'postgresql' });
    expect(result).toMatchObject({ format: 'dbmate', directory: 'db/migrations', errors: [] });
    expect(shape(result.migrations)).toEqual([
      [
        '20240101000000',
        'db/migrations/20240101000000_create_users.sql',
        true,
        [
          [2, 'CREATE TABLE users (\n  id serial PRIMARY KEY,\n  email text NOT NULL\n)'],
          [6, 'CREATE UNIQUE INDEX users_email_idx ON users (email)'],
        ],
        [[9, 'DROP TABLE users']],
      ],
      [
        '20240102000000',
        'db/migrations/20240102000000_users_name_index.sql',
        false,
        [[2, 'CREATE INDEX CONCURRENTLY users_lower_email_idx ON users (lower(email))']],
        [[5, 'DROP INDEX CONCURRENTLY users_lower_email_idx']],
      ],
      [
        '20240103000000',
        'db/migrations/20240103000000_seed.sql',
        true,
        [[2, "INSERT INTO users (email) VALUES ('a@example.com')"]],
        undefined,
      ],
    ]);
    expect(result.migrations[2]?.notes.join(' ')).toContain('No `-- migrate:down` section');
  });

  it('goose: StatementBegin/End kept as one statement, NO TRANSACTION, numeric order', async () => {
    const result = await readMigrations(fixture('sources-goose'), { engine: 'postgresql' });
    expect(result.migrations.map((migration) => [migration.id, migration.transactional])).toEqual([
      ['00001', true],
      ['00002', true],
      ['00010', false],
    ]);
    const touch = result.migrations[1];
    expect(touch?.up.map((statement) => statement.span.start.line)).toEqual([3, 10]);
    expect(touch?.up[0]?.sql).toBe(
      'CREATE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql',
    );
    expect(touch?.down?.map((statement) => statement.sql)).toEqual([
      'ALTER TABLE accounts DROP COLUMN updated_at',
      'DROP FUNCTION touch()',
    ]);
  });

  it('sql-migrate: notransaction on the Up marker, StatementBegin block, numeric id order', async () => {
    const result = await readMigrations(fixture('sources-sql-migrate'), { engine: 'postgresql' });
    expect(result.migrations.map((migration) => [migration.id, migration.transactional, migration.up.length])).toEqual([
      ['1_init', true, 1],
      ['2_people_index', false, 1],
      ['10_people_age', true, 2],
    ]);
    expect(result.migrations[2]?.up[1]).toMatchObject({
      sql: 'CREATE FUNCTION adult(p people) RETURNS boolean AS $$ SELECT p.age >= 18; $$ LANGUAGE sql',
      span: { start: { line: 4, column: 1 } },
    });
  });

  it('Flyway: versions compared as numbers (1.2 before 1.10), undo as down, repeatables last by description', async () => {
    const result = await readMigrations(fixture('sources-flyway'), { engine: 'mysql' });
    expect(result).toMatchObject({ format: 'flyway', directory: 'sql', engine: 'mysql', errors: [] });
    expect(result.migrations.map((migration) => [migration.id, migration.name, migration.down?.[0]?.sql])).toEqual([
      ['1', 'create customer', undefined],
      ['1.1', 'add email', undefined],
      ['1.2', 'add phone', undefined],
      ['1.10', 'email index', 'DROP INDEX customer_email_idx'],
      ['R__active_customers', 'active customers', undefined],
      ['R__customer_names', 'customer names', undefined],
    ]);
  });

  it('a plain folder of .sql files in natural name order', async () => {
    const result = await readMigrations(fixture('sources-plain'), { engine: 'sqlite' });
    expect(shape(result.migrations)).toEqual([
      ['001_t1', 'migrations/001_t1.sql', false, [[1, 'CREATE TABLE t1 (id integer PRIMARY KEY)']], undefined],
      [
        '002_t2',
        'migrations/002_t2.sql',
        false,
        [
          [1, 'CREATE TABLE t2 (id integer PRIMARY KEY)'],
          [2, 'INSERT INTO t2 VALUES (1)'],
        ],
        undefined,
      ],
      ['010_note', 'migrations/010_note.sql', false, [[1, 'ALTER TABLE t1 ADD COLUMN note text']], undefined],
    ]);
  });

  it('one file of a folder: path narrows the read to that migration', async () => {
    const result = await readMigrations(fixture('sources-golang-migrate'), {
      path: 'migrations/2_create_orders.down.sql',
      engine: 'postgresql',
    });
    expect(result.migrations.map((migration) => migration.id)).toEqual(['2']);
  });
});

describe('sqlx (Rust)', () => {
  it('simple and reversible files in i64 version order (10 after 2), descriptions, `-- no-transaction`', async () => {
    const result = await readMigrations(fixture('sources-sqlx'));
    expect(result).toMatchObject({ format: 'sqlx', directory: 'migrations', errors: [] });
    expect(result.folderEngine?.name).toBe('postgresql');
    expect(shape(result.migrations)).toEqual([
      [
        '1',
        'migrations/1_create_users.sql',
        true,
        [[2, 'CREATE TABLE users (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  email text NOT NULL\n)']],
        undefined,
      ],
      [
        '2',
        'migrations/2_create_orders.up.sql',
        true,
        [
          [
            1,
            'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id))',
          ],
          [2, 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id)'],
        ],
        [[1, 'DROP TABLE orders']],
      ],
      [
        '10',
        'migrations/10_users_email_index.up.sql',
        false,
        [[2, 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email)']],
        [[2, 'DROP INDEX CONCURRENTLY users_email_idx']],
      ],
    ]);
    expect(result.migrations.map((migration) => [migration.name, migration.execution])).toEqual([
      ['create users', 'one-query'],
      ['create orders', 'one-query'],
      ['users email index', 'one-query'],
    ]);
    expect(result.migrations[2]?.notes).toContain(
      '`-- no-transaction` on its first line: sqlx runs it outside a transaction.',
    );
  });

  it('the same file layout is golang-migrate in a Go project and sqlx only where sqlx is declared', async () => {
    const files = {
      'migrations/1_init.up.sql': 'CREATE TABLE t (id bigint PRIMARY KEY);\n',
      'migrations/1_init.down.sql': 'DROP TABLE t;\n',
    };
    const go = tempProject('dma-sqlx-go-');
    go.write('go.mod', 'module example.com/app\n\ngo 1.22\n\nrequire github.com/golang-migrate/migrate/v4 v4.17.0\n');
    for (const [file, text] of Object.entries(files)) go.write(file, text);
    const rust = tempProject('dma-sqlx-rust-');
    rust.write('Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nsqlx = "0.8"\n');
    for (const [file, text] of Object.entries(files)) rust.write(file, text);
    const other = tempProject('dma-sqlx-other-');
    other.write('Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n');
    for (const [file, text] of Object.entries(files)) other.write(file, text);
    expect((await readMigrations(go.root)).format).toBe('golang-migrate');
    expect((await readMigrations(other.root)).format).toBe('golang-migrate');
    const read = await readMigrations(rust.root);
    expect(read.format).toBe('sqlx');
    expect(read.migrations.map((migration) => migration.transactional)).toEqual([true]);
  });

  it('sqlx::migrate!("path") and [workspace.dependencies] name the folder; a marker not at the very start is ignored', async () => {
    const project = tempProject('dma-sqlx-macro-');
    project.write(
      'Cargo.toml',
      '[workspace]\nmembers = []\n\n[workspace.dependencies]\nsqlx = { version = "0.8", features = ["sqlite", "migrate"] }\n\n[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nsqlx.workspace = true\n',
    );
    project.write('src/db.rs', 'pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./db/schema");\n');
    project.write(
      'db/schema/20240101000000_init.sql',
      '\n-- no-transaction\nCREATE TABLE t (id integer PRIMARY KEY);\n',
    );
    project.write('db/schema/20240102000000_more.sql', '-- no-transaction\nCREATE TABLE u (id integer PRIMARY KEY);\n');
    const result = await readMigrations(project.root);
    expect(result).toMatchObject({ format: 'sqlx', directory: 'db/schema', errors: [] });
    expect(result.folderEngine?.name).toBe('sqlite');
    expect(result.migrations.map((migration) => [migration.id, migration.transactional])).toEqual([
      ['20240101000000', true],
      ['20240102000000', false],
    ]);
    expect(result.migrations[0]?.notes.join(' ')).toContain('not the exact start of the file');
  });

  it('a .sql file whose name does not start with an integer version is an error (sqlx refuses the folder)', async () => {
    const project = tempProject('dma-sqlx-bad-');
    project.write('Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nsqlx = "0.8"\n');
    project.write('migrations/1_init.sql', 'CREATE TABLE t (id bigint PRIMARY KEY);\n');
    project.write('migrations/seed_data.sql', 'INSERT INTO t VALUES (1);\n');
    project.write('migrations/2_only_down.down.sql', 'DROP TABLE t;\n');
    const result = await readMigrations(project.root);
    expect(result.format).toBe('sqlx');
    expect(result.migrations.map((migration) => migration.id)).toEqual(['1']);
    expect(result.errors.map((error) => [error.path, error.error.code])).toEqual([
      ['migrations/2_only_down.down.sql', 'missing-up'],
      ['migrations/seed_data.sql', 'bad-version'],
    ]);
  });
});

describe('Prisma and Drizzle', () => {
  it('Prisma: folder order, provider from migration_lock.toml, no down (said in notes)', async () => {
    const result = await readMigrations(fixture('sources-prisma'));
    expect(result).toMatchObject({
      format: 'prisma',
      directory: 'prisma/migrations',
      engine: 'postgresql',
      errors: [],
    });
    expect(shape(result.migrations)).toEqual([
      [
        '20240101000000',
        'prisma/migrations/20240101000000_init/migration.sql',
        false,
        [
          [
            2,
            'CREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n)',
          ],
          [10, 'CREATE UNIQUE INDEX "User_email_key" ON "User"("email")'],
        ],
        undefined,
      ],
      [
        '20240102000000',
        'prisma/migrations/20240102000000_add_posts/migration.sql',
        false,
        [
          [
            2,
            'CREATE TABLE "Post" (\n    "id" SERIAL NOT NULL,\n    "authorId" INTEGER NOT NULL,\n    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")\n)',
          ],
          [
            9,
            'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE',
          ],
        ],
        undefined,
      ],
      [
        '20240103000000',
        'prisma/migrations/20240103000000_post_index/migration.sql',
        false,
        [[1, 'CREATE INDEX "Post_authorId_idx" ON "Post"("authorId")']],
        undefined,
      ],
    ]);
    expect(result.migrations[0]?.notes[0]).toContain('no down');
  });

  it('Drizzle: journal order, statement-breakpoint chunks, dialect from the journal', async () => {
    const result = await readMigrations(fixture('sources-drizzle'));
    expect(result).toMatchObject({ format: 'drizzle', directory: 'drizzle', engine: 'postgresql', errors: [] });
    expect(
      result.migrations.map((migration) => [
        migration.id,
        migration.name,
        migration.up.map((statement) => statement.span.start.line),
      ]),
    ).toEqual([
      ['0000', 'silky_users', [1, 6]],
      ['0001', 'brave_posts', [1, 6]],
      ['0002', 'quiet_index', [1]],
    ]);
    expect(result.migrations[0]?.up[1]?.sql).toBe(
      'CREATE UNIQUE INDEX "users_email_idx" ON "users" USING btree ("email")',
    );
  });

  it('Drizzle: a .sql file the journal does not list is set aside and named, and the check has no error for it', async () => {
    const { root, write } = tempProject('dma-drizzle-orphan-');
    write('drizzle.config.ts', "export default { dialect: 'postgresql', out: './drizzle' };\n");
    write(
      'drizzle/meta/_journal.json',
      JSON.stringify({ dialect: 'postgresql', entries: [{ idx: 0, tag: '0000_init', when: 1, breakpoints: true }] }),
    );
    write('drizzle/0000_init.sql', 'CREATE TABLE "users" ("id" bigint PRIMARY KEY);\n');
    // dokploy: 0130_abandoned_dagger.sql beside the journal's 0130_perpetual_screwball.
    write('drizzle/0000_abandoned.sql', 'ALTER TABLE "users" ADD COLUMN "nickname" text;\n');
    const result = await readMigrations(root);
    expect(result.migrations.map((migration) => migration.path)).toEqual(['drizzle/0000_init.sql']);
    expect(result.errors).toEqual([]);
    expect(result.setAside).toEqual(['drizzle/0000_abandoned.sql']);
    expect(result.notes).toEqual([expect.stringContaining('0000_abandoned.sql is not in meta/_journal.json')]);
    const { out } = await runCli(['check', '--format', 'json'], { cwd: root });
    const check = JSON.parse(out) as { errors: unknown[]; notes: string[]; files: Array<{ file: string }> };
    expect(check.errors).toEqual([]);
    expect(check.files.map((file) => file.file)).toEqual(['drizzle/0000_init.sql']);
    expect(check.notes.some((note) => note.includes('0000_abandoned.sql is not in meta/_journal.json'))).toBe(true);
  });
});
