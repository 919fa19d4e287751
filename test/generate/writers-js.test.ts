import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import 'reflect-metadata';
import { knex } from 'knex';
import { FileMigrationProvider, Kysely, Migrator, NO_MIGRATIONS, PostgresDialect } from 'kysely';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { register } from 'tsx/esm/api';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationDraft } from '../../src/generate/types.js';
import type { ToolName } from '../../src/project/types.js';
import type { Schema } from '../../src/schema/model.js';
import { statementSignature } from '../../src/sources/formats/knex-builder.js';
import { readMigrations } from '../../src/sources/index.js';
import { mysqlAvailable, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { loadWithTsx } from '../sources/tool-runs.js';
import {
  DRAFTS,
  insertedMysqlNote,
  insertedNote,
  insertedSqliteNote,
  intendedMysqlSchema,
  intendedSchema,
  intendedSqliteSchema,
  MYSQL_DRAFTS,
  MYSQL_NOTE,
  mysqlSchemaOf,
  normalised,
  ownDatabase,
  ownMysqlDatabase,
  ownSqliteDatabase,
  projectWith,
  SQLITE_DRAFTS,
  schemaOf,
  sqliteSchemaOf,
  TRICKY_NOTE,
  writeDrafts,
} from './js-writer-support.js';

const require = createRequire(import.meta.url);
type Direction = 'up' | 'down';

interface WriterCase {
  tool: ToolName;
  /** The server the drafts are written for and applied to (default PostgreSQL). */
  server?: 'postgresql' | 'mariadb' | 'sqlite';
  /** The project before generation: its existing migration sets the style the new files must follow. */
  files: Record<string, string>;
  /** Applies every migration (up) or undoes every migration (down) with the tool itself. */
  apply(root: string, url: string, direction: Direction): Promise<void>;
  /** What our reader reports for a draft's statements, when the file adds to them (its own transaction). */
  readsAs?(statements: string[], draft: MigrationDraft): string[];
  /** False when the reader cannot tell a migration that runs outside a transaction (Kysely decides per run). */
  readsTransactional?: boolean;
  /** How a read statement is compared (default: its text). */
  readBackKey?(sql: string): string;
}

/** A statement's kind and object: knex's builder SQL differs from the draft's in spelling, not in what it does. */
const signatureOf = (sql: string) => statementSignature(sql) ?? normalised(sql);

const migrationsOf = (root: string) => path.join(root, 'migrations');

const KNEX: WriterCase = {
  tool: 'knex',
  files: {
    'package.json': JSON.stringify({ name: 'gen-knex', dependencies: { knex: '*', pg: '*' } }),
    'migrations/20240101000000_create_settings.mjs': [
      'export const up = async (knex) => {',
      '    await knex.schema.createTable("settings", (table) => {',
      '        table.text("key").primary()',
      '    })',
      '}',
      '',
      'export const down = async (knex) => {',
      '    await knex.schema.dropTable("settings")',
      '}',
      '',
    ].join('\n'),
  },
  // The schema builder says the transactional drafts: the reader reads knex's own SQL for them.
  readsAs: (statements) => statements.map(signatureOf),
  readBackKey: signatureOf,
  apply: (root, url, direction) => applyWithKnex('pg', root, url, direction),
};

async function applyWithKnex(client: string, root: string, url: string, direction: Direction): Promise<void> {
  {
    const instance = knex({
      client,
      connection: url,
      migrations: { directory: migrationsOf(root), loadExtensions: ['.js', '.mjs'] },
    });
    try {
      if (direction === 'up') await instance.migrate.latest();
      else await instance.migrate.rollback(undefined, true);
    } finally {
      await instance.destroy();
    }
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

const NODE_PG_MIGRATE: WriterCase = {
  tool: 'node-pg-migrate',
  files: {
    'package.json': JSON.stringify({ name: 'gen-npm', dependencies: { 'node-pg-migrate': '*', pg: '*' } }),
    'migrations/1700000000000_create-settings.js': [
      'exports.up = (pgm) => {',
      "\tpgm.createTable('settings', { key: { type: 'text', primaryKey: true } });",
      '};',
      '',
      'exports.down = (pgm) => {',
      "\tpgm.dropTable('settings');",
      '};',
      '',
    ].join('\n'),
  },
  async apply(root, url, direction) {
    await runner({
      databaseUrl: url,
      dir: migrationsOf(root),
      direction,
      count: Number.POSITIVE_INFINITY,
      migrationsTable: 'pgmigrations',
      singleTransaction: false,
      noLock: true,
      logger: silent,
    });
  },
};

const KYSELY: WriterCase = {
  tool: 'kysely',
  readsTransactional: false,
  files: {
    'package.json': JSON.stringify({ name: 'gen-kysely', type: 'module', dependencies: { kysely: '*', pg: '*' } }),
    'migrations/2024_01_01_000000_create_settings.ts': [
      "import type { Kysely } from 'kysely'",
      '',
      'export async function up(db: Kysely<any>): Promise<void> {',
      "  await db.schema.createTable('settings').addColumn('key', 'text', (col) => col.primaryKey()).execute()",
      '}',
      '',
      'export async function down(db: Kysely<any>): Promise<void> {',
      "  await db.schema.dropTable('settings').execute()",
      '}',
      '',
    ].join('\n'),
  },
  async apply(root, url, direction) {
    const unregister = register();
    const db = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    });
    const provider = new FileMigrationProvider({ fs, path, migrationFolder: migrationsOf(root) });
    const check = ({ error }: { error?: unknown }) => {
      if (error) throw error;
    };
    try {
      if (direction === 'up') {
        // The transactional migrations in Kysely's one transaction, then the CONCURRENTLY one on its own without.
        const names = Object.keys(await provider.getMigrations()).sort();
        check(await new Migrator({ db, provider }).migrateTo(names.at(-2) ?? NO_MIGRATIONS));
        check(await new Migrator({ db, provider, disableTransactions: true }).migrateToLatest());
      } else check(await new Migrator({ db, provider, disableTransactions: true }).migrateTo(NO_MIGRATIONS));
    } finally {
      await db.destroy();
      await unregister();
    }
  },
};

const TYPEORM: WriterCase = {
  tool: 'typeorm',
  files: {
    'package.json': JSON.stringify({ name: 'gen-typeorm', dependencies: { typeorm: '*', pg: '*' } }),
    'migrations/1700000000000-CreateSettings.ts': [
      'import { MigrationInterface, QueryRunner } from "typeorm";',
      '',
      'export class CreateSettings1700000000000 implements MigrationInterface {',
      '    name = "CreateSettings1700000000000";',
      '',
      '    public async up(queryRunner: QueryRunner): Promise<void> {',
      '        await queryRunner.query(`CREATE TABLE "settings" ("key" text PRIMARY KEY)`);',
      '    }',
      '',
      '    public async down(queryRunner: QueryRunner): Promise<void> {',
      '        await queryRunner.query(`DROP TABLE "settings"`);',
      '    }',
      '}',
      '',
    ].join('\n'),
  },
  apply: (root, url, direction) => applyWithTypeorm('postgres', root, url, direction),
};

async function applyWithTypeorm(
  type: 'postgres' | 'mariadb',
  root: string,
  url: string,
  direction: Direction,
): Promise<void> {
  {
    const directory = migrationsOf(root);
    const migrations = readdirSync(directory)
      .sort()
      .flatMap((file) => Object.values(loadWithTsx(path.join(directory, file))) as (new () => unknown)[]);
    const dataSource = new DataSource({ type, url, migrations, migrationsTransactionMode: 'each' });
    await dataSource.initialize();
    try {
      if (direction === 'up') await dataSource.runMigrations({ transaction: 'each' });
      else
        for (const migration of [...migrations].reverse()) {
          // undoLastMigration does not read the class's `transaction = false`: the run mode must say it.
          const transactional = (new migration() as { transaction?: boolean }).transaction !== false;
          await dataSource.undoLastMigration({ transaction: transactional ? 'each' : 'none' });
        }
    } finally {
      await dataSource.destroy();
    }
  }
}

interface SequelizeModule {
  up(queryInterface: unknown, sequelize: unknown): Promise<void>;
  down(queryInterface: unknown, sequelize: unknown): Promise<void>;
}

const SEQUELIZE: WriterCase = {
  tool: 'sequelize',
  files: {
    'package.json': JSON.stringify({ name: 'gen-sequelize', dependencies: { sequelize: '*', pg: '*' } }),
    'migrations/20240101000000-create-settings.js': [
      "'use strict';",
      '',
      "/** @type {import('sequelize-cli').Migration} */",
      'module.exports = {',
      '  async up (queryInterface, Sequelize) {',
      "    await queryInterface.createTable('settings', { key: { type: Sequelize.TEXT, primaryKey: true } });",
      '  },',
      '',
      '  async down (queryInterface, Sequelize) {',
      "    await queryInterface.dropTable('settings');",
      '  }',
      '};',
      '',
    ].join('\n'),
  },
  // A transactional draft opens its own transaction (sequelize-cli runs none): the reader shows its BEGIN/COMMIT
  // as statements, and the tool's own wrapping (none) as `transactional`.
  readsTransactional: false,
  readsAs: (statements, draft) => (draft.transactional ? ['BEGIN', ...statements, 'COMMIT'] : statements),
  apply: applyWithSequelize,
};

// What sequelize-cli does: each pending migration's up in file-name order; down undoes them newest first.
async function applyWithSequelize(root: string, url: string, direction: Direction): Promise<void> {
  {
    const directory = migrationsOf(root);
    const sequelize = new Sequelize(url, { logging: false });
    const modules = readdirSync(directory)
      .sort()
      .map((file) => loadWithTsx(path.join(directory, file)) as unknown as SequelizeModule);
    try {
      if (direction === 'up') for (const module of modules) await module.up(sequelize.getQueryInterface(), Sequelize);
      else for (const module of modules.reverse()) await module.down(sequelize.getQueryInterface(), Sequelize);
    } finally {
      await sequelize.close();
    }
  }
}

interface DbMigrateModule {
  setup?(options: object, seedLink: unknown): void;
  up(db: unknown): Promise<unknown>;
  down(db: unknown): Promise<unknown>;
}

interface DbMigrateDriver {
  startMigration(): Promise<unknown>;
  endMigration(): Promise<unknown>;
  close(callback?: () => void): unknown;
}

/**
 * db-migrate itself is not a dependency; its PostgreSQL driver is. This drives the driver the way db-migrate's
 * migrator does: setup, BEGIN (startMigration), up or down, COMMIT (endMigration), per migration.
 */
async function applyWithDbMigrateDriver(root: string, url: string, direction: Direction): Promise<void> {
  const { connect } = require('db-migrate-pg') as {
    connect(config: object, intern: object, callback: (error: unknown, driver: DbMigrateDriver) => void): void;
  };
  const { dataType } = require('db-migrate-shared') as { dataType: object };
  const quiet = () => undefined;
  const log = { sql: quiet, info: quiet, verbose: quiet, warn: quiet, error: quiet, silence: quiet, debug: quiet };
  const intern = { mod: { log, type: dataType }, migrationTable: 'migrations', notransactions: false, dryRun: false };
  const parsed = new URL(url);
  const config = {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    database: parsed.pathname.slice(1),
  };
  const driver = await new Promise<DbMigrateDriver>((resolve, reject) =>
    connect(config, intern, (error, created) => (error ? reject(error) : resolve(created))),
  );
  const directory = migrationsOf(root);
  const files = readdirSync(directory)
    .filter((file) => file.endsWith('.js'))
    .sort();
  try {
    for (const file of direction === 'up' ? files : files.reverse()) {
      const module = require(path.join(directory, file)) as DbMigrateModule;
      module.setup?.({ dbmigrate: { dataType } }, undefined);
      await driver.startMigration();
      await module[direction](driver);
      await driver.endMigration();
    }
  } finally {
    await new Promise<void>((resolve) => driver.close(resolve));
  }
}

const DB_MIGRATE: WriterCase = {
  tool: 'db-migrate',
  files: {
    'package.json': JSON.stringify({
      name: 'gen-db-migrate',
      dependencies: { 'db-migrate': '*', 'db-migrate-pg': '*' },
    }),
    'migrations/20240101000000-create-settings.js': [
      "'use strict';",
      '',
      'exports.up = function (db) {',
      "  return db.createTable('settings', { key: { type: 'string', primaryKey: true } });",
      '};',
      '',
      'exports.down = function (db) {',
      "  return db.dropTable('settings');",
      '};',
      '',
      'exports._meta = { version: 1 };',
      '',
    ].join('\n'),
  },
  apply: applyWithDbMigrateDriver,
};

/** MikroORM is not installed: its migrations are applied as our reader reads them (addSql in order). */
const MIKRO_ORM: WriterCase = {
  tool: 'mikro-orm',
  files: {
    'package.json': JSON.stringify({
      name: 'gen-mikro',
      dependencies: { '@mikro-orm/core': '*', '@mikro-orm/postgresql': '*', '@mikro-orm/migrations': '*' },
    }),
    'migrations/Migration20240101000000_create_settings.ts': [
      "import { Migration } from '@mikro-orm/migrations';",
      '',
      'export class Migration20240101000000 extends Migration {',
      '  override async up(): Promise<void> {',
      '    this.addSql(\'create table "settings" ("key" text primary key);\');',
      '  }',
      '',
      '  override async down(): Promise<void> {',
      '    this.addSql(\'drop table "settings";\');',
      '  }',
      '}',
      '',
    ].join('\n'),
  },
  async apply(root, url, direction) {
    const read = await readMigrations(root, { executeProjectCode: true, engine: 'postgresql' });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const ordered = direction === 'up' ? read.migrations : [...read.migrations].reverse();
      for (const migration of ordered) {
        const statements = (direction === 'up' ? migration.up : (migration.down ?? [])).map((s) => s.sql);
        if (migration.transactional) await client.query('BEGIN');
        for (const sql of statements) await client.query(sql);
        if (migration.transactional) await client.query('COMMIT');
      }
    } finally {
      await client.end();
    }
  },
};

