import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOOL_TABLE_READERS } from '../../src/environments/tool-tables.js';
import { project } from './databases.js';

/** Where each tool's configuration renames its bookkeeping table, read as text from a project's files. */

async function read(tool: string, files: Record<string, string>, migrations = 'migrations') {
  const root = project(files);
  const reader = TOOL_TABLE_READERS[tool];
  if (!reader) throw new Error(`no reader for ${tool}`);
  return reader({ root, packageDirectory: root, migrationsDirectory: path.join(root, migrations) });
}

describe('renamed bookkeeping tables in the project configuration', () => {
  it('Flyway: flyway.conf table and defaultSchema; else the first of schemas', async () => {
    expect(
      await read('flyway', {
        'flyway.conf': 'flyway.url=jdbc:x\nflyway.table=schema_history\nflyway.defaultSchema=app\n',
      }),
    ).toEqual({ setting: { table: 'schema_history', schema: 'app', source: 'flyway.conf:2 (flyway.table)' } });
    expect(await read('flyway', { 'conf/flyway.conf': 'flyway.schemas=billing,audit\n' })).toEqual({
      setting: { schema: 'billing', source: 'conf/flyway.conf:1 (flyway.defaultSchema / flyway.schemas)' },
    });
  });

  it('Flyway: flyway.toml, and Spring Boot application.properties / application.yml', async () => {
    expect(
      await read('flyway', {
        'flyway.toml':
          '[environments.default]\nurl = "jdbc:x"\nschemas = ["app", "other"]\n\n[flyway]\ntable = "history"\n',
      }),
    ).toEqual({ setting: { table: 'history', schema: 'app', source: 'flyway.toml:6 (table)' } });
    expect(
      await read('flyway', {
        'src/main/resources/application.properties': 'spring.flyway.table=app_history\nspring.flyway.schemas=core\n',
      }),
    ).toEqual({
      setting: {
        table: 'app_history',
        schema: 'core',
        source: 'src/main/resources/application.properties:1 (spring.flyway.table)',
      },
    });
    expect(
      await read('flyway', {
        'src/main/resources/application.yml': 'spring:\n  flyway:\n    table: yml_history\n',
      }),
    ).toEqual({
      setting: { table: 'yml_history', source: 'src/main/resources/application.yml:3 (spring.flyway.table)' },
    });
  });

  it('Flyway: a placeholder is code, reported rather than guessed', async () => {
    const placeholder = ['$', '{HISTORY_TABLE}'].join('');
    expect(await read('flyway', { 'flyway.conf': `flyway.table=${placeholder}\n` })).toEqual({
      computed: `flyway.conf:1 sets flyway.table from code (${placeholder})`,
    });
  });

  it('node-pg-migrate: the script flags, else config/default.json, else a --config-file', async () => {
    const manifest = (script: string) =>
      JSON.stringify({ name: 'app', scripts: { migrate: script }, dependencies: { 'node-pg-migrate': '^9' } });
    expect(
      await read('node-pg-migrate', {
        'package.json': manifest('node-pg-migrate up -t pgm_history --migrations-schema meta'),
      }),
    ).toEqual({ setting: { table: 'pgm_history', schema: 'meta', source: 'package.json:1 (--migrations-table)' } });
    expect(
      await read('node-pg-migrate', {
        'package.json': manifest('node-pg-migrate up'),
        'config/default.json':
          '{\n  "db": {\n    "url": "postgres://x",\n    "migrations-table": "cfg_history"\n  }\n}\n',
      }),
    ).toEqual({ setting: { table: 'cfg_history', source: 'config/default.json:4 (migrations-table)' } });
    expect(
      await read('node-pg-migrate', {
        'package.json': manifest('node-pg-migrate up --config-file db/pgm.json'),
        'db/pgm.json': '{ "migrations-table": "file_history", "schema": "meta" }\n',
      }),
    ).toEqual({ setting: { table: 'file_history', schema: 'meta', source: 'db/pgm.json:1 (migrations-table)' } });
  });

  it('golang-migrate: x-migrations-table in a -database URL of the Makefile, quoted schema.table too', async () => {
    expect(
      await read('golang-migrate', {
        Makefile:
          'migrate-up:\n\tmigrate -path migrations -database "$(DATABASE_URL)?sslmode=disable&x-migrations-table=gm_versions" up\n',
      }),
    ).toEqual({ setting: { table: 'gm_versions', source: 'Makefile:2 (x-migrations-table)' } });
    expect(
      await read('golang-migrate', {
        'package.json': JSON.stringify({
          scripts: {
            up: 'migrate -path db -database "$DATABASE_URL?x-migrations-table=%22meta%22.%22versions%22&x-migrations-table-quoted=1" up',
          },
        }),
      }),
    ).toEqual({ setting: { table: 'versions', schema: 'meta', source: 'package.json:1 (x-migrations-table)' } });
  });

  it('goose -table and GOOSE_TABLE; dbmate --migrations-table and DBMATE_MIGRATIONS_TABLE', async () => {
    expect(
      await read('goose', { Makefile: 'up:\n\tgoose -dir migrations -table meta.goose_log postgres "$(DB)" up\n' }),
    ).toEqual({
      setting: { table: 'goose_log', schema: 'meta', source: 'Makefile:2 (-table)' },
    });
    expect(await read('goose', { '.env': 'GOOSE_DRIVER=postgres\nGOOSE_TABLE="goose_env"\n' })).toEqual({
      setting: { table: 'goose_env', source: '.env:2 (GOOSE_TABLE)' },
    });
    expect(await read('dbmate', { '.env': 'export DBMATE_MIGRATIONS_TABLE=dbmate_log\n' })).toEqual({
      setting: { table: 'dbmate_log', source: '.env:1 (DBMATE_MIGRATIONS_TABLE)' },
    });
  });

  it("sqlx: sqlx.toml's [migrate] table-name, schema-qualified or not", async () => {
    expect(await read('sqlx', { 'sqlx.toml': '[migrate]\ntable-name = "meta._sqlx_log"\n' })).toEqual({
      setting: { table: '_sqlx_log', schema: 'meta', source: 'sqlx.toml:2 (table-name)' },
    });
    expect(await read('sqlx', { 'sqlx.toml': '[migrate]\ntable-name = "sqlx_log"\n' })).toEqual({
      setting: { table: 'sqlx_log', source: 'sqlx.toml:2 (table-name)' },
    });
  });

  it("Drizzle: drizzle.config's migrations.table and migrations.schema; a computed one is reported", async () => {
    expect(
      await read('drizzle', {
        'drizzle.config.ts':
          "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({\n  dialect: 'postgresql',\n  out: './drizzle',\n  migrations: {\n    table: 'drizzle_log',\n    schema: 'meta',\n  },\n});\n",
      }),
    ).toEqual({ setting: { table: 'drizzle_log', schema: 'meta', source: 'drizzle.config.ts:6 (migrations.table)' } });
    expect(
      await read('drizzle', {
        'drizzle.config.ts':
          "export default {\n  dialect: 'postgresql',\n  migrations: { table: process.env.MIGRATIONS_TABLE },\n};\n",
      }),
    ).toEqual({ computed: 'drizzle.config.ts:3 sets migrations.table from code (process.env.MIGRATIONS_TABLE)' });
    // The drizzle.config `schema` (the schema files) is not the migrations schema.
    expect(
      await read('drizzle', {
        'drizzle.config.ts': "export default { dialect: 'postgresql', schema: './src/schema.ts' };\n",
      }),
    ).toEqual({});
  });

  it("Alembic: env.py's version_table / version_table_schema beside the versions folder", async () => {
    expect(
      await read(
        'alembic',
        {
          'alembic/env.py':
            "from alembic import context\n# version_table='commented'\ncontext.configure(\n    connection=connection,\n    version_table='alembic_history',\n    version_table_schema=\"meta\",\n)\n",
        },
        'alembic/versions',
      ),
    ).toEqual({ setting: { table: 'alembic_history', schema: 'meta', source: 'alembic/env.py:5 (version_table)' } });
  });

  it('Liquibase: liquibase.properties and Spring Boot', async () => {
    expect(
      await read('liquibase', {
        'liquibase.properties':
          'changeLogFile=db/changelog.xml\ndatabaseChangeLogTableName=CHANGELOG_HISTORY\nliquibaseSchemaName=meta\n',
      }),
    ).toEqual({
      setting: {
        table: 'CHANGELOG_HISTORY',
        schema: 'meta',
        source: 'liquibase.properties:2 (databaseChangeLogTableName)',
      },
    });
    expect(
      await read('liquibase', {
        'src/main/resources/application.yml':
          'spring:\n  liquibase:\n    change-log: classpath:db/changelog.xml\n    database-change-log-table: lb_history\n',
      }),
    ).toEqual({
      setting: {
        table: 'lb_history',
        source: 'src/main/resources/application.yml:4 (spring.liquibase.database-change-log-table)',
      },
    });
  });

  it('knex, TypeORM and Sequelize: literal names are read, computed ones reported', async () => {
    expect(
      await read('knex', {
        'knexfile.js':
          "module.exports = { client: 'pg', migrations: { tableName: 'knex_log', schemaName: 'meta' } };\n",
      }),
    ).toEqual({ setting: { table: 'knex_log', schema: 'meta', source: 'knexfile.js:1 (migrations.tableName)' } });
    expect(
      await read('knex', { 'knexfile.ts': 'export default { client: "pg", migrations: { tableName: TABLE } };\n' }),
    ).toEqual({ computed: 'knexfile.ts:1 sets migrations.tableName from code (TABLE)' });
    expect(
      await read('typeorm', { 'ormconfig.json': '{ "type": "postgres", "migrationsTableName": "typeorm_log" }' }),
    ).toEqual({ setting: { table: 'typeorm_log', source: 'ormconfig.json:1 (migrationsTableName)' } });
    expect(
      await read('sequelize', {
        'config/config.json':
          '{ "development": { "dialect": "postgres", "migrationStorageTableName": "sequelize_log", "migrationStorageTableSchema": "meta" } }',
      }),
    ).toEqual({
      setting: { table: 'sequelize_log', schema: 'meta', source: 'config/config.json:1 (migrationStorageTableName)' },
    });
  });

  it('nothing renamed: no setting', async () => {
    expect(await read('flyway', { 'flyway.conf': 'flyway.url=jdbc:x\n' })).toEqual({});
    expect(await read('golang-migrate', { Makefile: 'up:\n\tmigrate -path m -database "$(DB)" up\n' })).toEqual({});
  });
});
