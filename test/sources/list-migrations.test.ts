import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';
import { fixture } from './tool-runs.js';

const REPO = path.resolve('.');

function runMigrations(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  return runCli(['migrations', ...args], { cwd });
}

describe('list_migrations over MCP', () => {
  let session: Awaited<ReturnType<typeof connectInMemory>>;
  beforeAll(async () => {
    session = await connectInMemory(fixture('sources-prisma'));
  });
  afterAll(async () => {
    await session.close();
  });

  it('is listed as read-only', async () => {
    const { tools } = await session.client.listTools();
    const tool = tools.find((candidate) => candidate.name === 'list_migrations');
    expect(tool?.annotations).toMatchObject({ readOnlyHint: true });
    expect(tool?.outputSchema).toBeDefined();
  });

  it('lists Prisma migrations with statement summaries (root from the working directory)', async () => {
    const result = await callTool(session.client, 'list_migrations', {});
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as {
      format: string;
      engine: string;
      migrations: { path: string; upStatements: number; hasDown: boolean; summary: string[] }[];
    };
    expect(structured.format).toBe('prisma');
    expect(structured.engine).toBe('postgresql');
    expect(
      structured.migrations.map((migration) => [migration.path, migration.upStatements, migration.hasDown]),
    ).toEqual([
      ['prisma/migrations/20240101000000_init/migration.sql', 2, false],
      ['prisma/migrations/20240102000000_add_posts/migration.sql', 2, false],
      ['prisma/migrations/20240103000000_post_index/migration.sql', 1, false],
    ]);
    expect(structured.migrations[0]?.summary).toEqual([
      'L2: CREATE TABLE "User" ( …',
      'L10: CREATE UNIQUE INDEX "User_email_key" ON "User"("email")',
    ]);
    expect(textOf(result)).toContain('3 prisma migration(s) in prisma/migrations, postgresql, in apply order:');
  });

  it('compiles knex migrations only with executeProjectCode, keeping the .ts line', async () => {
    const root = fixture('sources-knex-pg');
    const listed = await callTool(session.client, 'list_migrations', { projectRoot: root });
    const listedMigrations = (listed.structuredContent as { migrations: { compiled: boolean }[] }).migrations;
    expect(listedMigrations.every((migration) => !migration.compiled)).toBe(true);
    const compiled = await callTool(session.client, 'list_migrations', {
      projectRoot: root,
      path: 'migrations/20240103000000_users_display_name.ts',
      executeProjectCode: true,
    });
    const structured = compiled.structuredContent as { migrations: { transactional: boolean; summary: string[] }[] };
    expect(structured.migrations).toHaveLength(1);
    expect(structured.migrations[0]?.transactional).toBe(false);
    expect(structured.migrations[0]?.summary[0]).toBe(
      'L6: create index concurrently users_created_at_idx on users (created_at)',
    );
  });

  it('lists node-pg-migrate (compiled with consent), Kysely, MikroORM and db-migrate projects', async () => {
    const pgm = await callTool(session.client, 'list_migrations', {
      projectRoot: fixture('sources-node-pg-migrate'),
      path: 'migrations/1700000000002_orders-index.js',
      executeProjectCode: true,
    });
    expect(pgm.structuredContent).toMatchObject({
      format: 'node-pg-migrate',
      migrations: [
        {
          transactional: false,
          hasDown: true,
          summary: ['L3: CREATE INDEX CONCURRENTLY "orders_user_id_idx" ON "orders" ("user_id")'],
        },
      ],
    });
    const kysely = await callTool(session.client, 'list_migrations', { projectRoot: fixture('sources-kysely') });
    expect(kysely.structuredContent).toMatchObject({ format: 'kysely', directory: 'src/db/migrations' });
    const mikro = await callTool(session.client, 'list_migrations', { projectRoot: fixture('sources-mikro-orm') });
    expect((mikro.structuredContent as { format: string; migrations: unknown[] }).migrations).toHaveLength(3);
    const dbMigrate = await callTool(session.client, 'list_migrations', { projectRoot: fixture('sources-db-migrate') });
    expect(dbMigrate.structuredContent).toMatchObject({ format: 'db-migrate', engine: 'postgresql' });
    expect(textOf(dbMigrate)).toContain('20240103120000-audit.js');
  });

  it('reports bad input as a tool error with a fix', async () => {
    const result = await callTool(session.client, 'list_migrations', { path: '../sources-goose' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('outside the project root');
    expect(textOf(result)).toContain('fix:');
  });
});

describe('db-migration-agent migrations', () => {
  it('prints the ordered listing; --sql prints every statement with its source line', async () => {
    const listing = await runMigrations([], fixture('sources-dbmate'));
    expect(listing.code).toBe(0);
    expect(listing.out).toContain('3 dbmate migration(s) in db/migrations, in apply order:');
    expect(listing.out).toContain(
      '2. db/migrations/20240102000000_users_name_index.sql  [1 stmt, no transaction, down: 1 stmt]',
    );
    const sql = await runMigrations(['--sql', '--engine', 'postgresql'], fixture('sources-dbmate'));
    expect(sql.out).toContain('-- line 6\n     CREATE UNIQUE INDEX users_email_idx ON users (email);');
  });

  it('--execute --json compiles TypeORM and exits 1 with problems listed when a file fails', async () => {
    const typeorm = await runMigrations(['--execute', '--json'], fixture('sources-typeorm-pg'));
    expect(typeorm.code).toBe(0);
    const parsed = JSON.parse(typeorm.out) as { format: string; migrations: { up: { origin: { line: number } }[] }[] };
    expect(parsed.format).toBe('typeorm');
    expect(parsed.migrations[1]?.up.map((statement) => statement.origin.line)).toEqual([5, 6]);
    const broken = await runMigrations(['--execute', '--timeout', '1000ms'], fixture('sources-knex-broken'));
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('problem(s):');
    expect(broken.out).toContain(
      'migrations/002_throws.ts:7:9: up() threw while its SQL was recorded: gadgets need a vendor first',
    );
  });

  it('rejects unknown options with exit code 2', async () => {
    const result = await runMigrations(['--format', 'mongock'], fixture('sources-dbmate'));
    expect(result.code).toBe(2);
    expect(result.err).toContain('--format needs one of');
  });

  it.skipIf(!existsSync(path.join(REPO, 'dist/bundle/child-main.js')))(
    'built binary: what a migration prints stays off stdout (JSON stays parseable)',
    () => {
      const child = spawnSync(
        process.execPath,
        [path.join(REPO, 'dist/bundle/bin.js'), 'migrations', '--execute', '--json', '--timeout', '300ms'],
        { cwd: fixture('sources-knex-hostile'), encoding: 'utf8', timeout: 60_000 },
      );
      expect(child.status).toBe(1);
      const parsed = JSON.parse(child.stdout) as { migrations: { path: string }[] };
      expect(parsed.migrations.map((migration) => migration.path)).toEqual([
        'migrations/001_ok.js',
        'migrations/004_prints.js',
      ]);
      expect(child.stderr).toContain('migrating b: this must not reach the MCP stdout channel');
    },
  );

  it.skipIf(!existsSync(path.join(REPO, 'dist/bundle/bin.js')))(
    'runs as a built binary (node dist/bundle/bin.js migrations)',
    () => {
      const child = spawnSync(process.execPath, [path.join(REPO, 'dist/bundle/bin.js'), 'migrations', '--json'], {
        cwd: fixture('sources-flyway'),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      const parsed = JSON.parse(child.stdout) as { format: string; migrations: { id: string }[] };
      expect(parsed.format).toBe('flyway');
      expect(parsed.migrations.map((migration) => migration.id)).toEqual([
        '1',
        '1.1',
        '1.2',
        '1.10',
        'R__active_customers',
        'R__customer_names',
      ]);
    },
  );
});
