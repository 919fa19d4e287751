import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationStatus, type StatusOptions } from '../../src/environments/status.js';
import { sha256Hex } from '../../src/sources/bookkeeping.js';
import { MYSQL_URL } from '../helpers/databases.js';
import { engineAvailable, freshDatabase, project, type TestDatabase, type TestEngine } from './databases.js';

/**
 * migration_status on real servers: the bookkeeping tables are created with the DDL each tool itself runs (cited
 * per case) and filled as the tool would; the status, a pending migration, an edited one, a dirty one, an
 * out-of-order one and a hand-made drift are each checked exactly.
 */

const ENGINES: TestEngine[] = ['postgresql', 'mysql', 'sqlite'];

const DBMATE = {
  'db/migrations/20240101000000_accounts.sql':
    '-- migrate:up\nCREATE TABLE accounts (id integer PRIMARY KEY, email varchar(100) NOT NULL);\n\n-- migrate:down\nDROP TABLE accounts;\n',
  'db/migrations/20240102000000_orders.sql':
    '-- migrate:up\nCREATE TABLE orders (id integer PRIMARY KEY, account_id integer NOT NULL);\n\n-- migrate:down\nDROP TABLE orders;\n',
  'db/migrations/20240103000000_orders_index.sql':
    '-- migrate:up\nCREATE INDEX orders_account ON orders (account_id);\n\n-- migrate:down\nDROP INDEX orders_account;\n',
};

const GOLANG = {
  'migrations/1_accounts.up.sql': 'CREATE TABLE accounts (id integer PRIMARY KEY);\n',
  'migrations/1_accounts.down.sql': 'DROP TABLE accounts;\n',
  'migrations/2_orders.up.sql': 'CREATE TABLE orders (id integer PRIMARY KEY);\n',
  'migrations/2_orders.down.sql': 'DROP TABLE orders;\n',
  'migrations/3_items.up.sql': 'CREATE TABLE items (id integer PRIMARY KEY);\n',
  'migrations/3_items.down.sql': 'DROP TABLE items;\n',
};

/** golang-migrate database/postgres, database/mysql and database/sqlite3: ensureVersionTable. */
const GOLANG_TABLE: Record<TestEngine, string> = {
  postgresql:
    'CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)',
  mysql: 'CREATE TABLE IF NOT EXISTS `schema_migrations` (version bigint not null primary key, dirty boolean not null)',
  sqlite:
    'CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool); CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);',
};

/** prisma-engines sql-schema-connector flavour/{postgres,mysql,sqlite}.rs: create_migrations_table. */
const PRISMA_TABLE: Record<TestEngine, string> = {
  postgresql: `CREATE TABLE _prisma_migrations (
    id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
    migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`,
  mysql: `CREATE TABLE _prisma_migrations (
    id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at DATETIME(3) NULL,
    migration_name VARCHAR(255) NOT NULL, logs TEXT NULL, rolled_back_at DATETIME(3) NULL,
    started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), applied_steps_count INTEGER UNSIGNED NOT NULL DEFAULT 0
  ) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  sqlite: `CREATE TABLE "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
    "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
};

const NO_DIFFERENCE = { applied: 0, pending: 0, unknown: 0, failed: 0, checksumMismatches: 0, outOfOrder: 0 };

