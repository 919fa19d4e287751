import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationDraft } from '../../src/generate/types.js';
import { diffSources } from '../../src/schema/diff-sources.js';
import { PrismaSchemaEditor } from '../../src/sources/formats/prisma-schema-edit.js';
import { writePrisma } from '../../src/sources/formats/prisma-write.js';
import { readMigrations } from '../../src/sources/index.js';
import { loadPostgresParser } from '../../src/sql/postgres.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { fixtureCopy, scanOf, textOf, writeContext, writeFiles } from './writers-orm-helpers.js';

/** The drafts the planner hands over for this change set, with its PostgreSQL SQL. */
const addPayments: MigrationDraft = {
  name: 'add_payments_table',
  engine: 'postgresql',
  transactional: true,
  changes: [
    { op: 'create_enum', name: 'PaymentStatus', values: ['pending', 'paid'] },
    {
      op: 'create_table',
      table: 'Payment',
      columns: [
        { name: 'id', type: 'serial', primaryKey: true, nullable: false },
        { name: 'userId', type: 'integer', nullable: false, references: { table: 'User' } },
        { name: 'amount', type: 'numeric(10,2)', nullable: false },
        { name: 'status', type: 'PaymentStatus', nullable: false, default: "'pending'" },
        { name: 'paid_at', type: 'timestamptz' },
      ],
    },
    { op: 'add_column', table: 'User', column: { name: 'nickname', type: 'varchar(50)' } },
  ],
  up: [
    `CREATE TYPE "PaymentStatus" AS ENUM ('pending', 'paid')`,
    `CREATE TABLE IF NOT EXISTS "Payment" (\n  "id" serial PRIMARY KEY,\n  "userId" integer NOT NULL,\n  "amount" numeric(10,2) NOT NULL,\n  "status" "PaymentStatus" NOT NULL DEFAULT 'pending',\n  "paid_at" timestamptz,\n  CONSTRAINT "Payment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id")\n)`,
    `CREATE INDEX IF NOT EXISTS "Payment_userId_idx" ON "Payment" ("userId")`,
    `SET lock_timeout = '5s'`,
    `ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "nickname" varchar(50)`,
  ],
  down: [
    `ALTER TABLE "User" DROP COLUMN IF EXISTS "nickname"`,
    `DROP TABLE IF EXISTS "Payment"`,
    `DROP TYPE IF EXISTS "PaymentStatus"`,
  ],
};

const indexNickname: MigrationDraft = {
  name: 'add_user_nickname_index',
  engine: 'postgresql',
  transactional: false,
  changes: [{ op: 'add_index', table: 'User', columns: ['nickname'] }],
  up: [`SET lock_timeout = '5s'`, `CREATE INDEX CONCURRENTLY IF NOT EXISTS "User_nickname_idx" ON "User" ("nickname")`],
  down: [`DROP INDEX CONCURRENTLY IF EXISTS "User_nickname_idx"`],
};

const renameNickname: MigrationDraft = {
  name: 'rename_user_nickname_to_display_name',
  engine: 'postgresql',
  transactional: true,
  changes: [{ op: 'rename_column', table: 'User', from: 'nickname', to: 'displayName' }],
  up: [`SET lock_timeout = '5s'`, `ALTER TABLE "User" RENAME COLUMN "nickname" TO "displayName"`],
  down: [`ALTER TABLE "User" RENAME COLUMN "displayName" TO "nickname"`],
};

const dropPaidAt: MigrationDraft = {
  name: 'drop_payment_paid_at',
  engine: 'postgresql',
  transactional: true,
  changes: [{ op: 'drop_column', table: 'Payment', column: 'paid_at' }],
  up: [`ALTER TABLE "Payment" DROP COLUMN IF EXISTS "paid_at"`],
  down: [`ALTER TABLE "Payment" ADD COLUMN IF NOT EXISTS "paid_at" timestamptz`],
};

