import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSources } from '../../src/schema/diff-sources.js';
import { deriveDown, deriveHistoryDowns } from '../../src/schema/down.js';
import { readMigrations } from '../../src/sources/index.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/schema-diff');
const BIN = path.resolve(import.meta.dirname, '../../dist/bundle/bin.js');
const run = promisify(execFile);

/** A temporary git repository whose HEAD has schema.before.sql as schema.sql and whose working tree has the after. */
async function gitProject(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dma-diff-'));
  const git = simpleGit({ baseDir: dir });
  await git.init();
  await git.addConfig('user.email', 'test@example.com').addConfig('user.name', 'test');
  copyFileSync(path.join(FIXTURE, 'git-project/schema.before.sql'), path.join(dir, 'schema.sql'));
  await git.add('schema.sql').commit('schema');
  copyFileSync(path.join(FIXTURE, 'git-project/schema.after.sql'), path.join(dir, 'schema.sql'));
  return dir;
}

const EXPECTED = [
  'create-enum order_status safe',
  'drop-view user_emails safe',
  'create-table orders safe',
  'alter-column users.email dangerous',
  'add-column users.display_name dangerous',
  'add-column users.created_at safe',
  'drop-column users.name dangerous',
  'drop-column users.legacy_flag dangerous',
  'create-index users.users_email_key careful',
  'add-constraint orders.orders_user_id_fkey safe',
  'create-view user_emails safe',
];

describe('diff_schema sources', { timeout: 180_000 }, () => {
  let project: string;
  beforeAll(async () => {
    project = await gitProject();
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('compares schema.sql at HEAD with the working tree: exact operations, categories and the rename question', async () => {
    const result = await diffSources({ root: project });
    expect(result.from).toBe('schema.sql at HEAD');
    expect(result.to).toBe('schema.sql');
    expect(result.diff.operations.map((op) => `${op.kind} ${op.object} ${op.safety}`)).toEqual(EXPECTED);
    expect(result.diff.questions.map((question) => question.answer)).toEqual([
      { table: 'users', from: 'name', to: 'display_name' },
    ]);
    const drop = result.diff.operations.find((op) => op.object === 'users.legacy_flag');
    expect(drop?.dataLoss).toBe('every value of users.legacy_flag (bool)');
    expect(result.diff.operations.find((op) => op.object === 'users.email')?.hazards).toEqual([
      'table-rewrite',
      'blocks-reads',
      'may-fail-on-data',
      'data-loss',
    ]);
  });

  it('turns the answered rename into RENAME COLUMN', async () => {
    const result = await diffSources({
      root: project,
      renames: [{ table: 'users', from: 'name', to: 'display_name' }],
    });
    expect(result.diff.questions).toEqual([]);
    const kinds = result.diff.operations.map((op) => `${op.kind} ${op.object}`);
    expect(kinds).toContain('rename-column users.name');
    expect(kinds).not.toContain('drop-column users.name');
    expect(kinds).not.toContain('add-column users.display_name');
  });

  it('names the git ref and file in the error when the file is not at that ref', async () => {
    await expect(diffSources({ root: project, from: 'git:HEAD:missing.sql', to: 'sql:schema.sql' })).rejects.toThrow(
      /Could not read missing.sql at HEAD/,
    );
  });

  it('a migration history against a schema file finds what no migration creates', async () => {
    const root = path.join(FIXTURE, 'migrations-project');
    {
      const result = await diffSources({ root, from: 'migrations', to: 'sql:migrations/001_users.sql' });
      expect(result.from).toBe('2 sql migration(s) in migrations');
      expect(result.diff.operations.map((op) => `${op.kind} ${op.object}`)).toEqual([
        'drop-view labels',
        'drop-column users.nickname',
        'replace-routine user_label(u users)',
        'create-view labels',
      ]);
    }
  });

  it('derives the down of a migration, restoring the earlier function and view text exactly', async () => {
    const root = path.join(FIXTURE, 'migrations-project');
    const result = await deriveDown('002_nicknames', { root });
    expect(result.baseline).toBe(1);
    expect(result.statements).toEqual([
      'DROP VIEW labels',
      'ALTER TABLE users DROP COLUMN nickname',
      "CREATE OR REPLACE FUNCTION public.user_label(u users)\n RETURNS text\n LANGUAGE sql\nAS $function$ SELECT 'user ' || u.name $function$",
      'CREATE VIEW labels AS\nSELECT id,\n    user_label(users.*) AS label\n   FROM users',
    ]);
    expect(result.pointsOfNoReturn).toEqual([
      { object: 'users.nickname', lost: 'every value of users.nickname (text)' },
    ]);
  });

  it('derives and proves the down of every migration of a history in one pass', async () => {
    const { migrations } = await readMigrations(path.join(FIXTURE, 'migrations-project'));
    const downs = await deriveHistoryDowns(migrations, { engine: 'postgresql' });
    expect(downs.map((down) => [down.migration.name, down.restoresEarlierSchema, down.statements.length])).toEqual([
      ['001_users', true, 3],
      ['002_nicknames', true, 4],
    ]);
    expect(downs[0]?.pointsOfNoReturn.map((point) => point.object)).toEqual(['user_label(u users)', 'users']);
  });

  it('answers over MCP (InMemoryTransport) with structured operations and a readable summary', async () => {
    const connection = await connectInMemory(project);
    try {
      const { tools } = await connection.client.listTools();
      expect(tools.find((tool) => tool.name === 'diff_schema')?.annotations).toMatchObject({
        readOnlyHint: true,
      });
      const result = await callTool(connection.client, 'diff_schema', { maxOperations: 3 });
      expect(result.isError).toBeFalsy();
      const structured = result.structuredContent as {
        totalOperations: number;
        omittedOperations: number;
        operations: { kind: string }[];
        questions: unknown[];
        summary: { dangerous: number };
      };
      expect(structured.totalOperations).toBe(EXPECTED.length);
      expect(structured.operations.map((op) => op.kind)).toEqual(['create-enum', 'drop-view', 'create-table']);
      expect(structured.omittedOperations).toBe(EXPECTED.length - 3);
      expect(structured.summary.dangerous).toBe(4);
      expect(structured.questions).toHaveLength(1);
      expect(textOf(result)).toContain('users.name → display_name looks renamed');
      const bad = await callTool(connection.client, 'diff_schema', { from: 'nonsense', to: 'sql:schema.sql' });
      expect(bad.isError).toBe(true);
      expect(textOf(bad)).toContain('is not a schema source');
    } finally {
      await connection.close();
    }
  });

  it.skipIf(!existsSync(BIN))('CLI: diff and rollback --format json', { timeout: 240_000 }, async () => {
    const diff = await run('node', [BIN, 'diff', '--format', 'json'], { cwd: project }).catch((error) => error);
    expect(diff.code).toBe(1);
    expect(JSON.parse(diff.stdout).diff.operations).toHaveLength(EXPECTED.length);
    const rollback = await run('node', [BIN, 'rollback', '002_nicknames', '--format', 'json'], {
      cwd: path.join(FIXTURE, 'migrations-project'),
    }).catch((error) => error);
    // rollback now prints the whole plan: the derived down is its down, graded by what dropping nickname loses.
    expect(rollback.code).toBe(1);
    const plan = JSON.parse(rollback.stdout);
    expect(plan.grade).toBe('reversible-with-data-loss');
    expect(plan.down.statements[1]).toBe('ALTER TABLE users DROP COLUMN nickname');
    const usage = await run('node', [BIN, 'diff', '--rename', 'oops'], { cwd: project }).catch((error) => error);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('table.column=new_name');
  });
});
