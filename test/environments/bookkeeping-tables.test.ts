import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationStatus } from '../../src/environments/status.js';
import { sha1Hex, sha256Hex } from '../../src/sources/bookkeeping.js';
import { flywayChecksum } from '../../src/sources/formats/flyway.js';
import { sqlxChecksum } from '../../src/sources/formats/sqlx.js';
import { engineAvailable, freshDatabase, project, type TestDatabase, type TestEngine } from './databases.js';

/**
 * Tools that cannot run here (Go, Java, Python, Rust binaries): their bookkeeping table is created with the DDL
 * the tool itself runs (the source is named per case) and filled as the tool fills it; the fixture project is the
 * one test/sources reads. Each case checks applied, pending, unknown, failed, edited and out-of-order exactly.
 */

interface Case {
  tool: string;
  fixture: string;
  ddl: Record<TestEngine, string[]>;
  /** Rows to insert, given the project root (for checksums of the files as they are) and the engine. */
  rows(root: string, engine: TestEngine): string[];
  /** Applied to the project after the rows were written (an edit). */
  edit?(root: string): void;
  expected: {
    counts: Record<string, number>;
    pending?: string[];
    unknown?: string[];
    failed?: string[];
    checksumMismatches?: string[];
    outOfOrder?: string[];
  };
}

const read = (root: string, file: string) => readFileSync(path.join(root, file), 'utf8');
const same = (sql: string): Record<TestEngine, string[]> => ({ postgresql: [sql], mysql: [sql], sqlite: [sql] });
const NONE = { applied: 0, pending: 0, unknown: 0, failed: 0, checksumMismatches: 0, outOfOrder: 0 };