describe.each(ENGINES)('migration_status on %s', (engine) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  async function setUp(files: Record<string, string>): Promise<{ root: string; db: TestDatabase } | undefined> {
    if (!(await engineAvailable(engine))) return undefined;
    const root = project(files);
    db = await freshDatabase(engine, root);
    return { root, db };
  }

  const status = async (root: string, url: string, options: Partial<StatusOptions> = {}) => {
    const result = await migrationStatus({
      root,
      url,
      ...(engine === 'mysql' ? { shadowUrl: MYSQL_URL } : {}),
      ...options,
    });
    const [environment] = result.environments;
    if (!environment) throw new Error('no environment');
    return environment;
  };

  it('dbmate: applied and pending from schema_migrations, no drift, then a hand-made column is drift', async () => {
    const ready = await setUp(DBMATE);
    if (!ready) return;
    // dbmate pkg/driver/{postgres,mysql,sqlite}/…go CreateMigrationsTable: version varchar(128) primary key.
    await ready.db.exec('CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)');
    await ready.db.exec('CREATE TABLE accounts (id integer PRIMARY KEY, email varchar(100) NOT NULL)');
    await ready.db.exec('CREATE TABLE orders (id integer PRIMARY KEY, account_id integer NOT NULL)');
    await ready.db.exec("INSERT INTO schema_migrations (version) VALUES ('20240101000000'), ('20240102000000')");

    const clean = await status(ready.root, ready.db.url);
    expect(clean.error).toBeUndefined();
    expect(clean.counts).toEqual({ ...NO_DIFFERENCE, applied: 2, pending: 1 });
    expect(clean.pending).toEqual(['db/migrations/20240103000000_orders_index.sql']);
    expect(clean.drift).toEqual({ operations: 0, summary: { safe: 0, careful: 0, dangerous: 0 }, first: [] });

    await ready.db.exec('ALTER TABLE accounts ADD COLUMN nickname varchar(50)');
    await ready.db.exec("INSERT INTO schema_migrations (version) VALUES ('20231201000000')");
    const drifted = await status(ready.root, ready.db.url);
    expect(drifted.unknown).toEqual(['20231201000000']);
    expect(drifted.drift?.operations).toBe(1);
    expect(drifted.drift?.first).toEqual([{ kind: 'add-column', object: 'accounts.nickname', safety: 'safe' }]);
  });

  it('dbmate: a pending migration older than an applied one is out of order', async () => {
    const ready = await setUp(DBMATE);
    if (!ready) return;
    await ready.db.exec('CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)');
    await ready.db.exec("INSERT INTO schema_migrations (version) VALUES ('20240101000000'), ('20240103000000')");
    const result = await status(ready.root, ready.db.url, { drift: false });
    expect(result.counts).toEqual({ ...NO_DIFFERENCE, applied: 2, pending: 1, outOfOrder: 1 });
    expect(result.outOfOrder).toEqual(['db/migrations/20240102000000_orders.sql']);
    expect(result.drift).toBeUndefined();
  });

  it('golang-migrate: the dirty version is failed, the ones below it applied', async () => {
    const ready = await setUp(GOLANG);
    if (!ready) return;
    await ready.db.exec(GOLANG_TABLE[engine]);
    await ready.db.exec('INSERT INTO schema_migrations (version, dirty) VALUES (2, true)');
    const result = await status(ready.root, ready.db.url, { drift: false });
    expect(result.table).toMatch(/schema_migrations$/);
    expect(result.counts).toEqual({ ...NO_DIFFERENCE, applied: 1, pending: 1, failed: 1 });
    expect(result.failed).toEqual(['migrations/2_orders.up.sql']);
    expect(result.pending).toEqual(['migrations/3_items.up.sql']);
  });

  it('Prisma: checksums of edited migration.sql files, failed and rolled-back rows', async () => {
    const fixture = path.join(import.meta.dirname, '../fixtures/sources-prisma/prisma');
    const files: Record<string, string> = {};
    for (const file of [
      'schema.prisma',
      'migrations/migration_lock.toml',
      'migrations/20240101000000_init/migration.sql',
      'migrations/20240102000000_add_posts/migration.sql',
      'migrations/20240103000000_post_index/migration.sql',
    ])
      files[`prisma/${file}`] = readFileSync(path.join(fixture, file), 'utf8');
    const ready = await setUp(files);
    if (!ready) return;
    await ready.db.exec(PRISMA_TABLE[engine]);
    const checksum = (name: string) => sha256Hex(files[`prisma/migrations/${name}/migration.sql`] ?? '');
    const now = engine === 'postgresql' ? 'now()' : 'CURRENT_TIMESTAMP';
    const row = (id: string, name: string, finished: boolean, rolledBack = false) =>
      `('${id}', '${checksum(name)}', ${finished ? now : 'NULL'}, '${name}', ${rolledBack ? now : 'NULL'})`;
    await ready.db.exec(
      `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, rolled_back_at) VALUES ${[
        row('a', '20240101000000_init', true),
        row('b', '20240102000000_add_posts', true),
        row('c', '20240103000000_post_index', false),
        row('d', '20231201000000_abandoned', false, true),
      ].join(', ')}`,
    );
    appendFileSync(path.join(ready.root, 'prisma/migrations/20240102000000_add_posts/migration.sql'), '-- edited\n');
    const result = await status(ready.root, ready.db.url, { drift: false });
    expect(result.counts).toEqual({ ...NO_DIFFERENCE, applied: 2, failed: 1, checksumMismatches: 1 });
    expect(result.checksumMismatches).toEqual(['prisma/migrations/20240102000000_add_posts/migration.sql']);
    expect(result.failed).toEqual(['prisma/migrations/20240103000000_post_index/migration.sql']);
  });

  it('a database where the tool never ran: everything pending, a note says so', async () => {
    const ready = await setUp(DBMATE);
    if (!ready) return;
    const result = await status(ready.root, ready.db.url, { drift: false });
    expect(result.table).toBeNull();
    expect(result.counts).toEqual({ ...NO_DIFFERENCE, pending: 3 });
    const place = {
      postgresql: 'in the schemas of the search path',
      mysql: 'in the database of the URL',
      sqlite: 'in the SQLite file',
    }[engine];
    expect(result.notes).toEqual([
      `No schema_migrations table (looked ${place}): dbmate has not applied anything here (renamed? set the environment's "bookkeepingTable").`,
    ]);
  });
});

