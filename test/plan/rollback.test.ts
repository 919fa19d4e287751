import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollbackPlan } from '../../src/plan/rollback.js';
import { RESET_COMMANDS } from '../../src/plan/rollback-commands.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const GOLANG = path.join(FIXTURES, 'plan-rollback-golang');
const SLOW = 240_000;

describe('rollbackPlan on PGlite (golang-migrate, hand-written downs)', () => {
  afterAll(() => releaseWarmPglite());

  it(
    'grades a dropped column as reversible with data loss, names it, and gives the backup before the step',
    async () => {
      const plan = await rollbackPlan({ projectRoot: GOLANG, migration: '4' });
      expect(plan.grade).toBe('reversible-with-data-loss');
      expect(plan.lost).toContainEqual({
        object: 'users.legacy_flag',
        what: 'every value of users.legacy_flag (bool)',
        by: 'up',
      });
      expect(plan.down).toMatchObject({
        source: 'project',
        file: 'migrations/4_drop_legacy_flag.down.sql',
        statements: ['ALTER TABLE users ADD COLUMN legacy_flag boolean'],
        matchesEarlierSchema: true,
      });
      expect(plan.pointsOfNoReturn).toEqual([
        expect.objectContaining({
          phase: 'up',
          statement: 1,
          sql: 'ALTER TABLE users DROP COLUMN legacy_flag',
          tables: ['users'],
          backup: `pg_dump -Fc -t 'users' -f before-4-up.dump "$DATABASE_URL"`,
        }),
      ]);
      expect(plan.proof).toMatchObject({ status: 'passed', down: 'project', rowsPerTable: 100 });
      expect(plan.proof.shadow).toContain('PGlite');
      // A later migration exists, so the command goes back to the one before and says what else it undoes.
      expect(plan.command.command).toBe('migrate -path migrations -database "$DATABASE_URL" goto 3');
      expect(plan.command.notes[0]).toContain('1 later migration(s)');
      const checks = plan.manual.verify.map((query) => query.sql);
      expect(checks).toContain('SELECT count(*) AS nulls FROM users WHERE legacy_flag IS NULL');
      expect(checks).toContain(
        'SELECT count(*) AS orphans FROM orders c LEFT JOIN users p ON p.id = c.user_id WHERE c.user_id IS NOT NULL AND p.id IS NULL',
      );
      expect(checks.some((sql) => sql.includes('pg_index WHERE NOT indisvalid'))).toBe(true);
    },
    SLOW,
  );

  it(
    'reports a hand-written down that leaves the schema different, and proves the derived one instead',
    async () => {
      const plan = await rollbackPlan({ projectRoot: GOLANG, migration: 'migrations/3_users_email_index.up.sql' });
      expect(plan.findings[0]).toBe(
        "the project's down does not give back the earlier schema: added index users.users_email_key",
      );
      expect(plan.down).toMatchObject({ source: 'derived', matchesEarlierSchema: false });
      expect(plan.down.statements).toEqual(['DROP INDEX users_email_key']);
      expect(plan.proof).toMatchObject({ status: 'passed', down: 'derived' });
      expect(plan.grade).toBe('reversible');
    },
    SLOW,
  );

  it(
    'grades as irreversible a data change whose down fails, with the failing statement as evidence',
    async () => {
      const plan = await rollbackPlan({
        projectRoot: GOLANG,
        sql: "DELETE FROM users WHERE email LIKE '%@example.invalid';",
        down: "DO $$ BEGIN RAISE EXCEPTION 'deleted rows cannot be restored'; END $$;",
        rowsPerTable: 10,
      });
      expect(plan.notes[0]).toContain('after the 5 of migrations');
      expect(plan.grade).toBe('irreversible');
      expect(plan.evidence[0]).toMatchObject({ phase: 'down', statement: 1 });
      expect(plan.evidence[0]?.why).toContain('deleted rows cannot be restored');
      expect(plan.proof.failedAt).toMatchObject({ phase: 'down', statement: 1 });
      expect(plan.lost).toContainEqual(expect.objectContaining({ object: 'rows of users', by: 'up' }));
    },
    SLOW,
  );
});

