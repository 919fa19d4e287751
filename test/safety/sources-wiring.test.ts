import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * `check` over migrations of every format: findings at the original source line (the .ts line of the knex
 * call), each migration's own transaction mode, earlier migrations as catalog history, the rollback checklist
 * item from the down migration, per-file read errors, and the message when project code may not run.
 */

const FIXTURES = path.join(import.meta.dirname, '../fixtures');

function check(root: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCli(['check', ...args], { cwd: path.join(FIXTURES, root) });
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  span: { start: { line: number; column: number } };
  origin?: { file: string; line: number; column?: number };
}
interface JsonReport {
  engine: string;
  file: string;
  assumeInTransaction: boolean;
  findings: JsonFinding[];
  checklist: Array<{ id: string; status: string; evidence: string[] }>;
}
interface JsonResult {
  pgVersion: number;
  pgVersionSource: string;
  files: JsonReport[];
  errors: Array<{ code: string; what: string; fix: string; where?: { file?: string; line?: number } }>;
  notes: string[];
}

async function checkJson(root: string, args: string[]): Promise<{ code: number; result: JsonResult }> {
  const { code, out, err } = await check(root, [...args, '--format', 'json']);
  expect(err).toBe('');
  return { code, result: JSON.parse(out) as JsonResult };
}

function report(result: JsonResult, file: string): JsonReport {
  const found = result.files.find((each) => each.file === file);
  if (!found) throw new Error(`no report for ${file}; got ${result.files.map((each) => each.file).join(', ')}`);
  return found;
}

function rules(report: JsonReport): string[] {
  return report.findings.map((finding) => finding.ruleId);
}

function rollback(report: JsonReport): string | undefined {
  return report.checklist.find((item) => item.id === 'rollback-present')?.status;
}