describe('several environments in one call', () => {
  it('dev is up to date, staging is behind and was changed by hand: each reported on its own', async () => {
    if (!(await engineAvailable('postgresql'))) return;
    const root = project({
      ...DBMATE,
      'db-migration-agent.config.json': JSON.stringify({
        environments: { dev: { url: 'env:DMA_DEV_URL' }, staging: { url: 'env:DMA_STAGING_URL' } },
      }),
    });
    const dev = await freshDatabase('postgresql', root);
    const staging = await freshDatabase('postgresql', root);
    try {
      for (const db of [dev, staging]) {
        await db.exec('CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)');
        await db.exec('CREATE TABLE accounts (id integer PRIMARY KEY, email varchar(100) NOT NULL)');
        await db.exec("INSERT INTO schema_migrations VALUES ('20240101000000')");
      }
      await dev.exec('CREATE TABLE orders (id integer PRIMARY KEY, account_id integer NOT NULL)');
      await dev.exec('CREATE INDEX orders_account ON orders (account_id)');
      await dev.exec("INSERT INTO schema_migrations VALUES ('20240102000000'), ('20240103000000')");
      await staging.exec('DROP TABLE accounts');
      await staging.exec('CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(100) NOT NULL)');
      const result = await migrationStatus({
        root,
        env: { DMA_DEV_URL: dev.url, DMA_STAGING_URL: staging.url },
      });
      expect(
        result.environments.map((environment) => ({
          name: environment.environment,
          applied: environment.counts.applied,
          pending: environment.counts.pending,
          drift: environment.drift?.first,
        })),
      ).toEqual([
        { name: 'dev', applied: 3, pending: 0, drift: [] },
        {
          name: 'staging',
          applied: 1,
          pending: 2,
          drift: [{ kind: 'alter-column', object: 'accounts.id', safety: 'dangerous' }],
        },
      ]);
    } finally {
      await dev.drop();
      await staging.drop();
    }
  });
});

describe('drift on MariaDB needs a server for its shadow', () => {
  it('without one the note says how to give it; SHADOW_DATABASE_URL of the same engine is used', async () => {
    if (!(await engineAvailable('mysql'))) return;
    const root = project(DBMATE);
    const db = await freshDatabase('mysql', root);
    try {
      await db.exec('CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)');
      await db.exec('CREATE TABLE accounts (id integer PRIMARY KEY, email varchar(100) NOT NULL)');
      await db.exec("INSERT INTO schema_migrations (version) VALUES ('20240101000000')");
      const without = await migrationStatus({ root, url: db.url, env: {} });
      expect(without.environments[0]?.drift).toBeUndefined();
      expect(without.environments[0]?.notes).toEqual([
        'Drift not checked: A MySQL/MariaDB rehearsal needs a server to create its temporary database on; none was named. Set SHADOW_DATABASE_URL=mysql://user@127.0.0.1:3306/any (a local or disposable server) or pass shadowUrl / --shadow-url.',
      ]);
      const otherEngine = await migrationStatus({
        root,
        url: db.url,
        env: { SHADOW_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' },
      });
      expect(otherEngine.environments[0]?.drift).toBeUndefined();
      const withServer = await migrationStatus({ root, url: db.url, env: { SHADOW_DATABASE_URL: MYSQL_URL } });
      expect(withServer.environments[0]?.drift?.operations).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
