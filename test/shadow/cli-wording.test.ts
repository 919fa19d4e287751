import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/duration.js';
import { MYSQL_URL, mysqlAvailable } from '../helpers/databases.js';
import { FIXTURES } from './fixtures.js';

/**
 * What the CLIs say must be true: one meaning for --timeout in check, migrations and rehearse, self-explaining
 * names for row counts and synthetic rows, and no "one transaction" on MySQL, where DDL auto-commits.
 */

const REPO = path.resolve(FIXTURES, '../..');
const BIN = path.join(REPO, 'dist', 'bundle', 'bin.js');
const mysql = await mysqlAvailable();

function cli(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build`);
  const child = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? path.join(FIXTURES, 'shadow-postgres'),
    encoding: 'utf8',
    timeout: 120_000,
    ...(options.input !== undefined ? { input: options.input } : {}),
    env: { ...process.env, SHADOW_DATABASE_URL: '', ...options.env },
  });
  return { code: child.status, out: child.stdout, err: child.stderr };
}

describe('durations read alike everywhere', () => {
  it('a bare number counts seconds; units say otherwise', () => {
    expect(parseDuration('--timeout', '90', { maxMs: 3_600_000 })).toBe(90_000);
    expect(parseDuration('--timeout', '1.5m', { maxMs: 3_600_000 })).toBe(90_000);
    expect(parseDuration('--timeout', '500ms', { maxMs: 3_600_000 })).toBe(500);
    expect(parseDuration('--timeout', '10s', { maxMs: 3_600_000 })).toBe(10_000);
    expect(parseDuration('--lock-timeout', '250', { bare: 'ms', maxMs: 3_600_000 })).toBe(250);
  });

  it('refuses an old milliseconds value rather than waiting 33 hours, and says how to write it', () => {
    expect(() => parseDuration('--timeout', '120000', { maxMs: 3_600_000 })).toThrow(
      /--timeout 120000 means 120000 seconds \(33 h\), more than the 60 min allowed: a bare number counts seconds[\s\S]*--timeout 120000ms/,
    );
    expect(() => parseDuration('--timeout', 'soon', { maxMs: 3_600_000 })).toThrow(/is not a duration/);
    expect(() => parseDuration('--timeout', '0.2', { minMs: 1_000, maxMs: 3_600_000 })).toThrow(/shorter than/);
  });

  it('the three commands document the same unit in --help', () => {
    for (const command of ['check', 'migrations', 'rehearse']) {
      const help = cli([command, '--help']);
      expect(help.out, command).toMatch(/--timeout <duration>/);
      expect(help.out, command).toMatch(/a bare number counts seconds; or add a unit: 30s, 500ms, 2m/);
    }
  });

  it('check and migrations stop a migration that never ends after --timeout 500ms', () => {
    const hostile = path.join(FIXTURES, 'sources-knex-hostile');
    const started = Date.now();
    const listed = cli(['migrations', '--execute', '--json', '--timeout', '500ms'], { cwd: hostile });
    expect(listed.code).toBe(1);
    expect(listed.out).toMatch(/002_loops_forever/);
    const checked = cli(['check', 'migrations', '--execute', '--format', 'json', '--timeout', '500ms'], {
      cwd: hostile,
    });
    expect(checked.code).toBe(2);
    expect(checked.out).toMatch(/002_loops_forever/);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);

  it('rehearse refuses --timeout 120000 (milliseconds before) with exit 2', () => {
    const result = cli(['rehearse', 'migrations/0001_users.up.sql', '--timeout', '120000']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/a bare number counts seconds/);
    expect(result.err).toMatch(/--timeout 120000ms/);
  });

  it('rehearse reads --lock-timeout with a unit or as milliseconds', () => {
    const withUnit = cli(['rehearse', 'migrations/0001_users.up.sql', '--lock-timeout', '2s', '--json']);
    expect(withUnit.code, withUnit.err).toBe(0);
    expect(JSON.parse(withUnit.out)).toMatchObject({ lockTimeoutMs: 2_000 });
  }, 120_000);
});

describe('row counts and synthetic rows have their own names', () => {
  it('rehearse --synthetic-rows fills each table; --rows still works and prints a deprecation note', () => {
    const current = cli(['rehearse', 'migrations/0001_users.up.sql', '--synthetic-rows', '7', '--json']);
    expect(current.code, current.err).toBe(0);
    expect(current.err).toBe('');
    const old = cli(['rehearse', 'migrations/0002_orders.up.sql', '--rows', '7', '--json']);
    expect(old.code, old.err).toBe(0);
    expect(old.err).toMatch(/note: rehearse --rows is deprecated: use --synthetic-rows <n>/);
    const report = JSON.parse(old.out) as { baseline: { tables: { table: string; rows: number }[] } };
    expect(report.baseline.tables.map((table) => table.rows)).toEqual(report.baseline.tables.map(() => 7));
    expect(cli(['rehearse', '--help']).out).toMatch(/--synthetic-rows <n>/);
  }, 120_000);

  it('check --row-count gives row counts; --rows still works and prints a deprecation note', () => {
    const sql = 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;';
    const current = cli(['check', '-', '--format', 'json', '--row-count', 'users=5000000'], { input: sql });
    const old = cli(['check', '-', '--format', 'json', '--rows', 'users=5000000'], { input: sql });
    expect(current.err).toBe('');
    expect(old.err).toMatch(/note: check --rows is deprecated: use --row-count table=N/);
    expect(current.code).toBe(old.code);
    expect(current.out).toBe(old.out);
    expect(current.out).toMatch(/5,?000,?000/);
    expect(cli(['check', '--help']).out).toMatch(/--row-count <table=N>/);
  }, 120_000);
});

describe.skipIf(!mysql.available)('a MySQL/MariaDB rehearsal says how statements really ran', () => {
  it('is never headed "one transaction": DDL commits statement by statement', () => {
    const cwd = path.join(FIXTURES, 'shadow-mysql');
    const args = ['rehearse', 'migrations/0002_orders.up.sql', '--engine', 'mysql', '--synthetic-rows', '5'];
    const env = { SHADOW_DATABASE_URL: MYSQL_URL };
    const text = cli(args, { cwd, env });
    expect(text.code, text.err).toBe(0);
    expect(text.out).not.toMatch(/one transaction/);
    expect(text.out).toMatch(/no transaction: each DDL statement commits on its own \(MySQL\/MariaDB\)/);
    const json = cli([...args, '--json'], { cwd, env });
    expect(JSON.parse(json.out)).toMatchObject({ engine: 'mysql', migration: { transactional: false } });
  }, 120_000);
});