describe('check on knex migrations (--execute)', () => {
  const INDEX = 'migrations/20240103000000_index_accounts.ts';
  const ONLINE = 'migrations/20240104000000_index_accounts_online.ts';

  it('reports findings at the .ts line of the knex call, with the compiled SQL beside it', async () => {
    const { code, out } = await check('wiring-knex-pg', ['migrations', '--execute']);
    expect(code).toBe(1);
    expect(out).toContain(`${INDEX}:5:14: error[concurrently-in-transaction]`);
    expect(out).toContain(`${INDEX}:6:14: warning[require-concurrent-index-creation]`);
    expect(out).toContain("--> SQL compiled from that line (line 2 of the migration's SQL):");
    expect(out).toMatch(/2 \| alter table "invoices" add index|2 \| create index "invoices_account_id_again_idx"/);
  });

  it("respects each migration's transaction mode, history across files and the rollback item", async () => {
    const { code, result } = await checkJson('wiring-knex-pg', ['migrations', '--execute']);
    expect(code).toBe(1);
    expect(result.files.map((each) => each.file)).toEqual([
      'migrations/20240101000000_create_accounts.ts',
      'migrations/20240102000000_create_invoices.ts',
      INDEX,
      ONLINE,
    ]);
    const index = report(result, INDEX);
    const concurrently = index.findings.find((finding) => finding.ruleId === 'concurrently-in-transaction');
    expect(concurrently?.origin).toEqual({ file: INDEX, line: 5, column: 14 });
    expect(concurrently?.span.start.line).toBe(1);
    expect(index.assumeInTransaction).toBe(true);
    // invoices was created by migration 2: existing here, so the plain CREATE INDEX blocks writes.
    expect(rules(index)).toContain('require-concurrent-index-creation');
    expect(rules(index)).not.toContain('unknown-table');
    // config.transaction = false: CONCURRENTLY is right there.
    const online = report(result, ONLINE);
    expect(online.assumeInTransaction).toBe(false);
    expect(rules(online)).not.toContain('concurrently-in-transaction');
    // Migration 2 indexes the table it creates: no lock finding.
    expect(rules(report(result, 'migrations/20240102000000_create_invoices.ts'))).not.toContain(
      'require-concurrent-index-creation',
    );
    expect(rollback(report(result, 'migrations/20240101000000_create_accounts.ts'))).toBe('pass');
    expect(rollback(index)).toBe('fail');
    expect(result.notes.some((note) => note.includes(`${INDEX} defines no down()`))).toBe(true);
    expect(result.pgVersionSource).toBe('default');
  });

  it('checks a single file with the migrations before it as history', async () => {
    const { code, result } = await checkJson('wiring-knex-pg', [INDEX, '--execute']);
    expect(code).toBe(1);
    expect(result.files.map((each) => each.file)).toEqual([INDEX]);
    expect(rules(report(result, INDEX))).toContain('require-concurrent-index-creation');
    expect(rules(report(result, INDEX))).not.toContain('unknown-table');
  });

  it('without --execute names every file that was not checked and how to enable it (exit 2)', async () => {
    const { code, out } = await check('wiring-knex-pg', ['migrations']);
    expect(code).toBe(2);
    // One error for the folder, naming each of its four files.
    expect(out).toContain('migrations: error: 4 knex migrations in migrations (');
    for (const file of ['20240101000000_create_accounts.ts', '20240103000000_index_accounts.ts']) {
      expect(out).toContain(file);
    }
    expect(out.match(/were not checked/g)).toHaveLength(1);
    expect(out).toContain('db-migration-agent check --execute');
    expect(out).toContain('Checked 0 file(s)');
  });

  it('reports per-file read errors and still checks the other migrations (exit 2)', async () => {
    const { code, result } = await checkJson('sources-knex-broken', ['migrations', '--execute', '--timeout', '2']);
    expect(code).toBe(2);
    const failed = result.errors.map((error) => error.where?.file);
    expect(failed).toEqual(
      expect.arrayContaining([
        'migrations/002_throws.ts',
        'migrations/003_never_resolves.ts',
        'migrations/004_syntax_error.ts',
      ]),
    );
    const throws = result.errors.find((error) => error.where?.file === 'migrations/002_throws.ts');
    expect(throws?.where?.line).toBe(7);
    expect(throws?.what).toContain('gadgets need a vendor first');
    expect(result.files.map((each) => each.file)).toEqual([
      'migrations/001_ok.ts',
      'migrations/005_no_down.ts',
      'migrations/006_after_failures.ts',
    ]);
    expect(rollback(report(result, 'migrations/005_no_down.ts'))).toBe('fail');
    expect(rules(report(result, 'migrations/006_after_failures.ts'))).toContain('require-concurrent-index-creation');
  }, 30_000);

  it('TypeORM from the project root: findings at the queryRunner line of the migration class', async () => {
    const { result } = await checkJson('sources-typeorm-pg', ['.', '--execute']);
    expect(result.errors).toEqual([]);
    expect(result.files.map((each) => each.file)).toEqual([
      'src/migrations/1700000000000-CreateUsers.ts',
      'src/migrations/1700000000001-AddPosts.ts',
      'src/migrations/1700000000002-PostsIndex.ts',
    ]);
    const posts = report(result, 'src/migrations/1700000000001-AddPosts.ts');
    for (const finding of posts.findings) {
      expect(finding.origin?.file).toBe('src/migrations/1700000000001-AddPosts.ts');
      expect(finding.origin?.line).toBeGreaterThan(1);
    }
    expect(posts.findings.length).toBeGreaterThan(0);
    // Checklist and risk evidence name the migration's own line, not a line of the SQL compiled from it.
    const evidence = [...posts.checklist.flatMap((item) => item.evidence), ...posts.riskReasons];
    const cited = evidence.filter((text) => /^(line \d|src\/)/.test(text));
    expect(cited.length).toBeGreaterThan(0);
    for (const text of cited) expect(text).toMatch(/^src\/migrations\/1700000000001-AddPosts\.ts:\d+/);
  });

  it('checks a SQLite project with the SQLite rules: the table rebuild knex compiles for DROP COLUMN', async () => {
    const { result } = await checkJson('sources-knex-sqlite', ['.', '--execute']);
    expect(result.files.map((file) => file.engine)).toEqual(['sqlite', 'sqlite', 'sqlite']);
    const rebuild = report(result, 'db/migrations/002_drop_tag.ts');
    expect(rules(rebuild)).toEqual(['sqlite-rebuild-locks-database']);
    expect(result.errors).toEqual([]);
  });

  it('checks a MySQL project with the MySQL rules, every file, none parsed as PostgreSQL', async () => {
    const { result } = await checkJson('sources-knex-mysql', ['migrations', '--execute']);
    expect(result.files.map((file) => file.engine)).toEqual(['mysql', 'mysql', 'mysql']);
    expect(rules(report(result, 'migrations/20240103000000_orders_index.ts'))).toEqual([
      'mysql-lock-wait-timeout',
      'mysql-algorithm-not-pinned',
    ]);
    expect(result.errors).toEqual([]);
  });

  it('refuses an engine without rules, saying where it was learned and how to proceed', async () => {
    const { code, err } = await check('sources-knex-sqlite', ['.', '--execute', '--engine', 'mssql']);
    expect(code).toBe(2);
    expect(err).toContain('validate_safety does not support the engine "mssql" yet.');
    expect(err).toContain('Pass one of the supported engines');
  });
});

