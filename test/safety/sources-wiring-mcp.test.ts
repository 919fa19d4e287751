import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

/** validate_safety over migration folders of any format, through the real MCP protocol; and the built binary. */

const FIXTURES = path.join(import.meta.dirname, '../fixtures');
const REPO = path.join(import.meta.dirname, '../..');
const INDEX = 'migrations/20240103000000_index_accounts.ts';

interface Structured {
  pgVersion: number;
  pgVersionSource: string;
  notes: string[];
  files: Array<{
    file: string;
    assumeInTransaction: boolean;
    findings: Array<{ ruleId: string; origin?: { file: string; line: number; column?: number } }>;
    checklist: Array<{ id: string; status: string }>;
  }>;
  errors: Array<{ code: string; where?: { file?: string } }>;
}

async function validate(fixture: string, args: Record<string, unknown>) {
  const connection = await connectInMemory(path.join(FIXTURES, fixture));
  try {
    return await callTool(connection.client, 'validate_safety', args);
  } finally {
    await connection.close();
  }
}

describe('validate_safety on migration folders (MCP)', () => {
  it('knex with executeProjectCode: findings at the .ts line, transaction mode per migration', async () => {
    const result = await validate('wiring-knex-pg', { paths: ['migrations'], executeProjectCode: true });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as unknown as Structured;
    const index = structured.files.find((file) => file.file === INDEX);
    const concurrently = index?.findings.find((finding) => finding.ruleId === 'concurrently-in-transaction');
    expect(concurrently?.origin).toEqual({ file: INDEX, line: 5, column: 14 });
    const online = structured.files.find((file) => file.file === 'migrations/20240104000000_index_accounts_online.ts');
    expect(online?.assumeInTransaction).toBe(false);
    expect(online?.findings.map((finding) => finding.ruleId)).not.toContain('concurrently-in-transaction');
    expect(index?.checklist.find((item) => item.id === 'rollback-present')?.status).toBe('fail');
    expect(textOf(result)).toContain(`${INDEX}:5:14 (SQL: create index concurrently accounts_email_idx`);
  });

  it('knex without executeProjectCode: an error naming the files and the option', async () => {
    const result = await validate('wiring-knex-pg', { paths: ['migrations'] });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    // One error for the folder, naming each of its four files.
    expect(text).toContain('4 knex migrations in migrations (20240101000000_create_accounts.ts, ');
    expect(text).toContain('were not checked');
    expect(text).toContain('"executeProjectCode": true');
  });

  it('a broken migration is reported per file while the others are checked', async () => {
    const result = await validate('sources-knex-broken', {
      paths: ['migrations'],
      executeProjectCode: true,
      options: { timeoutMs: 2000 },
    });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as unknown as Structured;
    expect(structured.errors.map((error) => error.where?.file)).toEqual(
      expect.arrayContaining(['migrations/002_throws.ts', 'migrations/003_never_resolves.ts']),
    );
    expect(structured.files.map((file) => file.file)).toContain('migrations/006_after_failures.ts');
  }, 30_000);

  it('checks SQL of a MySQL project with the MySQL rules (the engine from its knexfile)', async () => {
    const result = await validate('sources-knex-mysql', { sql: 'ALTER TABLE users ADD COLUMN age int NOT NULL;' });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as unknown as Structured & { engine: string };
    expect(structured.engine).toBe('mysql');
    const ids = structured.files[0]?.findings.map((finding) => finding.ruleId);
    expect(ids).toContain('mysql-add-column-not-null-without-default');
    const forced = await validate('sources-knex-mysql', { sql: 'SELECT 1;', engine: 'postgresql' });
    expect(forced.isError).toBeFalsy();
    expect((forced.structuredContent as unknown as { engine: string }).engine).toBe('postgresql');
  });

  it('takes the PostgreSQL version from docker-compose and says so', async () => {
    const result = await validate('wiring-compose-pg16', { sql: 'CREATE TABLE t (id bigint);' });
    const structured = result.structuredContent as unknown as Structured;
    expect(structured.pgVersion).toBe(16);
    expect(structured.pgVersionSource).toBe('docker-compose.yml: service db image postgres:16.3');
    expect(textOf(result)).toContain('PostgreSQL 16, version from docker-compose.yml: service db image postgres:16.3');
    const configured = await validate('wiring-compose-pg16', { sql: 'SELECT 1;', options: { pgVersion: 14 } });
    expect((configured.structuredContent as unknown as Structured).pgVersionSource).toBe('option');
  });

  it('a single dbmate file gets the earlier migrations as history', async () => {
    const result = await validate('wiring-dbmate-typo', {
      paths: ['db/migrations/20240102000000_people_nickname.sql'],
    });
    const structured = result.structuredContent as unknown as Structured;
    expect(structured.files).toHaveLength(1);
    expect(structured.files[0]?.findings.filter((finding) => finding.ruleId === 'unknown-table')).toHaveLength(1);
  });
});

describe('node dist/bundle/bin.js check on a knex project', () => {
  it.skipIf(!existsSync(path.join(REPO, 'dist/bundle/bin.js')))('reports the .ts line and exits 1', () => {
    const child = spawnSync(
      process.execPath,
      [path.join(REPO, 'dist/bundle/bin.js'), 'check', 'migrations', '--execute', '--format', 'json'],
      { cwd: path.join(FIXTURES, 'wiring-knex-pg'), encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(1);
    const parsed = JSON.parse(child.stdout) as Structured;
    const index = parsed.files.find((file) => file.file === INDEX);
    expect(index?.findings.find((finding) => finding.ruleId === 'concurrently-in-transaction')?.origin).toEqual({
      file: INDEX,
      line: 5,
      column: 14,
    });
  });
});
