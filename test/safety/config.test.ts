import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadSafetyConfig } from '../../src/safety/config.js';
import { checkSqlInputs } from '../../src/safety/run.js';

const known = new Set(['require-lock-timeout', 'drop-column', 'unknown-table']);
const folders: string[] = [];

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'dma-config-'));
  folders.push(root);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(root, name), content);
  return root;
}

async function errorOf(run: () => Promise<unknown>): Promise<UserError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('project configuration', () => {
  it('reads db-migration-agent.config.json', async () => {
    const root = project({
      'db-migration-agent.config.json': JSON.stringify({
        rules: { 'drop-column': 'warning', 'require-lock-timeout': 'off' },
        pgVersion: 16,
        assumeInTransaction: true,
        largeTableRows: 5000,
      }),
    });
    expect(await loadSafetyConfig(root, known)).toEqual({
      config: {
        rules: { 'drop-column': 'warning', 'require-lock-timeout': 'off' },
        pgVersion: 16,
        assumeInTransaction: true,
        largeTableRows: 5000,
      },
      source: 'db-migration-agent.config.json',
    });
  });

  it('reads the dbMigrationAgent key of package.json, and nothing when absent', async () => {
    const root = project({ 'package.json': JSON.stringify({ name: 'x', dbMigrationAgent: { pgVersion: 13 } }) });
    expect(await loadSafetyConfig(root, known)).toEqual({
      config: { pgVersion: 13 },
      source: 'package.json#dbMigrationAgent',
    });
    expect(await loadSafetyConfig(project({ 'package.json': '{"name":"y"}' }), known)).toEqual({ config: {} });
    expect(await loadSafetyConfig(project({}), known)).toEqual({ config: {} });
  });

  it('locates a wrong value at file:line:col', async () => {
    const root = project({
      'db-migration-agent.config.json': '{\n  "pgVersion": 15,\n  "largeTableRows": "many"\n}\n',
    });
    const error = await errorOf(() => loadSafetyConfig(root, known));
    expect(error.code).toBe('config-invalid');
    expect(error.where).toEqual({ file: 'db-migration-agent.config.json', line: 3, column: 21 });
    expect(error.what).toContain('largeTableRows');
  });

  it('rejects unknown keys and unknown rule ids where they stand', async () => {
    const typo = await errorOf(() =>
      loadSafetyConfig(project({ 'db-migration-agent.config.json': '{\n  "pgversion": 15\n}' }), known),
    );
    expect(typo.code).toBe('config-invalid');
    expect(typo.where?.line).toBe(2);
    const rule = await errorOf(() =>
      loadSafetyConfig(
        project({
          'db-migration-agent.config.json':
            '{\n  "rules": {\n    "drop-column": "off",\n    "no-such-rule": "off"\n  }\n}',
        }),
        known,
      ),
    );
    expect(rule.code).toBe('config-unknown-rule');
    expect(rule.where).toEqual({ file: 'db-migration-agent.config.json', line: 4, column: 21 });
    const severity = await errorOf(() =>
      loadSafetyConfig(project({ 'db-migration-agent.config.json': '{"rules": {"drop-column": "fatal"}}' }), known),
    );
    expect(severity.where).toEqual({ file: 'db-migration-agent.config.json', line: 1, column: 27 });
  });

  it('reports JSON syntax errors with a position', async () => {
    const error = await errorOf(() =>
      loadSafetyConfig(project({ 'db-migration-agent.config.json': '{\n  "pgVersion": 15,\n}' }), known),
    );
    expect(error.code).toBe('config-syntax');
    expect(error.where?.file).toBe('db-migration-agent.config.json');
    expect(error.where?.line).toBe(3);
  });

  it('locates errors inside package.json under the dbMigrationAgent key', async () => {
    const root = project({
      'package.json': '{\n  "name": "x",\n  "dbMigrationAgent": {\n    "assumeInTransaction": "yes"\n  }\n}',
    });
    const error = await errorOf(() => loadSafetyConfig(root, known));
    expect(error.where).toEqual({ file: 'package.json', line: 4, column: 28 });
  });

  it('is applied by checkSqlInputs, and caller options win', async () => {
    const root = project({
      'db-migration-agent.config.json': JSON.stringify({
        pgVersion: 12,
        assumeInTransaction: true,
        largeTableRows: 10,
        rowCounts: { t: 50 },
      }),
    });
    const input = [{ file: 'm.sql', sql: 'CREATE INDEX i ON t (a);' }];
    const fromConfig = await checkSqlInputs(input, { root });
    expect(fromConfig).toMatchObject({
      pgVersion: 12,
      assumeInTransaction: true,
      largeTableRows: 10,
      configSource: 'db-migration-agent.config.json',
    });
    expect(fromConfig.files[0]?.locks[0]?.locks[0]).toMatchObject({ table: 't', rows: 50 });
    const overridden = await checkSqlInputs(input, { root, pgVersion: 17, assumeInTransaction: false });
    expect(overridden).toMatchObject({ pgVersion: 17, assumeInTransaction: false });
  });
});