const CASES: Case[] = [
  {
    tool: 'goose',
    fixture: 'sources-goose',
    // goose internal/dialect/dialectquery/{postgres,mysql,sqlite3}.go CreateTable.
    ddl: {
      postgresql: [
        'CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL default now(), PRIMARY KEY(id))',
      ],
      mysql: [
        'CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL default now(), PRIMARY KEY(id))',
      ],
      sqlite: [
        "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')))",
      ],
    },
    // Version 0 is goose's own first row; 2 was applied then rolled back (a later is_applied = false row).
    rows: () => [
      'INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true)',
      'INSERT INTO goose_db_version (version_id, is_applied) VALUES (1, true)',
      'INSERT INTO goose_db_version (version_id, is_applied) VALUES (2, true)',
      'INSERT INTO goose_db_version (version_id, is_applied) VALUES (10, true)',
      'INSERT INTO goose_db_version (version_id, is_applied) VALUES (2, false)',
    ],
    expected: {
      counts: { ...NONE, applied: 2, pending: 1, outOfOrder: 1 },
      pending: ['migrations/00002_touch_function.sql'],
      outOfOrder: ['migrations/00002_touch_function.sql'],
    },
  },
  {
    tool: 'flyway',
    fixture: 'sources-flyway',
    // Flyway org/flywaydb/database/{postgresql,mysql,sqlite}/createMetaDataTable.sql.
    ddl: {
      postgresql: [
        'CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL)',
      ],
      mysql: [
        'CREATE TABLE `flyway_schema_history` (`installed_rank` INT NOT NULL, `version` VARCHAR(50), `description` VARCHAR(200) NOT NULL, `type` VARCHAR(20) NOT NULL, `script` VARCHAR(1000) NOT NULL, `checksum` INT, `installed_by` VARCHAR(100) NOT NULL, `installed_on` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, `execution_time` INT NOT NULL, `success` BOOL NOT NULL)',
      ],
      sqlite: [
        'CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL PRIMARY KEY, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INT, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TEXT NOT NULL DEFAULT (strftime(\'%Y-%m-%d %H:%M:%f\',\'now\')), "execution_time" INT NOT NULL, "success" BOOLEAN NOT NULL)',
      ],
    },
    rows: (root) => {
      const row = (rank: number, version: string | null, script: string, success: boolean) =>
        `INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES (${rank}, ${version === null ? 'NULL' : `'${version}'`}, 'x', 'SQL', '${script}', ${flywayChecksum(read(root, `sql/${script}`))}, 'ci', 1, ${success})`;
      return [
        row(1, '1', 'V1__create_customer.sql', true),
        row(2, '1.1', 'V1.1__add_email.sql', true),
        row(3, '1.2', 'V1.2__add_phone.sql', false),
        row(4, null, 'R__active_customers.sql', true),
        row(5, null, 'R__customer_names.sql', true),
      ];
    },
    // An applied versioned migration edited is an error; an edited repeatable one simply runs again.
    edit: (root) => {
      appendFileSync(path.join(root, 'sql/V1.1__add_email.sql'), '-- edited\n');
      appendFileSync(path.join(root, 'sql/R__customer_names.sql'), '-- edited\n');
    },
    expected: {
      counts: { ...NONE, applied: 3, pending: 2, failed: 1, checksumMismatches: 1 },
      pending: ['sql/V1.10__email_index.sql', 'sql/R__customer_names.sql'],
      failed: ['sql/V1.2__add_phone.sql'],
      checksumMismatches: ['sql/V1.1__add_email.sql'],
    },
  },
  {
    tool: 'liquibase',
    fixture: 'sources-liquibase',
    // Liquibase CreateDatabaseChangeLogTableGenerator, as it creates the table on PostgreSQL, MySQL and SQLite.
    ddl: {
      postgresql: [
        'CREATE TABLE databasechangelog (id VARCHAR(255) NOT NULL, author VARCHAR(255) NOT NULL, filename VARCHAR(255) NOT NULL, dateexecuted TIMESTAMP WITHOUT TIME ZONE NOT NULL, orderexecuted INTEGER NOT NULL, exectype VARCHAR(10) NOT NULL, md5sum VARCHAR(35), description VARCHAR(255), comments VARCHAR(255), tag VARCHAR(255), liquibase VARCHAR(20), contexts VARCHAR(255), labels VARCHAR(255), deployment_id VARCHAR(10))',
      ],
      mysql: [
        'CREATE TABLE DATABASECHANGELOG (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL, FILENAME VARCHAR(255) NOT NULL, DATEEXECUTED datetime NOT NULL, ORDEREXECUTED INT NOT NULL, EXECTYPE VARCHAR(10) NOT NULL, MD5SUM VARCHAR(35) NULL, DESCRIPTION VARCHAR(255) NULL, COMMENTS VARCHAR(255) NULL, TAG VARCHAR(255) NULL, LIQUIBASE VARCHAR(20) NULL, CONTEXTS VARCHAR(255) NULL, LABELS VARCHAR(255) NULL, DEPLOYMENT_ID VARCHAR(10) NULL)',
      ],
      sqlite: [
        'CREATE TABLE DATABASECHANGELOG (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL, FILENAME VARCHAR(255) NOT NULL, DATEEXECUTED TEXT NOT NULL, ORDEREXECUTED INTEGER NOT NULL, EXECTYPE VARCHAR(10) NOT NULL, MD5SUM VARCHAR(35), DESCRIPTION VARCHAR(255), COMMENTS VARCHAR(255), TAG VARCHAR(255), LIQUIBASE VARCHAR(20), CONTEXTS VARCHAR(255), LABELS VARCHAR(255), DEPLOYMENT_ID VARCHAR(10))',
      ],
    },
    rows: () =>
      [
        ['1', 'ada', 'EXECUTED'],
        ['2', 'ada', 'EXECUTED'],
        ['3', 'ada', 'FAILED'],
        ['99', 'someone', 'EXECUTED'],
      ].map(
        ([id, author, type], index) =>
          `INSERT INTO DATABASECHANGELOG (ID, AUTHOR, FILENAME, DATEEXECUTED, ORDEREXECUTED, EXECTYPE) VALUES ('${id}', '${author}', 'db/changelog/changes/001-users.xml', CURRENT_TIMESTAMP, ${index + 1}, '${type}')`,
      ),
    expected: {
      counts: { ...NONE, applied: 2, pending: 7, unknown: 1, failed: 1 },
      unknown: ['someone:99'],
      failed: ['src/main/resources/db/changelog/changes/001-users.xml'],
    },
  },
  {
    tool: 'alembic',
    fixture: 'sources-alembic',
    // alembic/runtime/migration.py _version table: version_num VARCHAR(32) NOT NULL, PRIMARY KEY alembic_version_pkc.
    ddl: same(
      'CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))',
    ),
    rows: () => ["INSERT INTO alembic_version (version_num) VALUES ('0f9e8d7c6b5a')"],
    expected: { counts: { ...NONE, applied: 2, pending: 1 }, pending: ['alembic/versions/77aa_orders.py'] },
  },
  {
    tool: 'django',
    fixture: 'sources-django',
    // django/db/migrations/recorder.py Migration model, as `migrate` creates it on each backend.
    ddl: {
      postgresql: [
        'CREATE TABLE "django_migrations" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" timestamp with time zone NOT NULL)',
      ],
      mysql: [
        'CREATE TABLE `django_migrations` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `app` varchar(255) NOT NULL, `name` varchar(255) NOT NULL, `applied` datetime(6) NOT NULL)',
      ],
      sqlite: [
        'CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL)',
      ],
    },
    // contenttypes is an installed Django app, not the project's: not reported as unknown.
    rows: () =>
      [
        ['contenttypes', '0001_initial'],
        ['accounts', '0001_initial'],
        ['shop', '0001_initial'],
        ['shop', '0002_gone'],
      ].map(
        ([app, name]) =>
          `INSERT INTO django_migrations (app, name, applied) VALUES ('${app}', '${name}', CURRENT_TIMESTAMP)`,
      ),
    expected: {
      counts: { ...NONE, applied: 2, pending: 1, unknown: 1 },
      pending: ['accounts/migrations/0002_account_email.py'],
      unknown: ['shop.0002_gone'],
    },
  },
  {
    tool: 'drizzle',
    fixture: 'sources-drizzle',
    // drizzle-orm {pg-core,mysql-core,sqlite-core}/dialect.ts migrate(): the migrations table it creates.
    ddl: {
      postgresql: [
        'CREATE SCHEMA IF NOT EXISTS "drizzle"',
        'CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)',
      ],
      mysql: [
        'create table if not exists `__drizzle_migrations` (id serial primary key, hash text not null, created_at bigint)',
      ],
      sqlite: [
        'CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)',
      ],
    },
    rows: (root) => {
      const table = '__drizzle_migrations';
      return [
        ['0000_silky_users', 1704067200000],
        ['0001_brave_posts', 1704153600000],
      ].map(
        ([tag, when]) =>
          `INSERT INTO ${table} (hash, created_at) VALUES ('${sha256Hex(read(root, `drizzle/${tag}.sql`))}', ${when})`,
      );
    },
    edit: (root) => appendFileSync(path.join(root, 'drizzle/0001_brave_posts.sql'), '\n-- edited\n'),
    expected: {
      counts: { ...NONE, applied: 2, pending: 1, checksumMismatches: 1 },
      pending: ['drizzle/0002_quiet_index.sql'],
      checksumMismatches: ['drizzle/0001_brave_posts.sql'],
    },
  },
  {
    tool: 'diesel',
    fixture: 'sources-diesel',
    // diesel_migrations src/migration_harness.rs CREATE_MIGRATIONS_TABLE.
    ddl: same(
      'CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)',
    ),
    rows: () => ["INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101000000'), ('20240103000000')"],
    expected: {
      counts: { ...NONE, applied: 2, pending: 1, outOfOrder: 1 },
      pending: ['migrations/2024-01-02-000000_add_published/up.sql'],
      outOfOrder: ['migrations/2024-01-02-000000_add_published/up.sql'],
    },
  },
  {
    tool: 'sqlx',
    fixture: 'sources-sqlx',
    // sqlx-{postgres,mysql,sqlite}/src/migrate.rs ensure_migrations_table; checksum = SHA-384 of the file.
    ddl: {
      postgresql: [
        'CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL)',
      ],
      mysql: [
        'CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)',
      ],
      sqlite: [
        'CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)',
      ],
    },
    // 1 as applied; 2 applied, then its file edited; 10 failed (success = false); 99 not in the project.
    rows: (root, engine) => {
      const bytes = (file: string) => {
        const hex = sqlxChecksum(read(root, `migrations/${file}`));
        return engine === 'postgresql' ? `'\\x${hex}'::bytea` : `X'${hex}'`;
      };
      const row = (version: number, description: string, success: boolean, checksum: string) =>
        `INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (${version}, '${description}', ${success}, ${checksum}, 1)`;
      return [
        row(1, 'create users', true, bytes('1_create_users.sql')),
        row(2, 'create orders', true, bytes('2_create_orders.up.sql')),
        row(10, 'users email index', false, bytes('10_users_email_index.up.sql')),
        row(99, 'gone', true, bytes('1_create_users.sql')),
      ];
    },
    edit: (root) => appendFileSync(path.join(root, 'migrations/2_create_orders.up.sql'), 'SELECT 1;\n'),
    expected: {
      counts: { ...NONE, applied: 2, failed: 1, unknown: 1, checksumMismatches: 1 },
      checksumMismatches: ['migrations/2_create_orders.up.sql'],
      failed: ['migrations/10_users_email_index.up.sql'],
      unknown: ['99 gone'],
    },
  },
];

