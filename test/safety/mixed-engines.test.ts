import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

/**
 * A monorepo whose packages run on different engines (Prisma on PostgreSQL, Prisma on SQLite, a plain .sql folder
 * in a package that depends on mysql2): `check .` and validate_safety with no path check the PostgreSQL folder and
 * name each other folder as not checked, with its engine and where that was learned — nothing parsed as
 * PostgreSQL (the SQLite PRAGMA and MySQL backticks would be syntax errors), nothing silently dropped.
 */

const ROOT = path.join(import.meta.dirname, '../fixtures/trust-mixed-engines');
const API = 'packages/api/prisma/migrations/20240101000000_init/migration.sql';

interface Result {
  risk: string;
  checkedRisk: string;
  files: Array<{ file: string; findings: Array<{ ruleId: string }> }>;
  errors: Array<{ code: string; what: string; fix: string; where?: { file?: string } }>;
  unchecked: string[];
}

const run = (command: string, args: string[]) => runCli([command, ...args], { cwd: ROOT });
const check = (args: string[]) => run('check', args);

function expectPerFolderEngines(result: Result): void {
  // Only the PostgreSQL package is checked, and its CONCURRENTLY inside Prisma's one-query file is found.
  expect(result.files.map((file) => file.file)).toEqual([API]);
  expect(result.files[0]?.findings.map((finding) => finding.ruleId)).toContain('concurrently-in-transaction');
  const notChecked = result.errors.filter((error) => error.code === 'engine-not-checked');
  expect(notChecked.map((error) => [error.where?.file, error.what])).toEqual([
    [
      'packages/legacy/migrations',
      '2 migration(s) not checked: no rules for MySQL yet (engine from packages/legacy/package.json: driver mysql2 3.9.0 in dependencies).',
    ],
    [
      'packages/web/prisma/migrations',
      '1 migration(s) not checked: no rules for SQLite yet (engine from packages/web/prisma/schema.prisma: datasource provider = "sqlite").',
    ],
  ]);
  // Nothing else failed: no PostgreSQL syntax error on SQLite or MySQL text.
  expect(result.errors).toHaveLength(2);
  expect(result.risk).toBe('NOT FULLY CHECKED');
  expect(result.checkedRisk).toBe('HIGH');
  expect(result.unchecked).toEqual([
    'packages/legacy/migrations: not checked (2 migration(s) not checked: no rules for MySQL yet (engine from packages/legacy/package.json: driver mysql2 3.9.0 in dependencies).)',
    'packages/web/prisma/migrations: not checked (1 migration(s) not checked: no rules for SQLite yet (engine from packages/web/prisma/schema.prisma: datasource provider = "sqlite").)',
  ]);
}

describe('a monorepo mixing engines', () => {
  it('check . checks the PostgreSQL folder and names the MySQL and SQLite folders as not checked', async () => {
    const { code, out, err } = await check(['.', '--format', 'json']);
    expect(err).toBe('');
    expect(code).toBe(2);
    expectPerFolderEngines(JSON.parse(out) as Result);
  });

  it('the text report says which folders were not checked and why', async () => {
    const { out } = await check(['.']);
    expect(out).toContain('packages/web/prisma/migrations:1:1: error: 1 migration(s) not checked: no rules for SQLite');
    expect(out).toContain('packages/legacy/migrations:1:1: error: 2 migration(s) not checked: no rules for MySQL');
    expect(out).not.toContain('syntax error');
  });

  it('validate_safety with no path does the same over MCP', async () => {
    const connection = await connectInMemory(ROOT);
    try {
      const result = await callTool(connection.client, 'validate_safety', {});
      expect(result.isError).toBeFalsy();
      expectPerFolderEngines(result.structuredContent as unknown as Result);
      expect(textOf(result)).toContain('no rules for SQLite yet');
    } finally {
      await connection.close();
    }
  });

  it('a path into the PostgreSQL package checks it alone, with nothing left out', async () => {
    const { out } = await check(['packages/api', '--format', 'json']);
    const result = JSON.parse(out) as Result;
    expect(result.files.map((file) => file.file)).toEqual([API]);
    expect(result.errors).toEqual([]);
  });

  it('migrations . heads each package with its own engine and where it was learned', async () => {
    const { out } = await run('migrations', ['.']);
    expect(out).toContain('1 prisma migration(s) in packages/api/prisma/migrations, postgresql, in apply order');
    expect(out).toContain(
      '2 sql migration(s) in packages/legacy/migrations, mysql (from packages/legacy/package.json: driver mysql2 3.9.0 in dependencies), in apply order',
    );
    expect(out).toContain('1 prisma migration(s) in packages/web/prisma/migrations, sqlite, in apply order');
  });

  it("rehearse takes the engine of the migration's own package, never PostgreSQL for MySQL text", async () => {
    const sqlite = await run('rehearse', ['packages/web/prisma/migrations/20240101000000_init']);
    expect(sqlite.out).toContain('Rehearsal PASSED');
    expect(sqlite.out).toContain('on SQLite in memory');
    // The MySQL package's file asks for a MySQL server instead of running on the embedded PostgreSQL.
    const mysql = await run('rehearse', ['packages/legacy/migrations/002_orders_total.sql']);
    expect(mysql.code).not.toBe(0);
    expect(mysql.err).toContain('A MySQL/MariaDB rehearsal needs a server');
  });
});