const refunds: MigrationDraft = {
  name: 'add_payment_refunds',
  engine: 'postgresql',
  transactional: true,
  changes: [
    { op: 'add_enum_value', name: 'PaymentStatus', value: 'refunded' },
    { op: 'alter_column', table: 'Payment', column: 'amount', default: '0' },
    { op: 'add_column', table: 'Payment', column: { name: 'approvedBy', type: 'integer' } },
    {
      op: 'add_foreign_key',
      table: 'Payment',
      columns: ['approvedBy'],
      references: { table: 'User', onDelete: 'set null' },
    },
  ],
  up: [
    `ALTER TYPE "PaymentStatus" ADD VALUE IF NOT EXISTS 'refunded'`,
    `SET lock_timeout = '5s'`,
    `ALTER TABLE "Payment" ALTER COLUMN "amount" SET DEFAULT 0`,
    `ALTER TABLE "Payment" ADD COLUMN IF NOT EXISTS "approvedBy" integer`,
    `ALTER TABLE "Payment" ADD CONSTRAINT "Payment_approvedBy_fkey" FOREIGN KEY ("approvedBy") REFERENCES "User" ("id") ON DELETE SET NULL NOT VALID`,
    `CREATE INDEX IF NOT EXISTS "Payment_approvedBy_idx" ON "Payment" ("approvedBy")`,
    `ALTER TABLE "Payment" VALIDATE CONSTRAINT "Payment_approvedBy_fkey"`,
  ],
  // An enum value cannot be dropped: the down leaves it.
  down: [
    `ALTER TABLE "Payment" DROP CONSTRAINT IF EXISTS "Payment_approvedBy_fkey"`,
    `DROP INDEX IF EXISTS "Payment_approvedBy_idx"`,
    `ALTER TABLE "Payment" DROP COLUMN IF EXISTS "approvedBy"`,
    `ALTER TABLE "Payment" ALTER COLUMN "amount" DROP DEFAULT`,
  ],
};

const at = (second: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, second));

/** diff_schema between the edited schema.prisma and the migration history: empty when they agree. */
async function disagreements(root: string): Promise<string[]> {
  const result = await diffSources({
    root,
    from: 'migrations:prisma/migrations',
    to: 'prisma:prisma/schema.prisma',
  });
  return result.diff.operations.map(
    (operation) => `${operation.kind} ${operation.object}: ${operation.sql.join('; ')}`,
  );
}

