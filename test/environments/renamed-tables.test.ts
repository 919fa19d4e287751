import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationStatus } from '../../src/environments/status.js';
import { flywayChecksum } from '../../src/sources/formats/flyway.js';
import { engineAvailable, freshDatabase, project, type TestDatabase, type TestEngine } from './databases.js';

/**
 * A bookkeeping table the project renamed (or moved to another schema) is where status reads: node-pg-migrate and
 * Drizzle write it themselves here; Flyway and golang-migrate (which cannot run here) get the table they create,
 * under the configured name. A configured table that is absent is said so, never read as "nothing applied".
 */

const NONE = { applied: 0, pending: 0, unknown: 0, failed: 0, checksumMismatches: 0, outOfOrder: 0 };
const fixture = (name: string) => path.join(import.meta.dirname, '../fixtures', name);

/** Flyway's createMetaDataTable.sql columns (see bookkeeping-tables.test.ts), under another name. */
function flywayTable(engine: TestEngine, name: string): string {
  const timestamp =
    engine === 'sqlite'
      ? "TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now'))"
      : 'TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP';
  return `CREATE TABLE ${name} (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on ${timestamp}, execution_time INT NOT NULL, success BOOLEAN NOT NULL)`;
}

function flywayRow(root: string, table: string, rank: number, version: string, script: string): string {
  const checksum = flywayChecksum(readFileSync(path.join(root, 'sql', script), 'utf8'));
  return `INSERT INTO ${table} (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES (${rank}, '${version}', 'x', 'SQL', '${script}', ${checksum}, 'ci', 1, true)`;
}