/** Sqitch keeps its registry in the target database on PostgreSQL only (schema "sqitch"). */
const SQITCH: Case = {
  tool: 'sqitch',
  fixture: 'sources-sqitch',
  // App/Sqitch/Engine/pg.sql: the registry's projects and changes tables (other columns and tables left out).
  ddl: {
    postgresql: [
      'CREATE SCHEMA sqitch',
      'CREATE TABLE sqitch.projects (project TEXT PRIMARY KEY, uri TEXT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), creator_name TEXT NOT NULL, creator_email TEXT NOT NULL)',
      "CREATE TABLE sqitch.changes (change_id TEXT PRIMARY KEY, script_hash TEXT NULL, change TEXT NOT NULL, project TEXT NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE, note TEXT NOT NULL DEFAULT '', committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), committer_name TEXT NOT NULL, committer_email TEXT NOT NULL, planned_at TIMESTAMPTZ NOT NULL, planner_name TEXT NOT NULL, planner_email TEXT NOT NULL, UNIQUE(project, script_hash))",
      // An application table named like the registry's: never mistaken for it.
      'CREATE TABLE public.changes (id integer PRIMARY KEY, change text)',
    ],
    mysql: [],
    sqlite: [],
  },
  rows: (root) => {
    const change = (id: string, name: string, file: string, day: number) =>
      `INSERT INTO sqitch.changes (change_id, script_hash, change, project, committed_at, committer_name, committer_email, planned_at, planner_name, planner_email) VALUES ('${id}', '${sha1Hex(read(root, file))}', '${name}', 'flipr', '2024-01-0${day}T10:00:00Z', 'a', 'a@x', now(), 'a', 'a@x')`;
    return [
      "INSERT INTO sqitch.projects (project, creator_name, creator_email) VALUES ('flipr', 'a', 'a@x')",
      "INSERT INTO public.changes VALUES (1, 'unrelated')",
      change('c1', 'appschema', 'deploy/appschema.sql', 1),
      change('c2', 'users', 'deploy/users@v1.1.sql', 2),
      change('c3', 'insert_user', 'deploy/insert_user.sql', 4),
    ];
  },
  edit: (root) => appendFileSync(path.join(root, 'deploy/insert_user.sql'), '-- edited\n'),
  expected: {
    counts: { ...NONE, applied: 3, pending: 1, checksumMismatches: 1 },
    pending: ['deploy/users.sql'],
    checksumMismatches: ['deploy/insert_user.sql'],
  },
};