/** MariaDB: the tools that run there, with an existing migration MariaDB accepts (no TEXT primary key). */
const KNEX_MARIADB: WriterCase = {
  tool: 'knex',
  server: 'mariadb',
  files: {
    'package.json': JSON.stringify({ name: 'gen-knex-maria', dependencies: { knex: '*', mysql2: '*' } }),
    'migrations/20240101000000_create_settings.js':
      "exports.up = function (knex) {\n  return knex.schema.createTable('settings', function (table) {\n    table.string('key', 64).primary();\n  });\n};\n\nexports.down = function (knex) {\n  return knex.schema.dropTable('settings');\n};\n",
  },
  apply: (root, url, direction) => applyWithKnex('mysql2', root, url, direction),
};

const TYPEORM_MARIADB: WriterCase = {
  ...TYPEORM,
  server: 'mariadb',
  files: {
    ...TYPEORM.files,
    'migrations/1700000000000-CreateSettings.ts': TYPEORM.files['migrations/1700000000000-CreateSettings.ts']!.replace(
      '"settings" ("key" text PRIMARY KEY)',
      'settings (name varchar(64) PRIMARY KEY)',
    ).replace('DROP TABLE "settings"', 'DROP TABLE settings'),
  },
  apply: (root, url, direction) => applyWithTypeorm('mariadb', root, url, direction),
};

