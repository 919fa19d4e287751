import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectSetup } from '../../src/project/detect.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { runRehearsalRequest } from '../../src/shadow/request.js';
import { readMigrations } from '../../src/sources/index.js';
import { tempProject } from '../project/helpers.js';

/**
 * Each tool's real transaction mode, as detect reports it and the readers return it: a CommonJS knex project is
 * told to opt out with `exports.config` (never ESM syntax it cannot load), and Flyway runs a file holding only
 * CONCURRENTLY statements without a transaction, but refuses one that mixes them with other statements.
 */
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

afterAll(async () => {
  await releaseWarmPglite();
});

describe('knex CommonJS migrations', () => {
  it('are reported as cjs, with the opt-out in CommonJS syntax and each file its own mode', async () => {
    const root = path.join(FIXTURES, 'trust-knex-cjs');
    const [setup] = detectSetup(root).packages;
    const conventions = setup?.conventions.find((each) => each.tool === 'knex');
    expect(conventions?.moduleStyle).toBe('cjs');
    expect(conventions?.transaction).toBe(
      'per migration (opt out per file with `exports.config = { transaction: false }`)',
    );
    expect(setup?.migrations.map((entry) => [entry.id, entry.transactional])).toEqual([
      ['20240101000000_create_accounts', true],
      ['20240102000000_index_accounts_online', false],
      ['20240103000000_index_accounts', true],
    ]);
  });

  it('ESM knex migrations keep the ESM opt-out', () => {
    const [setup] = detectSetup(path.join(FIXTURES, 'sources-knex-esm')).packages;
    const conventions = setup?.conventions.find((each) => each.tool === 'knex');
    expect(conventions?.moduleStyle).toBe('esm');
    expect(conventions?.transaction).toContain('`export const config = { transaction: false }`');
  });
});

describe('Flyway and CONCURRENTLY', () => {
  const root = path.join(FIXTURES, 'trust-flyway-concurrently');

  it('a file of CONCURRENTLY statements only runs without a transaction; a mixed file is refused by Flyway', async () => {
    const read = await readMigrations(root);
    expect(read.migrations.map((migration) => [migration.id, migration.transactional])).toEqual([
      ['1', true],
      ['2', false],
      ['3', true],
    ]);
    expect(read.migrations[2]?.notes.join('\n')).toContain('Flyway refuses it unless `mixed = true`');
  });

  it('rehearses the lone CONCURRENTLY file outside a transaction, and fails the mixed file as Flyway would', async () => {
    const online = await runRehearsalRequest({
      projectRoot: root,
      migration: 'db/migration/V2__index_accounts_online.sql',
    });
    expect(online.outcome).toBe('passed');
    expect(online.steps[0]?.transaction).toBe('none (autocommit)');
    const mixed = await runRehearsalRequest({ projectRoot: root, migration: 'db/migration/V3__name_with_index.sql' });
    expect(mixed.outcome).toBe('failed');
    expect(mixed.failure?.message).toMatch(/cannot run inside a transaction block/);
    expect(mixed.steps.find((step) => step.error)?.notes.join('\n')).toContain(
      'Flyway runs a file holding only such statements outside a transaction',
    );
  });
});

describe('knex without a knexfile', () => {
  it('finds a CommonJS knex_migrations folder (the folder is named in code, as in uptime-kuma)', () => {
    const project = tempProject({
      'package.json': JSON.stringify({ name: 'app', dependencies: { knex: '3.1.0' } }),
      'db/knex_migrations/2024-01-01-0000-create-monitor.js':
        "exports.up = function (knex) {\n  return knex.schema.createTable('monitor', (table) => table.increments('id'));\n};\n\nexports.down = function (knex) {\n  return knex.schema.dropTable('monitor');\n};\n",
    });
    try {
      const [setup] = detectSetup(project.dir).packages;
      expect(setup?.migrationDirs.map((dir) => [dir.path, dir.tool, dir.count])).toEqual([
        ['db/knex_migrations', 'knex', 1],
      ]);
      expect(setup?.conventions[0]?.moduleStyle).toBe('cjs');
    } finally {
      project.cleanup();
    }
  });
});