describe('rollbackPlan for formats that keep no downs (Prisma)', () => {
  afterAll(() => releaseWarmPglite());

  it(
    'derives the down, proves it, and marks the migration rolled back without a reset',
    async () => {
      const plan = await rollbackPlan({ projectRoot: path.join(FIXTURES, 'sources-prisma'), migration: 'add_posts' });
      expect(plan.down.source).toBe('derived');
      expect(plan.down.statements.join('\n')).toContain('DROP TABLE "Post"');
      expect(plan.grade).toBe('reversible-with-data-loss');
      expect(plan.lost).toContainEqual(expect.objectContaining({ object: 'Post', by: 'down' }));
      expect(plan.command.command).toBe(
        'npx prisma db execute --file prisma/migrations/20240102000000_add_posts/down.sql --schema prisma/schema.prisma && npx prisma migrate resolve --rolled-back 20240102000000_add_posts',
      );
      expect(plan.command.command).not.toMatch(RESET_COMMANDS);
      // Rolling back drops the table: the backup keeps the quotes pg_dump needs for a mixed-case name.
      expect(plan.pointsOfNoReturn.find((point) => point.phase === 'down')?.backup).toContain(`-t '"Post"'`);
      expect(plan.proof).toMatchObject({ status: 'passed', down: 'derived' });
    },
    SLOW,
  );
});

describe('rollbackPlan for knex (code run in the sandbox) with the package rollback script', () => {
  afterAll(() => releaseWarmPglite());

  it('asks for consent before running the migrations', async () => {
    await expect(
      rollbackPlan({ projectRoot: path.join(FIXTURES, 'plan-rollback-knex'), migration: '20240102000000' }),
    ).rejects.toMatchObject({ code: 'execute-required' });
  });

  it(
    "uses the project's npm script for the newest migration and its recorded down",
    async () => {
      const plan = await rollbackPlan({
        projectRoot: path.join(FIXTURES, 'plan-rollback-knex'),
        migration: '20240102000000',
        executeProjectCode: true,
      });
      expect(plan.command).toMatchObject({ command: 'npm run db:rollback', runsDown: true });
      expect(plan.command.source).toBe('package.json scripts.db:rollback: knex migrate:rollback');
      expect(plan.down.source).toBe('project');
      expect(plan.grade).toBe('reversible-with-data-loss');
      expect(plan.lost[0]?.object).toBe('accounts.nickname');
      expect(plan.proof.status).toBe('passed');
    },
    SLOW,
  );
});

describe('rollbackPlan of a migration whose down() fails on broken code', () => {
  afterAll(() => releaseWarmPglite());

  it(
    "says where the project's down fails and plans the derived down instead of its first statements",
    async () => {
      const plan = await rollbackPlan({
        projectRoot: path.join(FIXTURES, 'silent-sequelize'),
        migration: '20240103000000',
        executeProjectCode: true,
      });
      expect(plan.down.source).toBe('derived');
      expect(plan.findings.join('\n')).toContain(
        "The project's down fails (down() fails at migrations/20240103000000-broken-down.js:11 (ReferenceError: Sequelize is not defined))",
      );
      expect(plan.down.statements.join('\n')).toMatch(/DROP COLUMN/i);
    },
    SLOW,
  );
});

