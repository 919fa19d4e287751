import type { ToolName } from '../../src/project/types.js';
import { computeSum } from '../../src/sources/formats/atlas-sum.js';

/**
 * Tiny projects of every format that runs on MariaDB or SQLite, for the engine matrix: the tool's own layout and
 * configuration for the engine, with one existing migration both engines accept (a table keyed by a varchar), so
 * the writer has a project's style and history to follow.
 */

export type MatrixEngine = 'mysql' | 'sqlite';

export const SETTINGS_UP = 'CREATE TABLE matrix_settings (name varchar(64) PRIMARY KEY)';
export const SETTINGS_DOWN = 'DROP TABLE matrix_settings';

/** The Node driver a project of the engine depends on. */
const driver = (engine: MatrixEngine) => (engine === 'mysql' ? 'mysql2' : 'better-sqlite3');

const lines = (...text: string[]) => `${text.join('\n')}\n`;

/** The JDBC / driver spelling each tool uses for the engine. */
const sqitchEngine = (engine: MatrixEngine) => (engine === 'mysql' ? 'mysql' : 'sqlite');

export function projectFiles(tool: ToolName, engine: MatrixEngine): Record<string, string> {
  switch (tool) {
    case 'golang-migrate':
      return {
        'migrations/000001_create_settings.up.sql': lines(`${SETTINGS_UP};`),
        'migrations/000001_create_settings.down.sql': lines(`${SETTINGS_DOWN};`),
      };
    case 'goose':
      return {
        'migrations/00001_create_settings.sql': lines(
          '-- +goose Up',
          `${SETTINGS_UP};`,
          '',
          '-- +goose Down',
          `${SETTINGS_DOWN};`,
        ),
      };
    case 'dbmate':
      return {
        'db/migrations/20240101000000_create_settings.sql': lines(
          '-- migrate:up',
          `${SETTINGS_UP};`,
          '',
          '-- migrate:down',
          `${SETTINGS_DOWN};`,
        ),
      };
    case 'sql-migrate':
      return {
        'migrations/1_create_settings.sql': lines(
          '-- +migrate Up',
          `${SETTINGS_UP};`,
          '',
          '-- +migrate Down',
          `${SETTINGS_DOWN};`,
        ),
      };
    case 'flyway':
      return {
        'flyway.conf': lines(
          engine === 'mysql' ? 'flyway.url=jdbc:mariadb://localhost:3306/app' : 'flyway.url=jdbc:sqlite:app.db',
          'flyway.locations=filesystem:src/main/resources/db/migration',
        ),
        'src/main/resources/db/migration/V1__create_settings.sql': lines(`${SETTINGS_UP};`),
        'src/main/resources/db/migration/U1__create_settings.sql': lines(`${SETTINGS_DOWN};`),
      };
    case 'diesel':
      return {
        'diesel.toml': lines(
          '[print_schema]',
          'file = "src/schema.rs"',
          '',
          '[migrations_directory]',
          'dir = "migrations"',
        ),
        'Cargo.toml': lines(
          '[package]',
          'name = "matrix"',
          'version = "0.1.0"',
          '',
          '[dependencies]',
          `diesel = { version = "2", features = ["${engine === 'mysql' ? 'mysql' : 'sqlite'}"] }`,
        ),
        'migrations/2024-01-01-000000_create_settings/up.sql': lines(`${SETTINGS_UP};`),
        'migrations/2024-01-01-000000_create_settings/down.sql': lines(`${SETTINGS_DOWN};`),
      };
    case 'sqitch':
      return {
        'sqitch.conf': lines('[core]', `\tengine = ${sqitchEngine(engine)}`),
        'sqitch.plan': lines(
          '%syntax-version=1.0.0',
          '%project=matrix',
          '',
          'create_settings 2024-01-01T10:00:00Z Ada Lovelace <ada@example.com> # Settings table.',
        ),
        'deploy/create_settings.sql': lines(
          `-- Deploy matrix:create_settings to ${sqitchEngine(engine)}`,
          '',
          'BEGIN;',
          '',
          `${SETTINGS_UP};`,
          '',
          'COMMIT;',
        ),
        'revert/create_settings.sql': lines(
          `-- Revert matrix:create_settings from ${sqitchEngine(engine)}`,
          '',
          'BEGIN;',
          '',
          `${SETTINGS_DOWN};`,
          '',
          'COMMIT;',
        ),
        'verify/create_settings.sql': lines(
          `-- Verify matrix:create_settings on ${sqitchEngine(engine)}`,
          '',
          'SELECT name FROM matrix_settings WHERE 0;',
        ),
      };
    case 'liquibase':
      return {
        'src/main/resources/db/changelog/db.changelog-master.xml': lines(
          '<?xml version="1.0" encoding="UTF-8"?>',
          '<databaseChangeLog',
          '    xmlns="http://www.liquibase.org/xml/ns/dbchangelog"',
          '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
          '    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">',
          '  <include file="changes/001-settings.sql" relativeToChangelogFile="true"/>',
          '</databaseChangeLog>',
        ),
        'src/main/resources/db/changelog/changes/001-settings.sql': lines(
          '--liquibase formatted sql',
          '',
          '--changeset ada:settings-1',
          `${SETTINGS_UP};`,
          `--rollback ${SETTINGS_DOWN};`,
        ),
      };
    case 'atlas':
      return {
        'atlas.hcl': lines(
          'env "local" {',
          `  url = "${engine === 'mysql' ? 'maria://root@localhost:3306/app' : 'sqlite://app.db'}"`,
          '  migration {',
          '    dir = "file://migrations"',
          '  }',
          '}',
        ),
        ...atlasMigrations({ '20240101000000_create_settings.sql': lines(`${SETTINGS_UP};`) }),
      };
    case 'multi-dialect-sql': {
      const dialect = engine === 'mysql' ? 'mysql' : 'sqlite3';
      return {
        [`migrations/20240101000000_settings.${dialect}.up.sql`]: lines(`${SETTINGS_UP};`),
        [`migrations/20240101000000_settings.${dialect}.down.sql`]: lines(`${SETTINGS_DOWN};`),
      };
    }
    case 'prisma':
      return {
        'package.json': JSON.stringify({ name: 'matrix-prisma', devDependencies: { prisma: '^5.22.0' } }),
        'prisma/schema.prisma': lines(
          'generator client {',
          '  provider = "prisma-client-js"',
          '}',
          '',
          'datasource db {',
          `  provider = "${engine}"`,
          `  url      = ${engine === 'mysql' ? 'env("DATABASE_URL")' : '"file:./dev.db"'}`,
          '}',
          '',
          'model matrix_settings {',
          `  name String @id${engine === 'mysql' ? ' @db.VarChar(64)' : ''}`,
          '}',
        ),
        'prisma/migrations/migration_lock.toml': lines(
          '# Please do not edit this file manually',
          '# It should be added in your version-control system (i.e. Git)',
          `provider = "${engine}"`,
        ),
        'prisma/migrations/20240101000000_init/migration.sql': lines(
          '-- CreateTable',
          engine === 'mysql'
            ? 'CREATE TABLE `matrix_settings` (\n    `name` VARCHAR(64) NOT NULL,\n\n    PRIMARY KEY (`name`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;'
            : 'CREATE TABLE "matrix_settings" (\n    "name" TEXT NOT NULL PRIMARY KEY\n);',
        ),
      };
    case 'drizzle':
      return drizzleFiles(engine);
    case 'knex':
      return {
        'package.json': JSON.stringify({ name: 'matrix-knex', dependencies: { knex: '*', [driver(engine)]: '*' } }),
        'migrations/20240101000000_create_settings.js': lines(
          'exports.up = function (knex) {',
          "  return knex.schema.createTable('matrix_settings', function (table) {",
          "    table.string('name', 64).primary();",
          '  });',
          '};',
          '',
          'exports.down = function (knex) {',
          "  return knex.schema.dropTable('matrix_settings');",
          '};',
        ),
      };
    case 'kysely':
      return {
        'package.json': JSON.stringify({
          name: 'matrix-kysely',
          type: 'module',
          dependencies: { kysely: '*', [driver(engine)]: '*' },
        }),
        'migrations/2024_01_01_000000_create_settings.ts': lines(
          "import type { Kysely } from 'kysely'",
          '',
          'export async function up(db: Kysely<any>): Promise<void> {',
          "  await db.schema.createTable('matrix_settings').addColumn('name', 'varchar(64)', (col) => col.primaryKey()).execute()",
          '}',
          '',
          'export async function down(db: Kysely<any>): Promise<void> {',
          "  await db.schema.dropTable('matrix_settings').execute()",
          '}',
        ),
      };
    case 'typeorm':
      return {
        'package.json': JSON.stringify({
          name: 'matrix-typeorm',
          dependencies: { typeorm: '*', [driver(engine)]: '*' },
        }),
        'migrations/1700000000000-CreateSettings.ts': lines(
          'import { MigrationInterface, QueryRunner } from "typeorm";',
          '',
          'export class CreateSettings1700000000000 implements MigrationInterface {',
          '    name = "CreateSettings1700000000000";',
          '',
          '    public async up(queryRunner: QueryRunner): Promise<void> {',
          `        await queryRunner.query(\`${SETTINGS_UP}\`);`,
          '    }',
          '',
          '    public async down(queryRunner: QueryRunner): Promise<void> {',
          `        await queryRunner.query(\`${SETTINGS_DOWN}\`);`,
          '    }',
          '}',
        ),
      };
    case 'sequelize':
      return {
        'package.json': JSON.stringify({
          name: 'matrix-sequelize',
          dependencies: { sequelize: '*', [engine === 'mysql' ? 'mysql2' : 'sqlite3']: '*' },
        }),
        'migrations/20240101000000-create-settings.js': lines(
          "'use strict';",
          '',
          "/** @type {import('sequelize-cli').Migration} */",
          'module.exports = {',
          '  async up (queryInterface, Sequelize) {',
          "    await queryInterface.createTable('matrix_settings', { name: { type: Sequelize.STRING(64), primaryKey: true } });",
          '  },',
          '',
          '  async down (queryInterface, Sequelize) {',
          "    await queryInterface.dropTable('matrix_settings');",
          '  }',
          '};',
        ),
      };
    case 'mikro-orm':
      return {
        'package.json': JSON.stringify({
          name: 'matrix-mikro',
          dependencies: {
            '@mikro-orm/core': '*',
            [engine === 'mysql' ? '@mikro-orm/mariadb' : '@mikro-orm/sqlite']: '*',
            '@mikro-orm/migrations': '*',
          },
        }),
        'migrations/Migration20240101000000_create_settings.ts': lines(
          "import { Migration } from '@mikro-orm/migrations';",
          '',
          'export class Migration20240101000000 extends Migration {',
          '  override async up(): Promise<void> {',
          `    this.addSql('${SETTINGS_UP};');`,
          '  }',
          '',
          '  override async down(): Promise<void> {',
          `    this.addSql('${SETTINGS_DOWN};');`,
          '  }',
          '}',
        ),
      };
    case 'db-migrate':
      // db-migrate's MariaDB and SQLite drivers are not installed: runSql keeps the history readable without them.
      return {
        'package.json': JSON.stringify({
          name: 'matrix-db-migrate',
          dependencies: { 'db-migrate': '*', [engine === 'mysql' ? 'db-migrate-mysql' : 'db-migrate-sqlite3']: '*' },
        }),
        'migrations/20240101000000-create-settings.js': lines(
          "'use strict';",
          '',
          'exports.up = function (db) {',
          `  return db.runSql('${SETTINGS_UP}');`,
          '};',
          '',
          'exports.down = function (db) {',
          `  return db.runSql('${SETTINGS_DOWN}');`,
          '};',
          '',
          'exports._meta = { version: 1 };',
        ),
      };
    default:
      throw new Error(`no ${engine} project for ${tool}`);
  }
}

