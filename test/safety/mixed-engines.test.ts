import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

/**
 * A monorepo whose packages run on different engines (Prisma on PostgreSQL, Prisma on SQLite, a plain .sql folder
 * in a package that depends on mysql2): `check .` and validate_safety with no path check each folder with the
 * rules of its own engine — nothing parsed as PostgreSQL (the SQLite PRAGMA and MySQL backticks would be syntax
 * errors), nothing silently dropped.
 */

const ROOT = path.join(import.meta.dirname, '../fixtures/trust-mixed-engines');
const API = 'packages/api/prisma/migrations/20240101000000_init/migration.sql';

interface Result {
  risk: string;
  checkedRisk: string;
  files: Array<{ file: string; engine: string; findings: Array<{ ruleId: string }> }>;
  errors: Array<{ code: string; what: string; fix: string; where?: { file?: string } }>;
  unchecked: string[];
}

const run = (command: string, args: string[]) => runCli([command, ...args], { cwd: ROOT });
const check = (args: string[]) => run('check', args);

function expectPerFolderEngines(result: Result): void {
  expect(result.files.map((file) => [file.file, file.engine])).toEqual([
    [API, 'postgresql'],
    ['packages/legacy/migrations/001_orders.sql', 'mysql'],
    ['packages/legacy/migrations/002_orders_total.sql', 'mysql'],
    ['packages/web/prisma/migrations/20240101000000_init/migration.sql', 'sqlite'],
  ]);
  const rules = (index: number) => result.files[index]?.findings.map((finding) => finding.ruleId) ?? [];
  // PostgreSQL: CONCURRENTLY inside Prisma's one-query file; MySQL: the ALTER on an existing table;
  // SQLite: Prisma's PRAGMA foreign_keys=OFF runs inside its transaction, where it does nothing.
  expect(rules(0)).toContain('concurrently-in-transaction');
  expect(rules(2)).toContain('mysql-lock-wait-timeout');
  expect(rules(3)).toContain('sqlite-foreign-keys-pragma');
  for (const index of [1, 2, 3]) expect(rules(index).some((id) => !/^(mysql|sqlite)-/.test(id))).toBe(false);
  // Nothing failed: no PostgreSQL syntax error on SQLite or MySQL text, no folder left out.
  expect(result.errors).toEqual([]);
  expect(result.unchecked).toEqual([]);
  expect(result.risk).toBe('HIGH');
}

describe('a monorepo mixing engines', () => {
  it('check . checks each folder with the rules of its own engine', async () => {
    const { code, out, err } = await check(['.', '--format', 'json']);
    expect(err).toBe('');
    expect(code).toBe(1);
    expectPerFolderEngines(JSON.parse(out) as Result);
  });

  it('the text report names the engines it checked for', async () => {
    const { out } = await check(['.']);
    expect(out).toContain('Checked 4 file(s)');
    expect(out).toMatch(/for PostgreSQL 15 \([^)]*\), MySQL\/MariaDB, SQLite:/);
    expect(out).toContain('warning[mysql-lock-wait-timeout]');
    expect(out).not.toContain('syntax error');
  });

  it('validate_safety with no path does the same over MCP', async () => {
    const connection = await connectInMemory(ROOT);
    try {
      const result = await callTool(connection.client, 'validate_safety', {});
      expect(result.isError).toBeFalsy();
      expectPerFolderEngines(result.structuredContent as unknown as Result);
      expect(textOf(result)).toContain('sqlite-foreign-keys-pragma');
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