describe('Prisma writer', () => {
  const { root, cleanup } = fixtureCopy('generate-prisma');
  const written: string[] = [];
  // generate loads the parser before any writer runs: the Prisma writer checks its restyled SQL with it.
  beforeAll(() => loadPostgresParser());
  afterAll(cleanup);

  it('writes migration.sql the way Prisma does, a down.sql beside it, and the schema.prisma edit', async () => {
    const files = writePrisma(addPayments, scanOf(root, 'prisma'), writeContext(root, at(0)));
    expect(files.map((file) => [file.path, file.edit])).toEqual([
      ['prisma/migrations/20261206120000_add_payments_table/migration.sql', false],
      ['prisma/migrations/20261206120000_add_payments_table/down.sql', false],
      ['prisma/schema.prisma', true],
    ]);
    const sql = textOf(files, /migration\.sql$/);
    expect(sql).toMatch(
      /^-- CreateEnum\nCREATE TYPE "PaymentStatus" AS ENUM \('pending', 'paid'\);\n\n-- CreateTable\n/,
    );
    // The planner's SQL in Prisma's style: the column list right after the table, types upper case.
    expect(sql).toContain('-- CreateIndex\nCREATE INDEX IF NOT EXISTS "Payment_userId_idx" ON "Payment"("userId");');
    expect(sql).toContain('-- AlterTable\nALTER TABLE "User" ADD COLUMN IF NOT EXISTS "nickname" VARCHAR(50);');
    expect(textOf(files, /down\.sql$/)).toContain(
      'DROP TABLE IF EXISTS "Payment";\nDROP TYPE IF EXISTS "PaymentStatus";\n',
    );
    const schema = textOf(files, /schema\.prisma$/);
    expect(schema).toContain('enum PaymentStatus {\n  pending\n  paid\n}');
    // Fields aligned in columns the way `prisma format` leaves them; relation fields after the scalars.
    expect(schema).toContain(
      [
        'model Payment {',
        '  id      Int           @id @default(autoincrement())',
        '  userId  Int',
        '  amount  Decimal       @db.Decimal(10, 2)',
        '  status  PaymentStatus @default(pending)',
        '  paid_at DateTime?     @db.Timestamptz',
        '  user    User          @relation(fields: [userId], references: [id], onDelete: NoAction, onUpdate: NoAction)',
        '',
        '  @@index([userId])',
        '}',
      ].join('\n'),
    );
    expect(schema).toMatch(/ {2}payments +Payment\[\]\n {2}nickname +String\? +@db\.VarChar\(50\)\n/);
    writeFiles(
      root,
      files.filter((file) => !file.edit),
    );
    // The check has teeth: the migrations alone disagree with the old schema.
    expect((await disagreements(root)).length).toBeGreaterThan(0);
    writeFiles(
      root,
      files.filter((file) => file.edit),
    );
    written.push(...files.filter((file) => !file.edit).map((file) => file.path));
    expect(await disagreements(root)).toEqual([]);
  }, 60_000);

  it('puts CREATE INDEX CONCURRENTLY alone in its migration (Prisma runs the file as one implicit transaction)', async () => {
    const files = writePrisma(indexNickname, scanOf(root, 'prisma'), writeContext(root, at(1)));
    const sql = textOf(files, /migration\.sql$/);
    expect(files[0]?.path).toBe('prisma/migrations/20261206120001_add_user_nickname_index/migration.sql');
    expect(sql).not.toContain('lock_timeout =');
    expect(sql.match(/;\n/g)).toHaveLength(1);
    expect(textOf(files, /schema\.prisma$/)).toContain('@@index([nickname])');
    writeFiles(root, files);
    written.push(...files.filter((file) => !file.edit).map((file) => file.path));
    expect(await disagreements(root)).toEqual([]);
  }, 60_000);

  it('says a rename that needs no column change as @map, with no SQL', async () => {
    const files = writePrisma(renameNickname, scanOf(root, 'prisma'), writeContext(root, at(2)));
    expect(files.map((file) => file.path)).toEqual(['prisma/schema.prisma']);
    const schema = textOf(files, /schema\.prisma$/);
    expect(schema).toMatch(/ {2}displayName +String\? +@db\.VarChar\(50\) @map\("nickname"\)\n/);
    expect(schema).toContain('@@index([displayName])');
    writeFiles(root, files);
    expect(await disagreements(root)).toEqual([]);
  }, 60_000);

  it('drops a column with Prisma’s data-loss warning and the field gone from the schema', async () => {
    const files = writePrisma(dropPaidAt, scanOf(root, 'prisma'), writeContext(root, at(3)));
    expect(textOf(files, /migration\.sql$/)).toContain(
      '- You are about to drop the column `paid_at` on the `Payment` table. All the data in the column will be lost.',
    );
    expect(textOf(files, /schema\.prisma$/)).not.toContain('paid_at');
    writeFiles(root, files);
    written.push(...files.filter((file) => !file.edit).map((file) => file.path));
    expect(await disagreements(root)).toEqual([]);
  }, 60_000);

  it('adds an enum value, a default, and a second relation to the same model (named on both sides)', async () => {
    const files = writePrisma(refunds, scanOf(root, 'prisma'), writeContext(root, at(4)));
    const sql = textOf(files, /migration\.sql$/);
    expect(sql).toContain(`-- AlterEnum\nALTER TYPE "PaymentStatus" ADD VALUE IF NOT EXISTS 'refunded';`);
    expect(sql).toContain('-- AddForeignKey\nALTER TABLE "Payment" ADD CONSTRAINT "Payment_approvedBy_fkey"');
    const schema = textOf(files, /schema\.prisma$/);
    expect(schema).toContain('enum PaymentStatus {\n  pending\n  paid\n  refunded\n}');
    expect(schema).toMatch(/ {2}amount +Decimal +@db\.Decimal\(10, 2\) @default\(0\)\n/);
    expect(schema).toMatch(
      / {2}approvedByUser +User\? +@relation\("Payment_approvedBy", fields: \[approvedBy\], references: \[id\], onUpdate: NoAction\)\n/,
    );
    expect(schema).toMatch(/ {2}paymentsAsApprovedByUser +Payment\[\] +@relation\("Payment_approvedBy"\)\n/);
    writeFiles(root, files);
    written.push(...files.filter((file) => !file.edit).map((file) => file.path));
    expect(await disagreements(root)).toEqual([]);
  }, 60_000);

  it('reads back with the Prisma reader in folder order, down.sql not taken for a migration', async () => {
    const result = await readMigrations(root, { format: 'prisma' });
    expect(result.errors).toEqual([]);
    expect(result.migrations.map((migration) => migration.name)).toEqual([
      'init',
      'add_orders',
      'add_payments_table',
      'add_user_nickname_index',
      'drop_payment_paid_at',
      'add_payment_refunds',
    ]);
    expect(result.migrations[2]?.up.map((statement) => statement.sql.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'CREATE TYPE',
      'CREATE TABLE',
      'CREATE INDEX',
      'SET lock_timeout',
      'ALTER TABLE',
    ]);
  });

  describe('on the PostgreSQL server: every migration.sql as Prisma sends it, down.sql back, up again', () => {
    let client: pg.Client | undefined;
    const schemaName = uniqueName('gen_prisma');
    beforeAll(async () => {
      if (!(await postgresAvailable()).available) return;
      client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schemaName}`);
      await client.query(`SET search_path TO ${schemaName}`);
    });
    afterAll(async () => {
      await client?.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`);
      await client?.end();
    });

    const folders = () =>
      readdirSync(path.join(root, 'prisma/migrations'))
        .filter((name) => /^\d{14}_/.test(name))
        .sort();
    const run = (file: string) => client!.query(readFileSync(path.join(root, 'prisma/migrations', file), 'utf8'));
    const columns = async () =>
      (
        await client!.query(
          `SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_schema = $1 ORDER BY 1`,
          [schemaName],
        )
      ).rows.map((row) => row.c as string);

    it('applies, rolls back and applies again', async (context) => {
      if (!client) return context.skip();
      const generated = folders().filter((folder) => folder.startsWith('2026'));
      expect(generated).toHaveLength(4);
      for (const folder of folders()) await run(`${folder}/migration.sql`);
      const applied = await columns();
      expect(applied).toEqual(expect.arrayContaining(['Payment.amount', 'Payment.status', 'User.nickname']));
      expect(applied).not.toContain('Payment.paid_at');
      await client.query(`INSERT INTO "User" (email, nickname) VALUES ('a@example.com', 'a')`);
      await client.query(`INSERT INTO "Payment" ("userId", amount) SELECT id, 9.5 FROM "User"`);
      for (const folder of [...generated].reverse()) await run(`${folder}/down.sql`);
      const rolledBack = await columns();
      expect(rolledBack).not.toContain('User.nickname');
      expect(rolledBack.some((column) => column.startsWith('Payment.'))).toBe(false);
      for (const folder of generated) await run(`${folder}/migration.sql`);
      expect(await columns()).toEqual(applied);
    });
  });
});

