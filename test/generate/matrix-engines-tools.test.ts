import { execFile } from 'node:child_process';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import 'reflect-metadata';
import Database from 'better-sqlite3';
import { knex } from 'knex';
import { FileMigrationProvider, Kysely, type MigrationResultSet, Migrator, MysqlDialect, SqliteDialect } from 'kysely';
import { Sequelize } from 'sequelize';
import { register } from 'tsx/esm/api';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateResult } from '../../src/generate/generate.js';
import type { ToolName } from '../../src/project/types.js';
import { introspectMysql } from '../../src/schema/introspect/mysql.js';
import { introspectSqlite } from '../../src/schema/introspect/sqlite.js';
import type { Schema } from '../../src/schema/model.js';
import { mysqlAvailable } from '../helpers/databases.js';
import { toolSqitch } from '../helpers/sqitch.js';
import { loadWithTsx } from '../sources/tool-runs.js';
import { type MatrixEngine, projectFiles } from './engine-matrix-projects.js';
import {
  difference,
  engineDatabases,
  engineLabel,
  generateMatrix,
  generateParent,
  intendedSchema,
  projectOf,
  readBack,
  removeProjects,
} from './engine-matrix-support.js';

/**
 * The engine matrix run by the tools themselves: the project's history and the parent table applied by the tool,
 * then the matrix call's migrations applied by it (the schema the drafts' SQL gives), the tool's own rollback of
 * exactly those (the schema before them), and the tool's apply again (the same schema) — knex's migrate API,
 * TypeORM's DataSource, Sequelize's queryInterface as sequelize-cli drives it, Kysely's Migrator, drizzle-orm's
 * migrator, Liquibase 4.28 (its bundled MariaDB JDBC driver) and Sqitch (DBD::SQLite) on the real
 * engines.
 */

const run = promisify(execFile);
const mysql = await mysqlAvailable();
/** The tools' database, and a scratch one where the drafts' own SQL gives the intended schema. */
const databases = engineDatabases();
const scratch = engineDatabases();
beforeAll(() => Promise.all([databases.open(mysql.available), scratch.open(mysql.available)]));
afterAll(() => Promise.all([databases.close(), scratch.close()]));
afterAll(removeProjects);

/** Where the tool's database is: the file's MariaDB database, or a SQLite file inside the project. */
interface Target {
  engine: MatrixEngine;
  root: string;
  /** mysql://… for MariaDB, a file path for SQLite. */
  url: string;
}

interface RealTool {
  tool: ToolName;
  engines: MatrixEngine[];
  /** Applies every pending migration. */
  up(target: Target): Promise<void>;
  /** Rolls back the newest `count` migrations; `result` carries the downs of a tool that keeps none. */
  down(target: Target, count: number, result: GenerateResult): Promise<void>;
  /** Needs something the machine may lack: the reason it cannot run here. */
  missing?(): string | undefined;
}

const migrationsOf = (root: string) => path.join(root, 'migrations');

const KNEX: RealTool = {
  tool: 'knex',
  engines: ['mysql', 'sqlite'],
  up: (target) => withKnex(target, (instance) => instance.migrate.latest()),
  // The matrix call's migrations are the newest batch: knex rolls back exactly that batch.
  down: (target) => withKnex(target, (instance) => instance.migrate.rollback()),
};

async function withKnex(target: Target, work: (instance: ReturnType<typeof knex>) => Promise<unknown>) {
  const instance = knex({
    client: target.engine === 'mysql' ? 'mysql2' : 'better-sqlite3',
    connection: target.engine === 'mysql' ? target.url : { filename: target.url },
    useNullAsDefault: true,
    migrations: { directory: migrationsOf(target.root), loadExtensions: ['.js', '.mjs', '.cjs', '.ts'] },
  });
  try {
    await work(instance);
  } finally {
    await instance.destroy();
  }
}

