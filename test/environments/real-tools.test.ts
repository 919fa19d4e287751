import { writeFileSync } from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationStatus } from '../../src/environments/status.js';
import { MYSQL_URL } from '../helpers/databases.js';
import { engineAvailable, freshDatabase, project, type TestDatabase, type TestEngine } from './databases.js';

/**
 * The bookkeeping written by the migration tools themselves: each tool runs the project's migrations against a
 * fresh database, then migration_status reads what it recorded.
 */

const KNEX_CLIENT: Record<TestEngine, string> = { postgresql: 'pg', mysql: 'mysql2', sqlite: 'better-sqlite3' };

const KNEX_MIGRATIONS = {
  'migrations/001_accounts.js':
    "exports.up = (knex) => knex.schema.createTable('accounts', (t) => { t.increments('id'); t.string('email', 100).notNullable(); });\nexports.down = (knex) => knex.schema.dropTable('accounts');\n",
  'migrations/002_orders.js':
    "exports.up = (knex) => knex.schema.createTable('orders', (t) => { t.increments('id'); t.integer('account_id').notNullable(); });\nexports.down = (knex) => knex.schema.dropTable('orders');\n",
};

describe.each(['postgresql', 'mysql', 'sqlite'] as TestEngine[])('tools that ran on %s', (engine) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('knex: what knex migrate:latest recorded is applied, a new file is pending, the schema has no drift', async () => {
    if (!(await engineAvailable(engine))) return;
    const root = project({
      ...KNEX_MIGRATIONS,
      'knexfile.js': `module.exports = { client: '${KNEX_CLIENT[engine]}', useNullAsDefault: true, migrations: { directory: './migrations' } };\n`,
      'package.json': JSON.stringify({ name: 'knex-app', dependencies: { knex: '^3.0.0' } }),
    });
    db = await freshDatabase(engine, root);
    const connection = engine === 'sqlite' ? { filename: path.join(root, db.url.replace(/^sqlite:/, '')) } : db.url;
    const knex = knexFactory({
      client: KNEX_CLIENT[engine],
      connection,
      useNullAsDefault: true,
      migrations: { directory: path.join(root, 'migrations') },
    });
    try {
      await knex.migrate.latest();
    } finally {
      await knex.destroy();
    }
    writeFileSync(
      path.join(root, 'migrations/003_items.js'),
      "exports.up = (knex) => knex.schema.createTable('items', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('items');\n",
    );
    const result = await migrationStatus({
      root,
      url: db.url,
      executeProjectCode: true,
      ...(engine === 'mysql' ? { shadowUrl: MYSQL_URL } : {}),
    });
    const [status] = result.environments;
    expect(result.tool).toBe('knex');
    expect(status?.error).toBeUndefined();
    expect(status?.counts).toEqual({
      applied: 2,
      pending: 1,
      unknown: 0,
      failed: 0,
      checksumMismatches: 0,
      outOfOrder: 0,
    });
    expect(status?.pending).toEqual(['migrations/003_items.js']);
    expect(status?.drift).toEqual({ operations: 0, summary: { safe: 0, careful: 0, dangerous: 0 }, first: [] });
  });
});