describe.each(['postgresql', 'mysql', 'sqlite'] as TestEngine[])('renamed bookkeeping tables on %s', (engine) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it("Flyway: flyway.conf's flyway.table", async () => {
    if (!(await engineAvailable(engine))) return;
    const root = project({ 'flyway.conf': 'flyway.locations=filesystem:sql\nflyway.table=schema_history\n' });
    cpSync(fixture('sources-flyway'), root, { recursive: true });
    db = await freshDatabase(engine, root);
    await db.exec(flywayTable(engine, 'schema_history'));
    await db.exec(flywayRow(root, 'schema_history', 1, '1', 'V1__create_customer.sql'));
    await db.exec(flywayRow(root, 'schema_history', 2, '1.1', 'V1.1__add_email.sql'));
    const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(status?.error).toBeUndefined();
    expect(status?.table).toBe(engine === 'postgresql' ? 'public.schema_history' : 'schema_history');
    expect(status?.counts).toEqual({ ...NONE, applied: 2, pending: 4 });
    expect(status?.pending).toEqual([
      'sql/V1.2__add_phone.sql',
      'sql/V1.10__email_index.sql',
      'sql/R__active_customers.sql',
      'sql/R__customer_names.sql',
    ]);
    expect(status?.notes).toEqual([]);
  });

  it('golang-migrate: x-migrations-table in the Makefile, with its dirty flag', async () => {
    if (!(await engineAvailable(engine))) return;
    const root = project({
      Makefile: 'up:\n\tmigrate -path migrations -database "$(DATABASE_URL)?x-migrations-table=gm_versions" up\n',
    });
    cpSync(fixture('sources-golang-migrate'), root, { recursive: true });
    db = await freshDatabase(engine, root);
    // golang-migrate database/{postgres,mysql,sqlite3}: ensureVersionTable.
    await db.exec('CREATE TABLE gm_versions (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)');
    await db.exec('INSERT INTO gm_versions (version, dirty) VALUES (2, true)');
    const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(status?.table).toBe(engine === 'postgresql' ? 'public.gm_versions' : 'gm_versions');
    expect(status?.counts).toEqual({ ...NONE, applied: 1, pending: 1, failed: 1 });
    expect(status?.failed).toEqual(['migrations/2_create_orders.up.sql']);
    expect(status?.pending).toEqual(['migrations/10_add_name.up.sql']);
  });

  it.skipIf(engine === 'sqlite')("golang-migrate: x-migrations-table in the environment's own URL", async () => {
    if (!(await engineAvailable(engine))) return;
    const root = project({ Makefile: 'up:\n\tmigrate -path migrations -database "$(DATABASE_URL)" up\n' });
    cpSync(fixture('sources-golang-migrate'), root, { recursive: true });
    db = await freshDatabase(engine, root);
    await db.exec('CREATE TABLE url_versions (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)');
    await db.exec('INSERT INTO url_versions (version, dirty) VALUES (1, false)');
    const url = `${db.url}?x-migrations-table=url_versions`;
    const [status] = (await migrationStatus({ root, url, drift: false })).environments;
    expect(status?.error).toBeUndefined();
    expect(status?.table).toBe(engine === 'postgresql' ? 'public.url_versions' : 'url_versions');
    expect(status?.counts).toEqual({ ...NONE, applied: 1, pending: 2 });
  });

  it("the environment's bookkeepingTable wins over the project's configuration", async () => {
    if (!(await engineAvailable(engine))) return;
    const root = project({
      Makefile: 'up:\n\tmigrate -path migrations -database "$(DATABASE_URL)?x-migrations-table=gm_versions" up\n',
      'db-migration-agent.config.json': JSON.stringify({
        environments: { staging: { url: 'env:RENAMED_STAGING_URL', bookkeepingTable: 'staging_versions' } },
      }),
    });
    cpSync(fixture('sources-golang-migrate'), root, { recursive: true });
    db = await freshDatabase(engine, root);
    await db.exec('CREATE TABLE staging_versions (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)');
    await db.exec('INSERT INTO staging_versions (version, dirty) VALUES (10, false)');
    const result = await migrationStatus({ root, drift: false, env: { RENAMED_STAGING_URL: db.url } });
    const [status] = result.environments;
    expect(status?.environment).toBe('staging');
    expect(status?.table).toBe(engine === 'postgresql' ? 'public.staging_versions' : 'staging_versions');
    expect(status?.counts).toEqual({ ...NONE, applied: 3 });
  });

  it('a renamed table that is not there is said so, not read as "nothing applied"', async () => {
    if (!(await engineAvailable(engine))) return;
    const root = project({ 'flyway.conf': 'flyway.locations=filesystem:sql\nflyway.table=schema_history\n' });
    cpSync(fixture('sources-flyway'), root, { recursive: true });
    db = await freshDatabase(engine, root);
    await db.exec(flywayTable(engine, 'flyway_schema_history'));
    const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    const place = {
      postgresql: 'in the schemas of the search path',
      mysql: 'in the database of the URL',
      sqlite: 'in the SQLite file',
    }[engine];
    expect(status?.table).toBeNull();
    expect(status?.counts).toEqual({ ...NONE, pending: 6 });
    expect(status?.notes).toEqual([
      `No bookkeeping table schema_history found (looked for schema_history ${place}, as flyway.conf:2 (flyway.table) names it): every migration counts as pending. Check that name, or set an environment's "bookkeepingTable" in db-migration-agent.config.json.`,
    ]);
  });
});