const TYPEORM: RealTool = {
  tool: 'typeorm',
  engines: ['mysql', 'sqlite'],
  up: (target) => withTypeorm(target, (source) => source.runMigrations({ transaction: 'each' })),
  down: (target, count) =>
    withTypeorm(target, async (source, migrations) => {
      for (const migration of migrations.slice(-count).reverse()) {
        // undoLastMigration does not read the class's `transaction = false`: the run mode must say it.
        const transactional = (new migration() as { transaction?: boolean }).transaction !== false;
        await source.undoLastMigration({ transaction: transactional ? 'each' : 'none' });
      }
    }),
};

async function withTypeorm(
  target: Target,
  work: (source: DataSource, migrations: (new () => unknown)[]) => Promise<unknown>,
) {
  const directory = migrationsOf(target.root);
  const migrations = readdirSync(directory)
    .sort()
    .flatMap((file) => Object.values(loadWithTsx(path.join(directory, file))) as (new () => unknown)[]);
  const source = new DataSource(
    target.engine === 'mysql'
      ? { type: 'mariadb', url: target.url, migrations, migrationsTransactionMode: 'each' }
      : { type: 'better-sqlite3', database: target.url, migrations, migrationsTransactionMode: 'each' },
  );
  await source.initialize();
  try {
    await work(source, migrations);
  } finally {
    await source.destroy();
  }
}

interface SequelizeModule {
  up(queryInterface: unknown, sequelize: unknown): Promise<void>;
  down(queryInterface: unknown, sequelize: unknown): Promise<void>;
}

/** What sequelize-cli does: pending files' up in name order, recorded in SequelizeMeta; undo newest first. */
const SEQUELIZE: RealTool = {
  tool: 'sequelize',
  engines: ['mysql'],
  up: (target) =>
    withSequelize(target, async (sequelize, done, modules) => {
      for (const [name, module] of modules)
        if (!done.includes(name)) {
          await module.up(sequelize.getQueryInterface(), Sequelize);
          await sequelize.query('INSERT INTO SequelizeMeta (name) VALUES (?)', { replacements: [name] });
        }
    }),
  down: (target, count) =>
    withSequelize(target, async (sequelize, done, modules) => {
      for (const name of done.slice(-count).reverse()) {
        await modules.get(name)!.down(sequelize.getQueryInterface(), Sequelize);
        await sequelize.query('DELETE FROM SequelizeMeta WHERE name = ?', { replacements: [name] });
      }
    }),
};

async function withSequelize(
  target: Target,
  work: (sequelize: Sequelize, done: string[], modules: Map<string, SequelizeModule>) => Promise<void>,
) {
  const directory = migrationsOf(target.root);
  const sequelize = new Sequelize(target.url, { logging: false });
  const modules = new Map(
    readdirSync(directory)
      .sort()
      .map((file) => [file, loadWithTsx(path.join(directory, file)) as unknown as SequelizeModule]),
  );
  try {
    await sequelize.query('CREATE TABLE IF NOT EXISTS SequelizeMeta (name varchar(255) PRIMARY KEY)');
    const [rows] = await sequelize.query('SELECT name FROM SequelizeMeta ORDER BY name');
    await work(
      sequelize,
      (rows as { name: string }[]).map((row) => row.name),
      modules,
    );
  } finally {
    await sequelize.close();
  }
}

const KYSELY: RealTool = {
  tool: 'kysely',
  engines: ['mysql', 'sqlite'],
  // MariaDB and SQLite drafts are each one transaction of the migrator or open their own (SQLite's rebuilds).
  up: (target) => withKysely(target, (migrator) => migrator.migrateToLatest()),
  down: (target, count) =>
    withKysely(target, async (migrator) => {
      let result: MigrationResultSet | undefined;
      for (let index = 0; index < count; index++) {
        result = await migrator.migrateDown();
        if (result.error) return result;
      }
      return result!;
    }),
};

async function withKysely(target: Target, work: (migrator: Migrator) => Promise<MigrationResultSet>) {
  const unregister = register();
  const mysql2 = await import('mysql2');
  const db = new Kysely<unknown>({
    dialect:
      target.engine === 'mysql'
        ? new MysqlDialect({ pool: mysql2.createPool({ uri: target.url, connectionLimit: 1 }) })
        : new SqliteDialect({ database: new Database(target.url) }),
  });
  const provider = new FileMigrationProvider({ fs, path, migrationFolder: migrationsOf(target.root) });
  try {
    // SQLite's table rebuilds open their own transaction (with foreign keys off around it): no migrator one.
    const { error } = await work(new Migrator({ db, provider, disableTransactions: target.engine === 'sqlite' }));
    if (error) throw error;
  } finally {
    await db.destroy();
    await unregister();
  }
}