describe.each(['postgresql', 'mysql', 'sqlite'] as TestEngine[])('ORMs that ran on %s', (engine) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  const counts = (applied: number, pending: number) => ({
    applied,
    pending,
    unknown: 0,
    failed: 0,
    checksumMismatches: 0,
    outOfOrder: 0,
  });

  it("TypeORM: the rows DataSource.runMigrations() wrote in its 'migrations' table", async () => {
    if (!(await engineAvailable(engine))) return;
    const migration = (timestamp: number, name: string, table: string) =>
      `module.exports.${name}${timestamp} = class ${name}${timestamp} {\n  async up(queryRunner) { await queryRunner.query('CREATE TABLE ${table} (id integer PRIMARY KEY)'); }\n  async down(queryRunner) { await queryRunner.query('DROP TABLE ${table}'); }\n};\n`;
    const root = project({
      'package.json': JSON.stringify({ name: 'typeorm-app', dependencies: { typeorm: '^0.3.0' } }),
      'src/migrations/1700000000000-CreateAccounts.js': migration(1700000000000, 'CreateAccounts', 'accounts'),
      'src/migrations/1700000000001-CreateOrders.js': migration(1700000000001, 'CreateOrders', 'orders'),
    });
    db = await freshDatabase(engine, root);
    await runTypeormMigration(engine, root, db.url);
    const result = await migrationStatus({ root, url: db.url, drift: false });
    expect(result.tool).toBe('typeorm');
    expect(result.environments[0]?.counts).toEqual(counts(1, 1));
    expect(result.environments[0]?.pending).toEqual(['src/migrations/1700000000001-CreateOrders.js']);
  });

  // Sequelize reaches SQLite only through the sqlite3 package, which this project does not install.
  it.runIf(engine !== 'sqlite')(
    'Sequelize: SequelizeMeta as umzug’s SequelizeStorage defines it, synced by Sequelize itself',
    async () => {
      if (!(await engineAvailable(engine))) return;
      const migration = (table: string) =>
        `module.exports = {\n  async up(queryInterface, Sequelize) { await queryInterface.createTable('${table}', { id: { type: Sequelize.INTEGER, primaryKey: true } }); },\n  async down(queryInterface) { await queryInterface.dropTable('${table}'); },\n};\n`;
      const root = project({
        '.sequelizerc': "module.exports = { 'migrations-path': 'migrations' };\n",
        'package.json': JSON.stringify({ name: 'sequelize-app', dependencies: { sequelize: '^6.0.0' } }),
        'migrations/20240101000000-create-accounts.js': migration('accounts'),
        'migrations/20240102000000-create-orders.js': migration('orders'),
      });
      db = await freshDatabase(engine, root);
      const { DataTypes, Sequelize } = await import('sequelize');
      const sequelize = new Sequelize(db.url, { logging: false });
      try {
        // umzug/src/storage/sequelize.ts: the model sequelize-cli's migrations are recorded in.
        const meta = sequelize.define(
          'SequelizeMeta',
          { name: { type: DataTypes.STRING, allowNull: false, unique: true, primaryKey: true, autoIncrement: false } },
          { tableName: 'SequelizeMeta', timestamps: false, charset: 'utf8', collate: 'utf8_unicode_ci' },
        );
        await meta.sync();
        const { createRequire } = await import('node:module');
        const load = createRequire(path.join(root, 'package.json'));
        const first = load('./migrations/20240101000000-create-accounts.js') as {
          up(queryInterface: unknown, types: unknown): Promise<void>;
        };
        await first.up(sequelize.getQueryInterface(), Sequelize);
        await meta.create({ name: '20240101000000-create-accounts.js' });
      } finally {
        await sequelize.close();
      }
      const result = await migrationStatus({ root, url: db.url, drift: false });
      expect(result.tool).toBe('sequelize');
      expect(result.environments[0]?.counts).toEqual(counts(1, 1));
      expect(result.environments[0]?.pending).toEqual(['migrations/20240102000000-create-orders.js']);
    },
  );
});

describe('PostgreSQL-only tools that ran', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it("node-pg-migrate: the runner's pgmigrations rows", async () => {
    if (!(await engineAvailable('postgresql'))) return;
    const migration = (table: string) =>
      `exports.up = (pgm) => { pgm.createTable('${table}', { id: 'id' }); };\nexports.down = (pgm) => { pgm.dropTable('${table}'); };\n`;
    const root = project({
      'package.json': JSON.stringify({ name: 'npm-app', dependencies: { 'node-pg-migrate': '^9.0.0', pg: '^8.0.0' } }),
      'migrations/1700000000000_create-accounts.js': migration('accounts'),
      'migrations/1700000000001_create-orders.js': migration('orders'),
    });
    db = await freshDatabase('postgresql', root);
    const { runner } = await import('node-pg-migrate');
    await runner({
      databaseUrl: db.url,
      dir: path.join(root, 'migrations'),
      direction: 'up',
      count: 1,
      migrationsTable: 'pgmigrations',
      log: () => undefined,
    });
    const result = await migrationStatus({ root, url: db.url, drift: false });
    expect(result.tool).toBe('node-pg-migrate');
    expect(result.environments[0]?.table).toBe('public.pgmigrations');
    expect(result.environments[0]?.counts).toMatchObject({ applied: 1, pending: 1, unknown: 0 });
    expect(result.environments[0]?.pending).toEqual(['migrations/1700000000001_create-orders.js']);
  });

  it("Kysely: the Migrator's kysely_migration rows, read through FileMigrationProvider", async () => {
    if (!(await engineAvailable('postgresql'))) return;
    const migration = (table: string) =>
      `/** @param {import('kysely').Kysely<any>} db */\nexport async function up(db) { await db.schema.createTable('${table}').addColumn('id', 'integer', (c) => c.primaryKey()).execute(); }\nexport async function down(db) { await db.schema.dropTable('${table}').execute(); }\n`;
    const root = project({
      'package.json': JSON.stringify({
        name: 'kysely-app',
        type: 'module',
        dependencies: { kysely: '^0.28.0', pg: '^8.0.0' },
      }),
      'src/db/migrations/2024_01_01_accounts.js': migration('accounts'),
      'src/db/migrations/2024_01_02_orders.js': migration('orders'),
    });
    db = await freshDatabase('postgresql', root);
    const { FileMigrationProvider, Kysely, Migrator, PostgresDialect } = await import('kysely');
    const { default: pg } = await import('pg');
    const { promises: fs } = await import('node:fs');
    const kysely = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: db.url }) }) });
    try {
      const migrator = new Migrator({
        db: kysely,
        provider: new FileMigrationProvider({ fs, path, migrationFolder: path.join(root, 'src/db/migrations') }),
      });
      const { error } = await migrator.migrateTo('2024_01_01_accounts');
      expect(error).toBeUndefined();
    } finally {
      await kysely.destroy();
    }
    const result = await migrationStatus({ root, url: db.url, drift: false });
    expect(result.tool).toBe('kysely');
    expect(result.environments[0]?.counts).toMatchObject({ applied: 1, pending: 1, unknown: 0 });
    expect(result.environments[0]?.pending).toEqual(['src/db/migrations/2024_01_02_orders.js']);
  });
});