describe('rollbackPlan on SQLite in memory (raw SQL after the project history)', () => {
  it(
    'proves the derived down and gives the sqlite3 backup',
    async () => {
      const plan = await rollbackPlan({
        projectRoot: path.join(FIXTURES, 'shadow-sqlite'),
        path: 'migrations',
        sql: 'ALTER TABLE orders DROP COLUMN note;',
        engine: 'sqlite',
        rowsPerTable: 20,
      });
      expect(plan.engine).toBe('sqlite');
      expect(plan.grade).toBe('reversible-with-data-loss');
      expect(plan.pointsOfNoReturn[0]?.backup).toBe('sqlite3 <database-file> ".backup before-sql-up.sqlite3"');
      expect(plan.proof).toMatchObject({ status: 'passed', shadow: expect.stringContaining('SQLite') });
      expect(plan.manual.verify.map((query) => query.sql)).toContain('PRAGMA foreign_key_check');
      expect(plan.down.validation).toBeUndefined();
    },
    SLOW,
  );

  it(
    'plans against an empty database when the folder has no migrations, and says so',
    async () => {
      const empty = mkdtempSync(path.join(tmpdir(), 'dma-rollback-'));
      try {
        const plan = await rollbackPlan({
          projectRoot: empty,
          sql: 'CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL);',
          engine: 'sqlite',
        });
        expect(plan.notes).toContain('no migration folder found: the SQL was planned against an empty database');
        expect(plan.down.statements).toEqual(['DROP TABLE "notes"']);
        expect(plan.lost).toEqual([expect.objectContaining({ object: 'notes', by: 'down' })]);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});

describe('rollbackPlan on database servers', () => {
  let postgres = false;
  let mysql = false;
  beforeAll(async () => {
    postgres = (await postgresAvailable()).available;
    mysql = (await mysqlAvailable()).available;
  });

  it(
    'proves the down on a fresh database of a PostgreSQL server named as shadow',
    async ({ skip }) => {
      if (!postgres) skip();
      const plan = await rollbackPlan({ projectRoot: GOLANG, migration: '5', shadowUrl: POSTGRES_URL });
      expect(plan.grade).toBe('reversible');
      expect(plan.proof).toMatchObject({ status: 'passed', down: 'project' });
      expect(plan.proof.shadow).toContain('127.0.0.1:5432');
      expect(plan.command.command).toBe('migrate -path migrations -database "$DATABASE_URL" down 1');
    },
    SLOW,
  );

  it(
    'plans a MariaDB rollback with mysqldump and the values the down narrows',
    async ({ skip }) => {
      if (!mysql) skip();
      const plan = await rollbackPlan({
        projectRoot: path.join(FIXTURES, 'shadow-mysql'),
        migration: '0003',
        path: 'migrations',
        engine: 'mariadb',
        shadowUrl: MYSQL_URL,
        rowsPerTable: 20,
      });
      expect(plan.engine).toBe('mariadb');
      expect(plan.proof.status).toBe('passed');
      expect(plan.grade).toBe('reversible-with-data-loss');
      expect(plan.lost.map((loss) => loss.object)).toEqual(
        expect.arrayContaining(['users.display_name', 'rows of users']),
      );
      expect(plan.pointsOfNoReturn.map((point) => point.backup).join('\n')).toContain(
        'mysqldump --single-transaction <database> users',
      );
      expect(plan.down.validation).toBeUndefined();
    },
    SLOW,
  );
});

describe('rollback_plan through the MCP protocol', () => {
  let connection: Awaited<ReturnType<typeof connectInMemory>>;
  beforeAll(async () => {
    connection = await connectInMemory(GOLANG);
  });
  afterAll(async () => {
    await connection.close();
    await releaseWarmPglite();
  });

  it('is listed as read-only, idempotent and closed-world', async () => {
    const { tools } = await connection.client.listTools();
    const tool = tools.find((candidate) => candidate.name === 'rollback_plan');
    expect(tool?.annotations).toMatchObject({
      readOnlyHint: true,
      idempotentHint: true,
      openWorldHint: false,
    });
    expect(Object.keys(tool?.outputSchema?.properties ?? {})).toEqual(
      expect.arrayContaining(['grade', 'down', 'command', 'proof']),
    );
  });

  it(
    'answers with the structured plan and a short readable text',
    async () => {
      const result = await callTool(connection.client, 'rollback_plan', { migration: '.' });
      expect(result.isError).toBeFalsy();
      const plan = result.structuredContent as Awaited<ReturnType<typeof rollbackPlan>>;
      expect(plan.grade).toBe('reversible');
      expect(plan.down.statements).toEqual(['DROP INDEX orders_total_idx']);
      const text = textOf(result);
      expect(text.split('\n')[0]).toBe(
        'Rollback plan for migrations/5_orders_total_index.up.sql (golang-migrate, postgresql): REVERSIBLE',
      );
      expect(text).toContain('Proof: up → down → up passed on PGlite');
      expect(JSON.stringify(plan).length).toBeLessThan(4_000);
    },
    SLOW,
  );

  it('says what, where and how to fix for an unknown migration', async () => {
    const result = await callTool(connection.client, 'rollback_plan', { migration: '42' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('No migration "42" in migrations (5 migration(s))');
  });
});