/** drizzle-orm's migrator applies the journal; Drizzle keeps no downs, so the result's downs roll back. */
const DRIZZLE: RealTool = {
  tool: 'drizzle',
  engines: ['mysql', 'sqlite'],
  async up(target) {
    const migrationsFolder = path.join(target.root, 'drizzle');
    if (target.engine === 'mysql') {
      const { drizzle } = await import('drizzle-orm/mysql2');
      const { migrate } = await import('drizzle-orm/mysql2/migrator');
      const mysql2 = await import('mysql2/promise');
      const connection = await mysql2.createConnection({ uri: target.url });
      try {
        await migrate(drizzle(connection), { migrationsFolder });
      } finally {
        await connection.end();
      }
    } else {
      const { drizzle } = await import('drizzle-orm/better-sqlite3');
      const { migrate } = await import('drizzle-orm/better-sqlite3/migrator');
      const sqlite = new Database(target.url);
      try {
        migrate(drizzle(sqlite), { migrationsFolder });
      } finally {
        sqlite.close();
      }
    }
  },
  async down(target, count, result) {
    const downs = result.drafts.flatMap((draft) => [draft.down]).reverse();
    expect(downs.length).toBe(count);
    // The migrator goes by the newest applied migration's time: forgetting the rolled-back ones re-applies them.
    const forget = `DELETE FROM __drizzle_migrations ORDER BY created_at DESC LIMIT ${count}`;
    if (target.engine === 'mysql') {
      const mysql2 = await import('mysql2/promise');
      const connection = await mysql2.createConnection({ uri: target.url });
      try {
        for (const statements of downs) for (const sql of statements) await connection.query(sql);
        await connection.query(forget);
      } finally {
        await connection.end();
      }
    } else {
      const sqlite = new Database(target.url);
      try {
        for (const statements of downs) for (const sql of statements) sqlite.exec(sql);
        sqlite.exec(
          `DELETE FROM __drizzle_migrations WHERE created_at IN (SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT ${count})`,
        );
      } finally {
        sqlite.close();
      }
    }
  },
};

const LIQUIBASE_CLI = path.resolve('node_modules/liquibase/dist/liquibase/liquibase');
const java = await run('java', ['-version']).then(
  () => true,
  () => false,
);

async function liquibase(target: Target, ...command: string[]): Promise<void> {
  const jdbc =
    target.engine === 'mysql'
      ? (() => {
          const url = new URL(target.url);
          return `jdbc:mariadb://${url.hostname}:${url.port || '3306'}${url.pathname}?user=${decodeURIComponent(url.username) || 'root'}`;
        })()
      : `jdbc:sqlite:${target.url}`;
  await run(
    LIQUIBASE_CLI,
    ['--changelog-file=db/changelog/db.changelog-master.xml', `--url=${jdbc}`, '--show-banner=false', ...command],
    { cwd: path.join(target.root, 'src/main/resources'), timeout: 180_000 },
  ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`liquibase ${command.join(' ')} failed: ${error.stderr || error.stdout || error.message}`);
  });
}

/** Not on SQLite: the bundled sqlite-jdbc needs slf4j-api, which the liquibase package does not ship. */
const LIQUIBASE: RealTool = {
  tool: 'liquibase',
  engines: ['mysql'],
  missing: () =>
    !java ? 'no java on PATH' : !existsSync(LIQUIBASE_CLI) ? `${LIQUIBASE_CLI} is missing (npm ci)` : undefined,
  up: (target) => liquibase(target, 'update'),
  down: (target, count) => liquibase(target, 'rollback-count', `--count=${count}`),
};

