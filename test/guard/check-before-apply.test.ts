import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../environments/databases.js';
import {
  DROP_COLUMN_MIGRATION,
  type GitProject,
  GOLANG_MIGRATE_BASE,
  gitProject,
  SAFE_MIGRATION,
} from '../helpers/git-project.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

/** check_before_apply through a real MCP client, on real git repositories holding golang-migrate migrations. */

interface Verdict {
  verdict: 'pass' | 'fail';
  risk: string;
  reasons: string[];
  pending: string;
  migrations: { path: string; risk: string; rollback: string }[];
  next: string;
}

type Connection = Awaited<ReturnType<typeof connectInMemory>>;

async function check(
  connection: Connection,
  args: Record<string, unknown>,
): Promise<{ verdict: Verdict; text: string }> {
  const result = await callTool(connection.client, 'check_before_apply', args);
  expect(result.isError, textOf(result)).toBeFalsy();
  return { verdict: result.structuredContent as unknown as Verdict, text: textOf(result) };
}

describe('check_before_apply', () => {
  let connection: Connection;
  let project: GitProject;
  beforeAll(async () => {
    connection = await connectInMemory();
    project = gitProject(GOLANG_MIGRATE_BASE);
    project.git('add', '-A');
    project.git('commit', '-q', '-m', 'users');
  });
  afterAll(async () => {
    await connection.close();
  });

  it('is listed read-only with a small entry', async () => {
    const { tools } = await connection.client.listTools();
    const listed = tools.find((tool) => tool.name === 'check_before_apply');
    expect(listed?.annotations).toMatchObject({ readOnlyHint: true });
    expect(JSON.stringify(listed).length).toBeLessThan(1_100);
  });

  it('passes nothing pending, then a new safe migration not yet committed, its rollback present but not proven', async () => {
    const none = await check(connection, { projectRoot: project.root });
    expect(none.verdict).toMatchObject({ verdict: 'pass', risk: 'NONE', migrations: [] });
    project.write(SAFE_MIGRATION);
    const { verdict, text } = await check(connection, { projectRoot: project.root });
    expect(verdict.verdict).toBe('pass');
    expect(verdict.reasons).toEqual([]);
    expect(verdict.pending).toMatch(/since the last commit/);
    expect(verdict.migrations).toEqual([
      { path: 'db/migrations/000002_note.up.sql', risk: expect.stringMatching(/LOW|MEDIUM/), rollback: 'unproven' },
    ]);
    expect(text).toMatch(/^PASS/);
  });

  it('fails a migration that drops a column, with the rule and the data lost as reasons, as check --fail-on error does', async () => {
    project.write(DROP_COLUMN_MIGRATION);
    const { verdict, text } = await check(connection, { projectRoot: project.root });
    expect(verdict.verdict).toBe('fail');
    expect(verdict.risk).toBe('HIGH');
    expect(verdict.migrations.map((migration) => migration.path)).toEqual([
      'db/migrations/000002_note.up.sql',
      'db/migrations/000003_drop_email.up.sql',
    ]);
    expect(verdict.reasons.join('\n')).toMatch(/000003_drop_email\.up\.sql: drop-column/);
    expect(verdict.reasons.join('\n')).toMatch(/users\.email/);
    expect(verdict.next).toMatch(/Do not apply/);
    expect(text).toMatch(/^FAIL/);
  });

  it('checks only the paths given, and fails on warnings when failOn says so', async () => {
    const safe = await check(connection, { projectRoot: project.root, paths: ['db/migrations/000002_note.up.sql'] });
    expect(safe.verdict).toMatchObject({ verdict: 'pass', pending: 'the paths given' });
    const index = { 'db/migrations/000004_email_index.up.sql': 'CREATE INDEX users_note ON users (note);\n' };
    project.write(index);
    const strict = await check(connection, {
      projectRoot: project.root,
      paths: ['db/migrations/000004_email_index.up.sql'],
      failOn: 'warning',
    });
    expect(strict.verdict.verdict).toBe('fail');
    expect(strict.verdict.reasons.join('\n')).toMatch(/require-concurrent-index-creation/);
    expect(strict.verdict.migrations[0]?.rollback).toBe('missing');
  });

  it('passes a drop the author suppressed with a reason, as CI does, but says it is HIGH risk and needs a yes', async () => {
    project.write({
      'db/migrations/000005_drop_note.up.sql':
        '-- dma-ignore drop-column the column was never read\nALTER TABLE users DROP COLUMN note;\n',
      'db/migrations/000005_drop_note.down.sql': 'ALTER TABLE users ADD COLUMN note text;\n',
    });
    const { verdict } = await check(connection, {
      projectRoot: project.root,
      paths: ['db/migrations/000005_drop_note.up.sql'],
    });
    expect(verdict).toMatchObject({ verdict: 'pass', risk: 'HIGH', reasons: [] });
    expect(verdict.next).toMatch(
      /^Passes CI, but HIGH risk in db\/migrations\/000005_drop_note\.up\.sql .*users\.note.*explicit yes/,
    );
  });

  it('takes what a branch changed since a base ref, committed or not', async () => {
    const branch = gitProject(GOLANG_MIGRATE_BASE);
    branch.git('add', '-A');
    branch.git('commit', '-q', '-m', 'users');
    branch.git('checkout', '-q', '-b', 'feature');
    branch.write(SAFE_MIGRATION);
    branch.git('add', '-A');
    branch.git('commit', '-q', '-m', 'note');
    const sinceHead = await check(connection, { projectRoot: branch.root });
    expect(sinceHead.verdict.migrations).toEqual([]);
    const sinceMain = await check(connection, { projectRoot: branch.root, base: 'main' });
    expect(sinceMain.verdict.pending).toMatch(/since main/);
    expect(sinceMain.verdict.migrations.map((migration) => migration.path)).toEqual([
      'db/migrations/000002_note.up.sql',
    ]);
    const badRef = await callTool(connection.client, 'check_before_apply', { projectRoot: branch.root, base: 'nope' });
    expect(badRef.isError).toBe(true);
    expect(textOf(badRef)).toMatch(/nope/);
  });

  it('refuses a path outside the project with what to pass instead', async () => {
    const outside = await callTool(connection.client, 'check_before_apply', {
      projectRoot: project.root,
      paths: ['../elsewhere/001.sql'],
    });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/\.\.\/elsewhere\/001\.sql/);
    expect(textOf(outside)).toMatch(/fix:/i);
  });

  it("in a clone, takes by default what the branch changed since origin's default branch, committed or not", async () => {
    const upstream = gitProject(GOLANG_MIGRATE_BASE);
    upstream.git('add', '-A');
    upstream.git('commit', '-q', '-m', 'users');
    const clone = gitProject({});
    clone.git('clone', '-q', upstream.root, 'app');
    const app = path.join(clone.root, 'app');
    const git = (...args: string[]) => clone.git('-C', app, ...args);
    git('checkout', '-q', '-b', 'feature');
    clone.write({ 'app/db/migrations/000002_note.up.sql': SAFE_MIGRATION['db/migrations/000002_note.up.sql'] });
    clone.write({ 'app/db/migrations/000002_note.down.sql': SAFE_MIGRATION['db/migrations/000002_note.down.sql'] });
    git('add', '-A');
    git('commit', '-q', '-m', 'note');
    const { verdict } = await check(connection, { projectRoot: app });
    expect(verdict.pending).toMatch(/since origin\/main/);
    expect(verdict.migrations.map((migration) => migration.path)).toEqual(['db/migrations/000002_note.up.sql']);
  });

  it('fails what it could not check to its end (a syntax error)', async () => {
    const broken = gitProject(GOLANG_MIGRATE_BASE);
    broken.write({ 'db/migrations/000002_broken.up.sql': 'ALTER TABLE users ADD COLUMN;\n' });
    const { verdict } = await check(connection, { projectRoot: broken.root });
    expect(verdict.verdict).toBe('fail');
    expect(verdict.risk).toBe('NOT FULLY CHECKED');
    expect(verdict.reasons.join('\n')).toMatch(/000002_broken\.up\.sql/);
  });

  it('proves the rollback on a shadow when asked', async () => {
    const proven = gitProject(GOLANG_MIGRATE_BASE);
    proven.git('add', '-A');
    proven.git('commit', '-q', '-m', 'users');
    proven.write(SAFE_MIGRATION);
    const { verdict } = await check(connection, { projectRoot: proven.root, rehearse: true });
    expect(verdict.verdict).toBe('pass');
    expect(verdict.migrations[0]?.rollback).toBe('proven');
  }, 60_000);

  it("takes what an environment of the configuration has not applied yet, from its migration tool's table", async () => {
    const dbmate = gitProject({
      'db/migrations/20240101000000_accounts.sql':
        '-- migrate:up\nCREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n\n-- migrate:down\nDROP TABLE accounts;\n',
      'db/migrations/20240102000000_drop_email.sql':
        '-- migrate:up\nALTER TABLE accounts DROP COLUMN email;\n\n-- migrate:down\nALTER TABLE accounts ADD COLUMN email text;\n',
      'db-migration-agent.config.json': JSON.stringify({
        environments: { staging: { url: 'env:DMA_GUARD_STAGING_URL' } },
      }),
    });
    const db = await freshDatabase('sqlite', dbmate.root);
    try {
      await db.exec('CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)');
      await db.exec("INSERT INTO schema_migrations VALUES ('20240101000000')");
      process.env.DMA_GUARD_STAGING_URL = db.url;
      const { verdict } = await check(connection, { projectRoot: dbmate.root, environment: 'staging' });
      expect(verdict.pending).toBe('the migrations not yet applied in staging (read from schema_migrations)');
      expect(verdict.migrations.map((migration) => migration.path)).toEqual([
        'db/migrations/20240102000000_drop_email.sql',
      ]);
      expect(verdict.verdict).toBe('fail');
      const unknown = await callTool(connection.client, 'check_before_apply', {
        projectRoot: dbmate.root,
        environment: 'prod',
      });
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toMatch(/prod/);
    } finally {
      delete process.env.DMA_GUARD_STAGING_URL;
      await db.drop();
    }
  });
});
