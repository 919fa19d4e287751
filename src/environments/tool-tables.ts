import path from 'node:path';
import { readText } from '../sources/files.js';
import { KNEXFILES } from '../sources/formats/knex.js';
import { CONFIG_FILES as SEQUELIZE_FILES } from '../sources/formats/sequelize.js';
import { CONFIG_FILES as TYPEORM_FILES } from '../sources/formats/typeorm.js';
import {
  blockSetting,
  envFileSetting,
  firstOfList,
  flagSetting,
  objectBlock,
  propertySetting,
  sourceSetting,
  type TextSetting,
  tomlString,
  yamlSetting,
} from './config-text.js';

/**
 * Where a migration tool was told to keep its bookkeeping table under another name or schema, read from the
 * project's files as text (flyway.conf's flyway.table, drizzle.config's migrations.table, a Makefile's
 * x-migrations-table …). Knex, TypeORM and Sequelize's renamed tables are read by their format modules too.
 */

export interface TableSetting {
  table?: string;
  /** PostgreSQL schema (MySQL: database) the table is kept in. */
  schema?: string;
  /** Where the project says so: `flyway.conf:3 (flyway.table)`. */
  source: string;
}

export interface ToolTableRead {
  setting?: TableSetting;
  /** The configuration computes the name (an environment variable, a variable): where, and what it says. */
  computed?: string;
}

export interface ProjectPlaces {
  root: string;
  /** Absolute folder of the package holding the migrations. */
  packageDirectory: string;
  /** Absolute folder of the migrations. */
  migrationsDirectory: string;
}

type Reader = (places: ProjectPlaces) => Promise<ToolTableRead>;

interface Candidate {
  file: string;
  table?: (text: string) => TextSetting | undefined;
  schema?: (text: string) => TextSetting | undefined;
  /** The table setting holds `schema.table` (dbmate, goose, Liquibase's Spring key do not, golang-migrate may). */
  qualified?: boolean;
  key: string;
  /** The schema's key, named as the source when only the schema is set. */
  schemaKey?: string;
}

/** The first candidate file that sets the table or its schema decides. */
async function firstSetting(places: ProjectPlaces, candidates: Candidate[]): Promise<ToolTableRead> {
  for (const candidate of candidates) {
    const absolute = path.resolve(places.packageDirectory, candidate.file);
    const text = await readText(absolute);
    if (text === undefined) continue;
    const table = candidate.table?.(text);
    const schema = candidate.schema?.(text);
    if (!table && !schema) continue;
    const shown = path.relative(places.root, absolute).split(path.sep).join('/');
    const computed = [table, schema].find((found) => found && 'code' in found);
    if (computed && 'code' in computed)
      return { computed: `${shown}:${computed.line} sets ${candidate.key} from code (${computed.code})` };
    const setting: TableSetting = {
      source: `${shown}:${(table ?? schema)?.line} (${table ? candidate.key : (candidate.schemaKey ?? candidate.key)})`,
    };
    const tableName = table && 'value' in table ? table.value : undefined;
    const schemaName = schema && 'value' in schema ? schema.value : undefined;
    if (tableName) Object.assign(setting, candidate.qualified ? splitQualified(tableName) : { table: tableName });
    if (schemaName) setting.schema = schemaName;
    return { setting };
  }
  return {};
}