/** A Drizzle project as `drizzle-kit generate` leaves it after its first migration (drizzle-kit 0.31's layouts). */
function drizzleFiles(engine: MatrixEngine): Record<string, string> {
  const mysql = engine === 'mysql';
  const table = mysql
    ? {
        name: 'matrix_settings',
        columns: {
          name: { name: 'name', type: 'varchar(64)', primaryKey: false, notNull: true, autoincrement: false },
        },
        indexes: {},
        foreignKeys: {},
        compositePrimaryKeys: { matrix_settings_name: { name: 'matrix_settings_name', columns: ['name'] } },
        uniqueConstraints: {},
        checkConstraint: {},
      }
    : {
        name: 'matrix_settings',
        columns: { name: { name: 'name', type: 'text(64)', primaryKey: true, notNull: true, autoincrement: false } },
        indexes: {},
        foreignKeys: {},
        compositePrimaryKeys: {},
        uniqueConstraints: {},
        checkConstraints: {},
      };
  const snapshot = {
    version: mysql ? '5' : '6',
    dialect: engine,
    id: '32eb050c-c95b-465d-b571-51fd34dd21ad',
    prevId: '00000000-0000-0000-0000-000000000000',
    tables: { matrix_settings: table },
    views: {},
    ...(mysql ? {} : { enums: {} }),
    _meta: { schemas: {}, tables: {}, columns: {} },
    internal: mysql ? { tables: {}, indexes: {} } : { indexes: {} },
  };
  const journal = {
    version: '7',
    dialect: engine,
    entries: [
      { idx: 0, version: mysql ? '5' : '6', when: 1796601949400, tag: '0000_create_settings', breakpoints: true },
    ],
  };
  return {
    'package.json': JSON.stringify({
      name: 'matrix-drizzle',
      type: 'module',
      dependencies: { 'drizzle-orm': '^0.45.0', [mysql ? 'mysql2' : 'better-sqlite3']: '*' },
      devDependencies: { 'drizzle-kit': '^0.31.0' },
    }),
    'drizzle.config.ts': lines(
      "import { defineConfig } from 'drizzle-kit';",
      '',
      'export default defineConfig({',
      `  dialect: '${engine}',`,
      "  schema: './src/db/schema.ts',",
      "  out: './drizzle',",
      '});',
    ),
    'src/db/schema.ts': mysql
      ? lines(
          "import { mysqlTable, varchar } from 'drizzle-orm/mysql-core';",
          '',
          "export const matrixSettings = mysqlTable('matrix_settings', {",
          "  name: varchar('name', { length: 64 }).primaryKey(),",
          '});',
        )
      : lines(
          "import { sqliteTable, text } from 'drizzle-orm/sqlite-core';",
          '',
          "export const matrixSettings = sqliteTable('matrix_settings', {",
          "  name: text('name', { length: 64 }).primaryKey(),",
          '});',
        ),
    'drizzle/0000_create_settings.sql': mysql
      ? lines(
          'CREATE TABLE `matrix_settings` (',
          '\t`name` varchar(64) NOT NULL,',
          '\tCONSTRAINT `matrix_settings_name` PRIMARY KEY(`name`)',
          ');',
        )
      : lines('CREATE TABLE `matrix_settings` (', '\t`name` text(64) PRIMARY KEY NOT NULL', ');'),
    'drizzle/meta/_journal.json': `${JSON.stringify(journal, null, 2)}`,
    'drizzle/meta/0000_snapshot.json': `${JSON.stringify(snapshot, null, 2)}`,
  };
}

/** Atlas migration files with the atlas.sum `atlas migrate hash` writes for them. */
function atlasMigrations(files: Record<string, string>): Record<string, string> {
  const sum = computeSum(Object.entries(files).map(([name, text]) => ({ name, bytes: Buffer.from(text) })));
  const sumText = lines(`h1:${sum.total}`, ...Object.keys(files).map((name) => `${name} h1:${sum.byName.get(name)}`));
  return {
    ...Object.fromEntries(Object.entries(files).map(([name, text]) => [`migrations/${name}`, text])),
    'migrations/atlas.sum': sumText,
  };
}