describe('renamed bookkeeping tables in another PostgreSQL schema', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('node-pg-migrate: the runner wrote meta.pgm_history as the script flags say; drift leaves it out', async () => {
    if (!(await engineAvailable('postgresql'))) return;
    const migration = (table: string) =>
      `-- Up Migration\nCREATE TABLE ${table} (id serial PRIMARY KEY);\n-- Down Migration\nDROP TABLE ${table};\n`;
    const root = project({
      'package.json': JSON.stringify({
        name: 'npm-app',
        scripts: { migrate: 'node-pg-migrate up --migrations-table pgm_history --migrations-schema meta' },
        dependencies: { 'node-pg-migrate': '^9.0.0', pg: '^8.0.0' },
      }),
      'migrations/1700000000000_create-accounts.sql': migration('accounts'),
      'migrations/1700000000001_create-orders.sql': migration('orders'),
    });
    db = await freshDatabase('postgresql', root);
    const { runner } = await import('node-pg-migrate');
    await runner({
      databaseUrl: db.url,
      dir: path.join(root, 'migrations'),
      direction: 'up',
      count: 1,
      migrationsTable: 'pgm_history',
      migrationsSchema: 'meta',
      createMigrationsSchema: true,
      log: () => undefined,
    });
    const [status] = (await migrationStatus({ root, url: db.url })).environments;
    expect(status?.table).toBe('meta.pgm_history');
    expect(status?.counts).toEqual({ ...NONE, applied: 1, pending: 1 });
    expect(status?.pending).toEqual(['migrations/1700000000001_create-orders.sql']);
    expect(status?.notes).toEqual([]);
    expect(status?.drift?.first).toEqual([]);
  });

  it("Drizzle: drizzle-orm's migrator wrote meta.drizzle_log as drizzle.config's migrations block says", async () => {
    if (!(await engineAvailable('postgresql'))) return;
    const root = project({
      'drizzle.config.ts':
        "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({\n  dialect: 'postgresql',\n  out: './drizzle',\n  migrations: { table: 'drizzle_log', schema: 'meta' },\n});\n",
    });
    cpSync(path.join(fixture('sources-drizzle'), 'drizzle'), path.join(root, 'drizzle'), { recursive: true });
    db = await freshDatabase('postgresql', root);
    await runDrizzle(db.url, path.join(root, 'drizzle'), { migrationsTable: 'drizzle_log', migrationsSchema: 'meta' });
    writeFileSync(path.join(root, 'drizzle/0001_brave_posts.sql'), 'CREATE TABLE posts (id serial PRIMARY KEY);\n', {
      flag: 'a',
    });
    const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(status?.table).toBe('meta.drizzle_log');
    expect(status?.counts).toEqual({ ...NONE, applied: 3, checksumMismatches: 1 });
    expect(status?.checksumMismatches).toEqual(['drizzle/0001_brave_posts.sql']);
  });

  it('Drizzle: a migrations table drizzle.config computes is reported with the default it assumed', async () => {
    if (!(await engineAvailable('postgresql'))) return;
    const root = project({
      'drizzle.config.ts':
        "export default {\n  dialect: 'postgresql',\n  out: './drizzle',\n  migrations: { table: process.env.MIGRATIONS_TABLE },\n};\n",
    });
    cpSync(path.join(fixture('sources-drizzle'), 'drizzle'), path.join(root, 'drizzle'), { recursive: true });
    db = await freshDatabase('postgresql', root);
    await runDrizzle(db.url, path.join(root, 'drizzle'), {});
    const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(status?.table).toBe('drizzle.__drizzle_migrations');
    expect(status?.counts).toEqual({ ...NONE, applied: 3 });
    expect(status?.notes).toEqual([
      'drizzle.config.ts:4 sets migrations.table from code (process.env.MIGRATIONS_TABLE): assumed __drizzle_migrations; if it is another table, give the table as "bookkeepingTable": "schema.table" of the environment in db-migration-agent.config.json.',
    ]);
  });

  it("Flyway: flyway.conf's defaultSchema is where its table is looked for", async () => {
    if (!(await engineAvailable('postgresql'))) return;
    const root = project({ 'flyway.conf': 'flyway.defaultSchema=app\nflyway.locations=filesystem:sql\n' });
    cpSync(fixture('sources-flyway'), root, { recursive: true });
    db = await freshDatabase('postgresql', root);
    await db.exec('CREATE SCHEMA app');
    await db.exec(flywayTable('postgresql', 'app.flyway_schema_history'));
    await db.exec(flywayRow(root, 'app.flyway_schema_history', 1, '1', 'V1__create_customer.sql'));
    // The same table in public (another application's) is not read.
    await db.exec(flywayTable('postgresql', 'public.flyway_schema_history'));
    const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(status?.table).toBe('app.flyway_schema_history');
    expect(status?.counts).toEqual({ ...NONE, applied: 1, pending: 5 });
  });
});

async function runDrizzle(url: string, folder: string, names: { migrationsTable?: string; migrationsSchema?: string }) {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder: folder, ...names });
  } finally {
    await client.end();
  }
}