/** `schema.table` or `"schema"."table"` → its parts; a plain name is a table. */
export function splitQualified(name: string): { table: string; schema?: string } {
  const quoted = /^"([^"]+)"\."([^"]+)"$/.exec(name);
  if (quoted) return { schema: quoted[1] ?? '', table: quoted[2] ?? '' };
  const dot = name.indexOf('.');
  return dot > 0
    ? { schema: name.slice(0, dot), table: name.slice(dot + 1) }
    : { table: name.replace(/^"(.*)"$/, '$1') };
}

const SCRIPT_FILES = ['Makefile', 'makefile', 'GNUmakefile', 'justfile', 'Taskfile.yml', 'package.json', '.env'];

/** Flyway: flyway.conf / flyway.toml (table, defaultSchema, else the first of schemas), or Spring Boot's keys. */
const flyway: Reader = async (places) => {
  const confKeys = (file: string): Candidate => ({
    file,
    key: 'flyway.table',
    schemaKey: 'flyway.defaultSchema / flyway.schemas',
    table: (text) => propertySetting(text, ['flyway.table']),
    schema: (text) => firstOfList(propertySetting(text, ['flyway.defaultSchema', 'flyway.schemas'])),
  });
  const tomlKeys = (file: string): Candidate => ({
    file,
    key: 'table',
    table: (text) => tomlString(text, 'table'),
    schema: (text) => tomlString(text, 'defaultSchema') ?? firstOfList(tomlString(text, 'schemas')),
  });
  const spring = (file: string): Candidate => ({
    file,
    key: 'spring.flyway.table',
    table: (text) => propertySetting(text, ['spring.flyway.table']),
    schema: (text) => firstOfList(propertySetting(text, ['spring.flyway.default-schema', 'spring.flyway.schemas'])),
  });
  const springYaml = (file: string): Candidate => ({
    file,
    key: 'spring.flyway.table',
    table: (text) => yamlSetting(text, ['spring', 'flyway', 'table']),
    schema: (text) =>
      yamlSetting(text, ['spring', 'flyway', 'default-schema']) ??
      firstOfList(yamlSetting(text, ['spring', 'flyway', 'schemas'])),
  });
  const resources = 'src/main/resources';
  return firstSetting(places, [
    confKeys('flyway.conf'),
    confKeys('conf/flyway.conf'),
    tomlKeys('flyway.toml'),
    tomlKeys('conf/flyway.toml'),
    spring(`${resources}/application.properties`),
    springYaml(`${resources}/application.yml`),
    springYaml(`${resources}/application.yaml`),
  ]);
};

/** Liquibase: liquibase.properties, or Spring Boot's spring.liquibase keys. */
const liquibase: Reader = async (places) => {
  const properties = (file: string): Candidate => ({
    file,
    key: 'databaseChangeLogTableName',
    table: (text) => propertySetting(text, ['databaseChangeLogTableName', 'liquibase.databaseChangeLogTableName']),
    schema: (text) =>
      propertySetting(text, [
        'liquibaseSchemaName',
        'liquibase.liquibaseSchemaName',
        'defaultSchemaName',
        'liquibase.defaultSchemaName',
      ]),
  });
  const spring = (file: string): Candidate => ({
    file,
    key: 'spring.liquibase.database-change-log-table',
    table: (text) => propertySetting(text, ['spring.liquibase.database-change-log-table']),
    schema: (text) => propertySetting(text, ['spring.liquibase.liquibase-schema', 'spring.liquibase.default-schema']),
  });
  const springYaml = (file: string): Candidate => ({
    file,
    key: 'spring.liquibase.database-change-log-table',
    table: (text) => yamlSetting(text, ['spring', 'liquibase', 'database-change-log-table']),
    schema: (text) =>
      yamlSetting(text, ['spring', 'liquibase', 'liquibase-schema']) ??
      yamlSetting(text, ['spring', 'liquibase', 'default-schema']),
  });
  const resources = 'src/main/resources';
  return firstSetting(places, [
    properties('liquibase.properties'),
    properties(`${resources}/liquibase.properties`),
    spring(`${resources}/application.properties`),
    springYaml(`${resources}/application.yml`),
    springYaml(`${resources}/application.yaml`),
  ]);
};

/** node-pg-migrate: its script's --migrations-table / --migrations-schema (else --schema), config/default.json's db. */
const nodePgMigrate: Reader = async (places) => {
  const command = /node-pg-migrate/;
  const fromScripts = await firstSetting(places, [
    {
      file: 'package.json',
      key: '--migrations-table',
      table: (text) => flagSetting(text, command, ['-t', '--migrations-table']),
      schema: (text) => flagSetting(text, command, ['--migrations-schema', '-s', '--schema']),
    },
  ]);
  if (fromScripts.setting || fromScripts.computed) return fromScripts;
  const manifest = (await readText(path.join(places.packageDirectory, 'package.json'))) ?? '';
  const configFile = flagSetting(manifest, command, ['-f', '--config-file']);
  const files = [...(configFile && 'value' in configFile ? [configFile.value] : []), 'config/default.json'];
  return firstSetting(
    places,
    files.map((file) => ({
      file,
      key: 'migrations-table',
      table: (text) => sourceSetting(text, 'migrations-table'),
      schema: (text) => sourceSetting(text, 'migrations-schema') ?? sourceSetting(text, 'schema'),
    })),
  );
};

/** golang-migrate: `x-migrations-table` in a -database URL of a Makefile, script or .env. */
const golangMigrate: Reader = (places) =>
  firstSetting(
    places,
    [...SCRIPT_FILES, 'docker-compose.yml', 'docker-compose.yaml', 'compose.yaml'].map((file) => ({
      file,
      key: 'x-migrations-table',
      qualified: true,
      table: (text) => {
        const match = /[?&]x-migrations-table=([^&\s"'\\]+)/.exec(text);
        if (!match) return undefined;
        const line = text.slice(0, match.index).split('\n').length;
        const value = decodeURIComponent(match[1] ?? '');
        return /^\$/.test(value) ? { code: value, line } : { value, line };
      },
    })),
  );

/** goose: `-table` on a goose command line, or GOOSE_TABLE in .env. */
const goose: Reader = (places) =>
  firstSetting(places, [
    ...SCRIPT_FILES.filter((file) => file !== '.env').map((file) => ({
      file,
      key: '-table',
      qualified: true,
      table: (text: string) => flagSetting(text, /\bgoose\b/, ['-table', '--table']),
    })),
    { file: '.env', key: 'GOOSE_TABLE', qualified: true, table: (text) => envFileSetting(text, 'GOOSE_TABLE') },
  ]);

/** dbmate: `--migrations-table` on a dbmate command line, or DBMATE_MIGRATIONS_TABLE in .env. */
const dbmate: Reader = (places) =>
  firstSetting(places, [
    ...SCRIPT_FILES.filter((file) => file !== '.env').map((file) => ({
      file,
      key: '--migrations-table',
      qualified: true,
      table: (text: string) => flagSetting(text, /\bdbmate\b/, ['--migrations-table']),
    })),
    {
      file: '.env',
      key: 'DBMATE_MIGRATIONS_TABLE',
      qualified: true,
      table: (text) => envFileSetting(text, 'DBMATE_MIGRATIONS_TABLE'),
    },
  ]);

/** Drizzle: drizzle.config's `migrations: { table, schema }`. */
const drizzle: Reader = (places) =>
  firstSetting(
    places,
    ['drizzle.config.ts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.json'].map((file) => ({
      file,
      key: 'migrations.table',
      table: (text) => {
        const block = objectBlock(text, 'migrations');
        return block && blockSetting(text, block, 'table');
      },
      schema: (text) => {
        const block = objectBlock(text, 'migrations');
        return block && blockSetting(text, block, 'schema');
      },
    })),
  );

/** Alembic: `context.configure(version_table=…, version_table_schema=…)` in the env.py beside versions/. */
const alembic: Reader = (places) =>
  firstSetting(places, [
    {
      file: path.join(path.dirname(places.migrationsDirectory), 'env.py'),
      key: 'version_table',
      table: (text) => sourceSetting(text, 'version_table'),
      schema: (text) => sourceSetting(text, 'version_table_schema'),
    },
  ]);

/** knex: the knexfile's migrations.tableName / schemaName (a computed one is reported, not guessed). */
const knex: Reader = (places) =>
  firstSetting(
    places,
    KNEXFILES.map((file) => ({
      file,
      key: 'migrations.tableName',
      table: (text) => sourceSetting(text, 'tableName'),
      schema: (text) => sourceSetting(text, 'schemaName'),
    })),
  );

const typeorm: Reader = (places) =>
  firstSetting(
    places,
    TYPEORM_FILES.map((file) => ({
      file,
      key: 'migrationsTableName',
      table: (text) => sourceSetting(text, 'migrationsTableName'),
    })),
  );

const sequelize: Reader = (places) =>
  firstSetting(
    places,
    SEQUELIZE_FILES.map((file) => ({
      file,
      key: 'migrationStorageTableName',
      table: (text) => sourceSetting(text, 'migrationStorageTableName'),
      schema: (text) => sourceSetting(text, 'migrationStorageTableSchema'),
    })),
  );

/** sqlx 0.9: sqlx.toml `[migrate] table-name` (may be `schema.table`), beside the crate's Cargo.toml. */
const sqlx: Reader = (places) =>
  firstSetting(places, [
    { file: 'sqlx.toml', key: 'table-name', qualified: true, table: (text) => tomlString(text, 'table-name') },
  ]);

export const TOOL_TABLE_READERS: Readonly<Record<string, Reader>> = {
  flyway,
  liquibase,
  'node-pg-migrate': nodePgMigrate,
  'golang-migrate': golangMigrate,
  goose,
  dbmate,
  sqlx,
  drizzle,
  alembic,
  knex,
  typeorm,
  sequelize,
};