describe('Prisma writer on a SQLite project', () => {
  const { root, cleanup } = fixtureCopy('generate-prisma-sqlite');
  afterAll(cleanup);
  const addPosts: MigrationDraft = {
    name: 'add_posts_table',
    engine: 'sqlite',
    transactional: true,
    changes: [
      {
        op: 'create_table',
        table: 'Post',
        columns: [
          { name: 'id', type: 'INTEGER', primaryKey: true, nullable: false, generated: 'auto_increment' },
          { name: 'title', type: 'TEXT', nullable: false },
          { name: 'published', type: 'BOOLEAN', nullable: false, default: 'false' },
          {
            name: 'authorId',
            type: 'INTEGER',
            nullable: false,
            references: { table: 'User', onDelete: 'cascade', onUpdate: 'cascade' },
          },
        ],
      },
    ],
    up: [
      `CREATE TABLE IF NOT EXISTS "Post" (\n  "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n  "title" TEXT NOT NULL,\n  "published" BOOLEAN NOT NULL DEFAULT false,\n  "authorId" INTEGER NOT NULL,\n  CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE\n)`,
      `CREATE INDEX IF NOT EXISTS "Post_authorId_idx" ON "Post" ("authorId")`,
    ],
    down: [`DROP INDEX IF EXISTS "Post_authorId_idx"`, `DROP TABLE IF EXISTS "Post"`],
  };

  it('edits the schema with SQLite’s types so schema and history agree, and the SQL runs up / down / up', async () => {
    const files = writePrisma(addPosts, scanOf(root, 'prisma'), writeContext(root, at(0)));
    const schema = textOf(files, /schema\.prisma$/);
    expect(schema).toContain(
      [
        'model Post {',
        '  id        Int     @id @default(autoincrement())',
        '  title     String',
        '  published Boolean @default(false)',
        '  authorId  Int',
        '  author    User    @relation(fields: [authorId], references: [id], onDelete: Cascade)',
        '',
        '  @@index([authorId])',
        '}',
      ].join('\n'),
    );
    writeFiles(root, files);
    const result = await diffSources({ root, from: 'migrations:prisma/migrations', to: 'prisma:prisma/schema.prisma' });
    expect(result.diff.operations.map((operation) => `${operation.kind} ${operation.object}`)).toEqual([]);
    const db = new Database(':memory:');
    try {
      const migrationsDir = path.join(root, 'prisma/migrations');
      const folders = readdirSync(migrationsDir)
        .filter((name) => /^\d{14}_/.test(name))
        .sort();
      const tables = () =>
        db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1")
          .all()
          .map((row) => (row as { name: string }).name);
      for (const folder of folders) db.exec(readFileSync(path.join(migrationsDir, folder, 'migration.sql'), 'utf8'));
      expect(tables()).toEqual(['Post', 'User']);
      db.exec(readFileSync(path.join(migrationsDir, folders.at(-1)!, 'down.sql'), 'utf8'));
      expect(tables()).toEqual(['User']);
      db.exec(readFileSync(path.join(migrationsDir, folders.at(-1)!, 'migration.sql'), 'utf8'));
      expect(tables()).toEqual(['Post', 'User']);
    } finally {
      db.close();
    }
  }, 60_000);
});