describe('check on SQL migration tools', () => {
  it('dbmate: transaction:false, history, rollback item and the PostgreSQL version from docker-compose', async () => {
    const { code, result } = await checkJson('wiring-compose-pg16', ['db/migrations']);
    expect(code).toBe(1);
    expect(result.pgVersion).toBe(16);
    expect(result.pgVersionSource).toBe('docker-compose.yml: service db image postgres:16.3');
    const online = report(result, 'db/migrations/20240102000000_people_index.sql');
    expect(online.assumeInTransaction).toBe(false);
    expect(rules(online)).not.toContain('concurrently-in-transaction');
    const wrapped = report(result, 'db/migrations/20240103000000_people_email.sql');
    const finding = wrapped.findings.find((each) => each.ruleId === 'concurrently-in-transaction');
    expect(finding?.span.start.line).toBe(2);
    expect(finding?.origin).toBeUndefined();
    expect(rollback(report(result, 'db/migrations/20240101000000_create_people.sql'))).toBe('pass');
    expect(rollback(wrapped)).toBe('fail');
    expect(rules(wrapped)).not.toContain('unknown-table');
  });

  it('earlier migrations are the schema: a table no migration created is a mistake, in a folder or one file', async () => {
    for (const target of ['db/migrations', 'db/migrations/20240102000000_people_nickname.sql']) {
      const { result } = await checkJson('wiring-dbmate-typo', [target]);
      const second = report(result, 'db/migrations/20240102000000_people_nickname.sql');
      const unknown = second.findings.filter((finding) => finding.ruleId === 'unknown-table');
      expect(unknown.map((finding) => finding.span.start.line)).toEqual([4]);
    }
  });

  it('an explicit --pg-version wins over the project', async () => {
    const { result } = await checkJson('wiring-compose-pg16', ['db/migrations', '--pg-version', '13']);
    expect(result.pgVersion).toBe(13);
    expect(result.pgVersionSource).toBe('option');
  });

  it('text output says where the version came from', async () => {
    const { out } = await check('wiring-compose-pg16', ['db/migrations/20240101000000_create_people.sql']);
    expect(out).toContain('for PostgreSQL 16 (version from docker-compose.yml: service db image postgres:16.3)');
  });

  it('goose NO TRANSACTION and StatementBegin/End, in goose order, at file lines', async () => {
    const { code, result } = await checkJson('sources-goose', ['migrations']);
    expect(result.errors).toEqual([]);
    expect(code).not.toBe(2);
    expect(result.files.map((each) => each.file)).toEqual([
      'migrations/00001_create_accounts.sql',
      'migrations/00002_touch_function.sql',
      'migrations/00010_index.sql',
    ]);
    const index = report(result, 'migrations/00010_index.sql');
    expect(index.assumeInTransaction).toBe(false);
    expect(rules(index)).not.toContain('concurrently-in-transaction');
    for (const each of result.files) expect(rollback(each)).toBe('pass');
  });

  it('sqlx: every file in one transaction unless its first line is `-- no-transaction`', async () => {
    const { code, result } = await checkJson('sources-sqlx', ['migrations']);
    expect(result.errors).toEqual([]);
    expect(code).toBe(1);
    expect(result.files.map((each) => [each.file, each.assumeInTransaction])).toEqual([
      ['migrations/1_create_users.sql', true],
      ['migrations/2_create_orders.up.sql', true],
      ['migrations/10_users_email_index.up.sql', false],
    ]);
    expect(rules(report(result, 'migrations/2_create_orders.up.sql'))).toContain('concurrently-in-transaction');
    expect(rules(report(result, 'migrations/10_users_email_index.up.sql'))).not.toContain(
      'concurrently-in-transaction',
    );
    expect(result.notes).toEqual([
      'migrations/10_users_email_index.up.sql: sqlx runs it outside a transaction (checked that way).',
    ]);
    expect(JSON.stringify(result)).not.toContain('golang-migrate');
    expect(rollback(report(result, 'migrations/1_create_users.sql'))).toBe('fail');
    expect(rollback(report(result, 'migrations/10_users_email_index.up.sql'))).toBe('pass');
  });

  it.each([
    ['sources-golang-migrate', 'migrations', 3],
    ['sources-prisma', 'prisma/migrations', 3],
    ['sources-drizzle', 'drizzle', 3],
    ['sources-diesel', 'migrations', 3],
    ['sources-flyway', 'sql', 6],
    ['sources-sql-migrate', 'migrations', 3],
    ['sources-dbmate', 'db/migrations', 3],
    ['sources-sqlx', 'migrations', 3],
  ])('%s: every migration is checked without read errors', async (fixture, folder, count) => {
    const { code, result } = await checkJson(fixture, [folder]);
    expect(result.errors).toEqual([]);
    expect(code).toBeLessThan(2);
    expect(result.files).toHaveLength(count);
  });

  it('golang-migrate pairs .down.sql as the rollback; Prisma has none and says so', async () => {
    const golang = (await checkJson('sources-golang-migrate', ['migrations'])).result;
    for (const each of golang.files) expect(rollback(each)).toBe('pass');
    const prisma = (await checkJson('sources-prisma', ['prisma/migrations'])).result;
    for (const each of prisma.files) {
      expect(rollback(each)).toBe('fail');
      expect(each.checklist.find((item) => item.id === 'rollback-present')?.evidence[0]).toContain('No down migration');
    }
  });

  it('Alembic without --execute: one message for the folder naming how many and which, nothing silently skipped', async () => {
    const { code, result } = await checkJson('sources-alembic', ['.']);
    expect(code).toBe(2);
    expect(result.errors.map((error) => [error.code, error.where?.file])).toEqual([
      ['execute-required', 'alembic/versions'],
    ]);
    expect(result.errors[0]?.what).toMatch(
      /^3 alembic migrations in alembic\/versions \(.+\.py, .+\.py, .+\.py\) were not checked/,
    );
    expect(result.errors[0]?.what).toContain('written in Python');
    expect(result.errors[0]?.fix).toContain('--execute');
  });

  it('a single migration without --execute keeps its own file in the message', async () => {
    const { result } = await checkJson('sources-alembic', ['alembic/versions/77aa_orders.py']);
    expect(result.errors.map((error) => [error.code, error.where?.file])).toEqual([
      ['execute-required', 'alembic/versions/77aa_orders.py'],
    ]);
    expect(result.errors[0]?.what).toContain('written in Python (alembic)');
  });
});