describe('a bookkeeping table renamed in the project configuration', () => {
  it("knex: the knexfile's migrations.tableName is where status reads, and drift leaves it and its _lock out", async () => {
    const root = project({
      ...KNEX_MIGRATIONS,
      'knexfile.js':
        "module.exports = { client: 'better-sqlite3', useNullAsDefault: true, migrations: { directory: './migrations', tableName: 'schema_history' } };\n",
      'package.json': JSON.stringify({ name: 'knex-app', dependencies: { knex: '^3.0.0' } }),
    });
    const db = await freshDatabase('sqlite', root);
    try {
      const knex = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: path.join(root, db.url.replace(/^sqlite:/, '')) },
        useNullAsDefault: true,
        migrations: { directory: path.join(root, 'migrations'), tableName: 'schema_history' },
      });
      try {
        await knex.migrate.latest();
      } finally {
        await knex.destroy();
      }
      const result = await migrationStatus({ root, url: db.url, executeProjectCode: true });
      const [status] = result.environments;
      expect(status?.table).toBe('schema_history');
      expect(status?.counts).toMatchObject({ applied: 2, pending: 0, unknown: 0 });
      expect(status?.drift?.operations).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it("TypeORM: the data source's migrationsTableName", async () => {
    const migration =
      "module.exports.CreateAccounts1700000000000 = class CreateAccounts1700000000000 {\n  async up(q) { await q.query('CREATE TABLE accounts (id integer PRIMARY KEY)'); }\n  async down(q) { await q.query('DROP TABLE accounts'); }\n};\n";
    const root = project({
      'package.json': JSON.stringify({ name: 'typeorm-app', dependencies: { typeorm: '^0.3.0' } }),
      'src/data-source.js':
        "module.exports = { type: 'better-sqlite3', database: 'app.db', migrationsTableName: 'typeorm_history' };\n",
      'src/migrations/1700000000000-CreateAccounts.js': migration,
    });
    const db = await freshDatabase('sqlite', root);
    try {
      await runTypeormMigration('sqlite', root, db.url, { migrationsTableName: 'typeorm_history' });
      const result = await migrationStatus({ root, url: db.url, drift: false });
      expect(result.environments[0]?.table).toBe('typeorm_history');
      expect(result.environments[0]?.counts).toMatchObject({ applied: 1, pending: 0, unknown: 0 });
    } finally {
      await db.drop();
    }
  });
});

/** TypeORM's DataSource.runMigrations() with the project's first migration class, as the application would run it. */
async function runTypeormMigration(engine: TestEngine, root: string, url: string, extra: object = {}): Promise<void> {
  const { DataSource } = await import('typeorm');
  const { createRequire } = await import('node:module');
  const load = createRequire(path.join(root, 'package.json'));
  const first = Object.values(load('./src/migrations/1700000000000-CreateAccounts.js'))[0] as new () => object;
  const options =
    engine === 'sqlite'
      ? { type: 'better-sqlite3' as const, database: path.join(root, url.replace(/^sqlite:/, '')) }
      : { type: engine === 'postgresql' ? ('postgres' as const) : ('mysql' as const), url };
  const source = new DataSource({ ...options, ...extra, migrations: [first] } as never);
  await source.initialize();
  try {
    await source.runMigrations();
  } finally {
    await source.destroy();
  }
}
