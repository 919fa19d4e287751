import { describe, expect, it } from 'vitest';
import { loadEnvironments, parseEnvironments, resolveUrl } from '../../src/environments/config.js';
import { migrationStatus } from '../../src/environments/status.js';
import { UserError } from '../../src/errors.js';
import { project } from './databases.js';

function errorOf(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('environments in db-migration-agent.config.json', () => {
  it('reads environment names and env:VARIABLE references in file order, with where each was declared', () => {
    const text =
      '{\n  "environments": {\n    "dev": { "url": "env:DATABASE_URL" },\n    "production": { "url": "env:PROD_URL" }\n  }\n}\n';
    expect(parseEnvironments(text, 'db-migration-agent.config.json', [])).toEqual([
      { name: 'dev', url: 'env:DATABASE_URL', where: { file: 'db-migration-agent.config.json', line: 3, column: 21 } },
      {
        name: 'production',
        url: 'env:PROD_URL',
        where: { file: 'db-migration-agent.config.json', line: 4, column: 28 },
      },
    ]);
  });

  it('refuses a URL written in the file, pointing at its line and column', () => {
    const text = '{\n  "environments": {\n    "prod": { "url": "postgres://app:secret@db/shop" }\n  }\n}';
    const error = errorOf(() => parseEnvironments(text, 'db-migration-agent.config.json', []));
    expect(error.code).toBe('config-invalid');
    expect(error.what).toBe(
      'Invalid environment at "environments.prod.url": write the URL as "env:VARIABLE" (URLs are never stored in the file)',
    );
    expect(error.where).toEqual({ file: 'db-migration-agent.config.json', line: 3, column: 22 });
  });

  it('refuses an unknown key and broken JSON, with file:line:col', () => {
    const unknownKey = errorOf(() =>
      parseEnvironments('{"environments": {"dev": {"url": "env:A", "password": "x"}}}', 'c.json', []),
    );
    expect(unknownKey.where).toMatchObject({ file: 'c.json', line: 1, column: 55 });
    const broken = errorOf(() => parseEnvironments('{"environments": {"dev": }}', 'c.json', []));
    expect(broken.code).toBe('config-syntax');
    expect(broken.where).toMatchObject({ file: 'c.json', line: 1 });
  });

  it("reads an environment's bookkeepingTable, and refuses one that is not a table name at its position", () => {
    const text = '{"environments": {"staging": {"url": "env:STAGING_URL", "bookkeepingTable": "meta.history"}}}';
    expect(parseEnvironments(text, 'c.json', [])[0]?.bookkeepingTable).toBe('meta.history');
    const error = errorOf(() =>
      parseEnvironments(
        '{"environments": {"staging": {"url": "env:S", "bookkeepingTable": "drop table x"}}}',
        'c.json',
        [],
      ),
    );
    expect(error.code).toBe('config-invalid');
    expect(error.what).toBe(
      'Invalid environment at "environments.staging.bookkeepingTable": write the table as "table" or "schema.table" (letters, digits, "_" and "$")',
    );
    expect(error.where).toEqual({ file: 'c.json', line: 1, column: 67 });
  });

  it('reads "dbMigrationAgent" in package.json, and the safety check accepts the key', () => {
    const root = project({
      'package.json': JSON.stringify({ name: 'x', dbMigrationAgent: { environments: { ci: { url: 'env:CI_DB' } } } }),
    });
    expect(loadEnvironments(root).map((environment) => environment.name)).toEqual(['ci']);
  });

  it('an unset variable names itself and where it was declared', () => {
    const error = errorOf(() => resolveUrl('env:DMA_SURELY_UNSET', { file: 'c.json', line: 3, column: 21 }, {}));
    expect(error.code).toBe('environment-variable-unset');
    expect(error.what).toBe('The environment variable DMA_SURELY_UNSET is not set.');
    expect(error.where).toEqual({ file: 'c.json', line: 3, column: 21 });
    expect(resolveUrl('env:DMA_SET', undefined, { DMA_SET: 'postgres://x@h/db' })).toBe('postgres://x@h/db');
  });

  it('an environment that cannot be read is reported without stopping the others, never with its password', async () => {
    const root = project({
      'db/migrations/20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id integer);\n',
      'db-migration-agent.config.json': JSON.stringify({
        environments: { dev: { url: 'env:DMA_DEV' }, staging: { url: 'env:DMA_STAGING' } },
      }),
    });
    const result = await migrationStatus({
      root,
      drift: false,
      env: { DMA_DEV: 'postgres://app:hunter2@127.0.0.1:1/nothing' },
    });
    expect(
      result.environments.map((environment) => [environment.environment, environment.url, environment.error?.code]),
    ).toEqual([
      ['dev', 'postgres://app:***@127.0.0.1:1/nothing', 'database-unreachable'],
      ['staging', 'env:DMA_STAGING', 'environment-variable-unset'],
    ]);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('an environment the configuration does not declare is an error listing the declared ones', async () => {
    const root = project({
      'db/migrations/20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id integer);\n',
      'db-migration-agent.config.json': JSON.stringify({ environments: { dev: { url: 'env:DMA_DEV' } } }),
    });
    await expect(migrationStatus({ root, environments: ['prod'] })).rejects.toThrow(
      'No environment "prod" in the configuration (declared: dev).',
    );
  });
});

describe('what status cannot read', () => {
  it('a tool without a bookkeeping table is refused, naming the tools it reads', async () => {
    const root = project({ 'migrations/001_init.sql': 'CREATE TABLE a (id integer);\n' });
    await expect(migrationStatus({ root, url: 'sqlite:none.db' })).rejects.toThrow(
      /migration_status does not know where .* records the migrations it applied/,
    );
  });
});

describe('configuredTableName', () => {
  it('reads the key from JSON or JS configuration as text, first file first', async () => {
    const { configuredTableName } = await import('../../src/sources/bookkeeping.js');
    const root = project({
      'config/config.json':
        '{ "development": { "dialect": "postgres", "migrationStorageTableName": "sequelize_history" } }',
      'config/config.js': "module.exports = { migrationStorageTableName: 'other' };",
    });
    expect(
      await configuredTableName(root, ['config/config.json', 'config/config.js'], 'migrationStorageTableName'),
    ).toBe('sequelize_history');
    expect(await configuredTableName(root, ['config/config.js'], 'migrationStorageTableName')).toBe('other');
    expect(await configuredTableName(root, ['missing.json'], 'migrationStorageTableName')).toBeUndefined();
  });
});