const SEQUELIZE_MARIADB: WriterCase = {
  ...SEQUELIZE,
  server: 'mariadb',
  files: {
    ...SEQUELIZE.files,
    'migrations/20240101000000-create-settings.js': SEQUELIZE.files[
      'migrations/20240101000000-create-settings.js'
    ]!.replace('Sequelize.TEXT', 'Sequelize.STRING(64)'),
  },
};

/** SQLite (better-sqlite3, in-process): knex and TypeORM. */
const KNEX_SQLITE: WriterCase = {
  ...KNEX_MARIADB,
  server: 'sqlite',
  files: {
    ...KNEX_MARIADB.files,
    'package.json': JSON.stringify({ name: 'gen-knex-sqlite', dependencies: { knex: '*', 'better-sqlite3': '*' } }),
  },
  async apply(root, file, direction) {
    const instance = knex({
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
      migrations: { directory: migrationsOf(root), loadExtensions: ['.js'] },
    });
    try {
      if (direction === 'up') await instance.migrate.latest();
      else await instance.migrate.rollback(undefined, true);
    } finally {
      await instance.destroy();
    }
  },
};

const TYPEORM_SQLITE: WriterCase = {
  ...TYPEORM_MARIADB,
  server: 'sqlite',
  async apply(root, file, direction) {
    const directory = migrationsOf(root);
    const migrations = readdirSync(directory)
      .sort()
      .flatMap((name) => Object.values(loadWithTsx(path.join(directory, name))) as (new () => unknown)[]);
    const dataSource = new DataSource({ type: 'better-sqlite3', database: file, migrations });
    await dataSource.initialize();
    try {
      if (direction === 'up') await dataSource.runMigrations({ transaction: 'each' });
      else for (const _ of migrations) await dataSource.undoLastMigration({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
  },
};

const CASES = [
  KNEX,
  NODE_PG_MIGRATE,
  KYSELY,
  TYPEORM,
  SEQUELIZE,
  DB_MIGRATE,
  MIKRO_ORM,
  KNEX_MARIADB,
  TYPEORM_MARIADB,
  SEQUELIZE_MARIADB,
  KNEX_SQLITE,
  TYPEORM_SQLITE,
];

/** What a server needs from the test: its drafts, a database of the test's own, introspection, the note read back. */
interface Server {
  label: string;
  drafts: MigrationDraft[];
  engine: 'postgresql' | 'mysql' | 'sqlite';
  available(): Promise<boolean>;
  intended(name: string): Promise<Schema>;
  database(name: string): Promise<{ url: string; drop(): Promise<void> }>;
  schemaOf(url: string): Promise<Schema>;
  note(url: string): Promise<string>;
  expectedNote: string;
}

const SERVERS: Record<'postgresql' | 'mariadb' | 'sqlite', Server> = {
  sqlite: {
    label: 'SQLite',
    drafts: SQLITE_DRAFTS,
    engine: 'sqlite',
    available: async () => true,
    intended: intendedSqliteSchema,
    database: ownSqliteDatabase,
    schemaOf: sqliteSchemaOf,
    note: insertedSqliteNote,
    expectedNote: TRICKY_NOTE,
  },
  postgresql: {
    label: 'PostgreSQL',
    drafts: DRAFTS,
    engine: 'postgresql',
    available: async () => (await postgresAvailable()).available,
    intended: intendedSchema,
    database: ownDatabase,
    schemaOf,
    note: insertedNote,
    expectedNote: TRICKY_NOTE,
  },
  mariadb: {
    label: 'MariaDB',
    drafts: MYSQL_DRAFTS,
    // Read as MySQL: the projects talk to MariaDB through mysql2 (Sequelize's mariadb dialect needs another driver).
    engine: 'mysql',
    available: async () => (await mysqlAvailable()).available,
    intended: intendedMysqlSchema,
    database: ownMysqlDatabase,
    schemaOf: mysqlSchemaOf,
    note: insertedMysqlNote,
    expectedNote: MYSQL_NOTE,
  },
};

const availability = new Map<Server, Promise<boolean>>();
const intendedSchemas = new Map<Server, Promise<Schema>>();
/** Each server's availability and intended schema, found once for all the cases that use it. */
function prepared(server: Server): Promise<Schema | undefined> {
  if (!availability.has(server)) availability.set(server, server.available());
  return availability.get(server)!.then((available) => {
    if (!available) return undefined;
    if (!intendedSchemas.has(server))
      intendedSchemas.set(server, server.intended(uniqueName(`gen_js_intended_${server.engine}`)));
    return intendedSchemas.get(server);
  });
}

for (const writerCase of CASES) {
  const server = SERVERS[writerCase.server ?? 'postgresql'];
  const drafts = server.drafts;
  describe(`${writerCase.tool} writer (${server.label})`, () => {
    const project = projectWith(writerCase.files);
    let written: string[] = [];
    beforeAll(() => {
      written = writeDrafts(project.dir, writerCase.tool, drafts);
    });
    afterAll(() => project.cleanup());

    it('writes one new file per draft that our reader reads back to the draft statements', async () => {
      const read = await readMigrations(project.dir, { executeProjectCode: true, engine: server.engine });
      expect(read.errors).toEqual([]);
      const generated = read.migrations.filter((migration) => written.includes(migration.path));
      expect(generated).toHaveLength(drafts.length);
      generated.forEach((migration, index) => {
        const draft = drafts[index]!;
        const expected = (statements: string[]) => writerCase.readsAs?.(statements, draft) ?? statements;
        const key = writerCase.readBackKey ?? normalised;
        // knex adds a table's foreign key with its own ALTER TABLE where the draft declares it in CREATE TABLE.
        const actual = (statements: string[]) =>
          statements.map((sql) => key(normalised(sql))).filter((sql) => !/^constraint \S+_fkey$/.test(sql));
        expect(actual(migration.up.map((statement) => statement.sql))).toEqual(expected(draft.up));
        expect(actual((migration.down ?? []).map((statement) => statement.sql))).toEqual(expected(draft.down));
        if (writerCase.readsTransactional !== false) expect(migration.transactional).toBe(draft.transactional);
      });
    });

    if (writerCase.tool === 'knex' && server.engine === 'postgresql')
      it('says the transactional drafts with the schema builder and the CONCURRENTLY one with knex.raw', () => {
        const text = (index: number) => readFileSync(path.join(project.dir, written[index]!), 'utf8');
        expect(text(0)).toMatch(/await knex\.schema\.createTable\("orders", \(table\) => \{/);
        expect(text(0)).toMatch(
          /\.references\("id"\)\.inTable\("customers"\)\.withKeyName\("orders_customer_id_fkey"\)/,
        );
        expect(text(0)).toMatch(/await knex\.schema\.dropTableIfExists\("customers"\)/);
        expect(text(1)).toMatch(/await knex\.raw\("SET lock_timeout = '5s'"\)\n\s+await knex\.schema\.alterTable/);
        expect(text(2)).not.toMatch(/knex\.schema/);
        expect(text(2)).toMatch(/export const config = \{ transaction: false \}/);
      });

    it(`applies with the tool on ${server.label}, rolls back to nothing, applies again to the same schema`, async () => {
      const intended = await prepared(server);
      if (!intended) return;
      const database = await server.database(uniqueName(`gen_js_${writerCase.tool.replace(/\W/g, '_')}`));
      try {
        await writerCase.apply(project.dir, database.url, 'up');
        const first = await server.schemaOf(database.url);
        // The tool's run gives the schema the drafts' SQL gives (the existing migration's table aside).
        expect({ ...first, tables: first.tables.filter((table) => table.name !== 'settings') }).toEqual(intended);
        expect(first.tables.map((table) => table.name).sort()).toEqual(['customers', 'orders', 'settings']);
        const orders = first.tables.find((table) => table.name === 'orders');
        expect(orders?.columns.map((column) => column.name)).toEqual(['id', 'customer_id', 'note', 'total_cents']);
        expect(orders?.indexes.map((index) => index.name).sort()).toEqual([
          'orders_customer_id_idx',
          'orders_note_idx',
        ]);
        expect(orders?.foreignKeys.map((key) => key.referencedTable)).toEqual(['customers']);

        await writerCase.apply(project.dir, database.url, 'down');
        expect((await server.schemaOf(database.url)).tables).toEqual([]);

        await writerCase.apply(project.dir, database.url, 'up');
        expect(await server.schemaOf(database.url)).toEqual(first);
        expect(await server.note(database.url)).toBe(server.expectedNote);
      } finally {
        await database.drop();
      }
    });
  });
}