describe.each(['postgresql', 'mysql', 'sqlite'] as TestEngine[])('bookkeeping tables on %s', (engine) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it.each(engine === 'postgresql' ? [...CASES, SQITCH] : CASES)('$tool', async (testCase) => {
    if (!(await engineAvailable(engine))) return;
    const root = project({});
    cpSync(path.join(import.meta.dirname, '../fixtures', testCase.fixture), root, { recursive: true });
    db = await freshDatabase(engine, root);
    for (const sql of testCase.ddl[engine]) await db.exec(sql);
    for (const sql of testCase.rows(root, engine)) {
      const forEngine =
        engine === 'postgresql' && testCase.tool === 'drizzle'
          ? sql.replace('INTO __drizzle', 'INTO drizzle.__drizzle')
          : sql;
      await db.exec(forEngine);
    }
    testCase.edit?.(root);
    const result = await migrationStatus({ root, url: db.url, drift: false });
    expect(result.tool).toBe(testCase.tool);
    const [status] = result.environments;
    expect(status?.error).toBeUndefined();
    expect(status?.counts).toEqual(testCase.expected.counts);
    for (const list of ['pending', 'unknown', 'failed', 'checksumMismatches', 'outOfOrder'] as const)
      if (testCase.expected[list]) expect(status?.[list]).toEqual(testCase.expected[list]);
  });
});

describe('Sqitch on MySQL/MariaDB', () => {
  it("reads the registry database sqitch.conf names, never a 'changes' table of the target", async () => {
    if (!(await engineAvailable('mysql'))) return;
    const root = project({});
    cpSync(path.join(import.meta.dirname, '../fixtures/sources-sqitch'), root, { recursive: true });
    const registry = `registry_${path.basename(root).replace(/\W/g, '_').toLowerCase()}`;
    appendFileSync(path.join(root, 'sqitch.conf'), `[engine "mysql"]\n\tregistry = ${registry}\n`);
    const db = await freshDatabase('mysql', root);
    try {
      await db.exec('CREATE TABLE changes (id integer PRIMARY KEY)');
      const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
      expect(status?.error).toBeUndefined();
      expect(status?.table).toBeNull();
      expect(status?.counts).toEqual({ ...NONE, pending: 4 });
      expect(status?.notes).toEqual([
        `No changes table (looked in database ${registry}): sqitch has not applied anything here (renamed? set the environment's "bookkeepingTable").`,
      ]);
    } finally {
      await db.drop();
    }
  });
});