let sqitch: string | undefined | null = null;
async function sqitchRun(target: Target, ...args: string[]): Promise<void> {
  await run(sqitch!, [...args, `db:sqlite:${target.url}`], {
    cwd: target.root,
    timeout: 120_000,
    env: { ...process.env, SQITCH_FULLNAME: 'Test Runner', SQITCH_EMAIL: 'test@example.com' },
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`sqitch ${args.join(' ')} failed: ${error.stderr || error.stdout || error.message}`);
  });
}

/** Sqitch on SQLite (DBD::SQLite and the sqlite3 client); its MariaDB engine needs DBD::MariaDB, not fetched. */
const SQITCH: RealTool = {
  tool: 'sqitch',
  engines: ['sqlite'],
  missing() {
    if (sqitch === null) sqitch = toolSqitch('real Sqitch on SQLite');
    return sqitch ? undefined : 'no Sqitch (TEST_SQITCH=$(bash scripts/sqitch.sh))';
  },
  up: (target) => sqitchRun(target, 'deploy'),
  down: (target, count) => sqitchRun(target, 'revert', '-y', '--to', `@HEAD^${count}`),
};

const TOOLS = [KNEX, TYPEORM, SEQUELIZE, KYSELY, DRIZZLE, LIQUIBASE, SQITCH];
const CODE = new Set<ToolName>(['knex', 'typeorm', 'sequelize', 'kysely']);

/** The tools' own bookkeeping tables, which the intended schema does not have. */
const LEDGER =
  /^(knex_migrations(_lock)?|migrations|typeorm_metadata|SequelizeMeta|kysely_migration(_lock)?|__drizzle_migrations|databasechangelog(lock)?|sqlite_sequence)$/i;

async function toolSchema(target: Target): Promise<Schema> {
  let schema: Schema;
  if (target.engine === 'mysql') {
    const mysql2 = await import('mysql2/promise');
    const connection = await mysql2.createConnection({ uri: target.url });
    try {
      schema = await introspectMysql({
        query: async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
          (await connection.query(sql, params))[0] as Row[],
      });
    } finally {
      await connection.end();
    }
  } else {
    const database = new Database(target.url);
    try {
      schema = await introspectSqlite({
        query: async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
          database.prepare(sql).all(...(params ?? [])) as Row[],
      });
    } finally {
      database.close();
    }
  }
  return { ...schema, tables: schema.tables.filter((table) => !LEDGER.test(table.name)) };
}

for (const engine of ['mysql', 'sqlite'] as const) {
  describe(`generate_migration on ${engineLabel(engine)}, applied by the tool itself`, () => {
    for (const tool of TOOLS.filter((item) => item.engines.includes(engine))) {
      const skip = (engine === 'mysql' && !mysql.available) || tool.missing?.() !== undefined;
      if (skip && tool.missing?.()) console.warn(`SKIP ${tool.tool} on ${engine}: ${tool.missing()}`);
      it.skipIf(skip)(tool.tool, { timeout: 300_000 }, async () => {
        const code = CODE.has(tool.tool);
        const root = projectOf(projectFiles(tool.tool, engine));
        await generateParent(root, engine, code);
        // The database the tool migrates (emptied): the history and the parent table first, as deployed.
        if (engine === 'mysql') await databases.database(engine);
        const target: Target = {
          engine,
          root,
          url: engine === 'mysql' ? databases.mysqlUrl() : path.join(root, 'matrix.db'),
        };
        await tool.up(target);
        const before = await toolSchema(target);
        expect(before.tables.map((table) => table.name).sort()).toEqual(['matrix_parents', 'matrix_settings']);

        const result = await generateMatrix(root, engine, code);
        expect(result.format).toBe(tool.tool);
        const { older, tail } = await readBack(root, engine, result, code);
        const intended = await intendedSchema(scratch, engine, older, result);

        await tool.up(target);
        const applied = await toolSchema(target);
        expect(difference(intended, applied)).toBe('no difference');
        await tool.down(target, tail.length, result);
        expect(difference(before, await toolSchema(target))).toBe('no difference');
        await tool.up(target);
        expect(difference(applied, await toolSchema(target))).toBe('no difference');
      });
    }
  });
}