describe('Prisma schema edit follows the project’s naming', () => {
  it('camelCases fields over snake_case columns (@map) and maps new models to their table (@@map)', () => {
    const schema = [
      'datasource db {',
      '  provider = "postgresql"',
      '  url      = env("DATABASE_URL")',
      '}',
      '',
      'model User {',
      '  id        Int      @id @default(autoincrement())',
      '  createdAt DateTime @default(now()) @map("created_at")',
      '',
      '  @@map("users")',
      '}',
      '',
    ].join('\n');
    const editor = new PrismaSchemaEditor(schema, 'postgresql');
    editor.createTable('order_items', [
      { name: 'id', type: 'bigserial', primaryKey: true },
      { name: 'user_id', type: 'integer', nullable: false, references: { table: 'users', onDelete: 'cascade' } },
      { name: 'unit_price', type: 'numeric(10,2)', nullable: false },
    ]);
    editor.alignChanged(schema);
    expect(editor.text).toContain(
      [
        'model OrderItem {',
        '  id        BigInt  @id @default(autoincrement())',
        '  userId    Int     @map("user_id")',
        '  unitPrice Decimal @map("unit_price") @db.Decimal(10, 2)',
        '  user      User    @relation(fields: [userId], references: [id], onDelete: Cascade, onUpdate: NoAction)',
        '',
        '  @@map("order_items")',
        '}',
      ].join('\n'),
    );
    expect(editor.text).toMatch(/ {2}orderItems +OrderItem\[\]\n/);
  });
});
