import type { ToolName } from '../../src/project/types.js';

/**
 * Tiny projects of every format that runs on MariaDB or SQLite, for the engine matrix: the tool's own layout and
 * configuration for the engine, with one existing migration both engines accept (a table keyed by a varchar), so
 * the writer has a project's style and history to follow.
 */

export type MatrixEngine = 'mysql' | 'sqlite';

export const SETTINGS_UP = 'CREATE TABLE matrix_settings (name varchar(64) PRIMARY KEY)';
export const SETTINGS_DOWN = 'DROP TABLE matrix_settings';

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
          '-- Deploy matrix:create_settings to ' + sqitchEngine(engine),
          '',
          'BEGIN;',
          '',
          `${SETTINGS_UP};`,
          '',
          'COMMIT;',
        ),
        'revert/create_settings.sql': lines(
          '-- Revert matrix:create_settings from ' + sqitchEngine(engine),
          '',
          'BEGIN;',
          '',
          `${SETTINGS_DOWN};`,
          '',
          'COMMIT;',
        ),
        'verify/create_settings.sql': lines(
          '-- Verify matrix:create_settings on ' + sqitchEngine(engine),
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
        'migrations/20240101000000_create_settings.sql': lines(`${SETTINGS_UP};`),
      };
    case 'multi-dialect-sql': {
      const dialect = engine === 'mysql' ? 'mysql' : 'sqlite3';
      return {
        [`migrations/20240101000000_settings.${dialect}.up.sql`]: lines(`${SETTINGS_UP};`),
        [`migrations/20240101000000_settings.${dialect}.down.sql`]: lines(`${SETTINGS_DOWN};`),
      };
    }
    default:
      throw new Error(`no ${engine} project for ${tool}`);
  }
}
