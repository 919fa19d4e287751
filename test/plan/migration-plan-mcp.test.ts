import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseBaselineCache } from '../../src/shadow/baseline-cache.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';
import {
  callPlan,
  expectGanttMatchesTimeline,
  expectTemplateFilled,
  planOverMcp,
  section,
  type TimelineEntryLike,
} from './migration-plan-expect.js';

/**
 * migration_plan through the MCP protocol on fixture projects: a raw SQL + PostgreSQL project (its newest migration
 * has no down, so the rollback is derived) and a knex + PostgreSQL one, rehearsed on PGlite and on the PostgreSQL
 * server. The plan fills every section of the seed's template and its gantt chart matches the lock timeline.
 */

const FIXTURES = path.join(import.meta.dirname, '../fixtures');
const SQL_PG = path.join(FIXTURES, 'plan-sql-pg');
const KNEX_PG = path.join(FIXTURES, 'sources-knex-pg');
const server = await postgresAvailable();

interface Plan {
  risk: string;
  changes: { statement: number; action: string; table: string; column: string }[];
  rollback: {
    grade: string;
    down: string;
    downStatements: number;
    command?: string;
    proof: string;
    pointsOfNoReturn: { phase: string; statement: number; lost: string; backup: string }[];
    findings: string[];
  }[];
  checklist: { id: string; status: string; evidence: string[] }[];
  timeline: {
    lockTimeoutMs: number;
    totalMs: number;
    entries: (TimelineEntryLike & { exceedsLockTimeout: boolean; mode: string })[];
  };
  rehearsals: { outcome: string; shadow?: string }[];
  impact: { affectedTables: string[]; longestBlockMs: number };
  markdown: { uri: string; chars: number };
  written?: string;
}

let connection: Awaited<ReturnType<typeof connectInMemory>>;
beforeAll(async () => {
  connection = await connectInMemory(SQL_PG);
});
afterAll(async () => {
  await connection.close();
  // What a long-lived server keeps warm (a template database on the PostgreSQL server, a spare PGlite) goes too.
  await Promise.all([releaseBaselineCache(), releaseWarmPglite()]);
});

const planCall = (args: Record<string, unknown>) => callPlan(connection.client, args);
const plan = (args: Record<string, unknown>) => planOverMcp<Plan>(connection.client, args);

function expectTimelineSound(timeline: Plan['timeline']): void {
  for (const entry of timeline.entries) {
    expect(entry.startMs).toBeGreaterThanOrEqual(0);
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    if (entry.phase === 'up') expect(entry.startMs + entry.durationMs).toBeLessThanOrEqual(timeline.totalMs + 0.05);
    if (entry.source === 'rehearsed' && entry.rehearsedMs !== undefined)
      expect(entry.durationMs).toBe(entry.rehearsedMs);
  }
}

describe('migration_plan over MCP', () => {
  it('is listed with its annotations and output schema', async () => {
    const { tools } = await connection.client.listTools();
    const tool = tools.find((each) => each.name === 'migration_plan');
    expect(tool?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, openWorldHint: false });
    expect(tool?.outputSchema).toBeDefined();
  });

  it('plans the newest raw SQL migration on PGlite: every template section filled, the gantt matches the rehearsal', async () => {
    const { plan: result, text, markdown } = await plan({ projectRoot: SQL_PG });
    expectTemplateFilled(markdown, {
      tables: ['orders', 'users'],
      files: ['migrations/0003_order_status.up.sql'],
    });
    expect(result.changes.map((change) => `${change.action} ${change.table}.${change.column}`)).toEqual([
      'ADD COLUMN orders.status',
      'ADD INDEX orders.status',
      'ADD COLUMN users.last_login_at',
    ]);
    // No down file: the down is derived from the schema and proven by the round trip — rollback_plan's answer,
    // word for word: the same grade, command, points of no return and proof.
    const own = (await callTool(connection.client, 'rollback_plan', { migration: '0003' })).structuredContent as {
      grade: string;
      command: { command?: string };
      down: { source: string; statements: string[] };
      pointsOfNoReturn: { phase: string; statement: number; lost: string; backup: string }[];
      manual: { steps: string[] };
      proof: { status: string };
    };
    expect(result.rollback[0]).toMatchObject({
      grade: own.grade,
      down: 'derived',
      downStatements: own.down.statements.length,
      command: own.command.command,
      proof: 'passed',
      pointsOfNoReturn: own.pointsOfNoReturn.map(({ phase, statement, lost, backup }) => ({
        phase,
        statement,
        lost,
        backup,
      })),
    });
    expect(own.proof.status).toBe('passed');
    const rollbackSection = section(markdown, 'Rollback');
    expect(rollbackSection).toContain('migrate -path migrations');
    expect(rollbackSection).toMatch(/DROP COLUMN status/);
    expect(rollbackSection).toContain(own.grade.toUpperCase());
    for (const step of own.manual.steps) expect(rollbackSection).toContain(step);
    for (const point of own.pointsOfNoReturn) expect(rollbackSection).toContain(point.backup);
    expect(result.rehearsals[0]).toMatchObject({ outcome: 'passed', shadow: expect.stringContaining('PGlite') });
    expect(result.checklist.find((item) => item.id === 'rollback-tested')?.status).toBe('pass');

    // One task per lock of every locking statement: each of the three statements locks an existing table.
    expectTimelineSound(result.timeline);
    const tasks = expectGanttMatchesTimeline(markdown, result.timeline.entries);
    expect(new Set(tasks.map((task) => /stmt (\d+)/.exec(task.name)?.[1]))).toEqual(new Set(['1', '2', '3']));
    expect(result.timeline.entries.find((entry) => entry.statement === 2)?.mode).toBe('SHARE');

    // The same statements lock the same tables when rehearse_migration runs the migration on its own.
    const rehearsal = await callTool(connection.client, 'rehearse_migration', {
      projectRoot: SQL_PG,
      migration: 'migrations/0003_order_status.up.sql',
    });
    const steps = (
      rehearsal.structuredContent as {
        steps: { phase: string; index: number; locks: { relation: string; newObject: boolean; kind: string }[] }[];
      }
    ).steps;
    for (const step of steps.filter((each) => each.phase === 'up'))
      for (const lock of step.locks.filter((each) => !each.newObject && each.kind === 'table'))
        expect(
          result.timeline.entries.some(
            (entry) => entry.phase === 'up' && entry.statement === step.index && entry.table === lock.relation,
          ),
          `${step.index} ${lock.relation}`,
        ).toBe(true);

    // The result's text is the compact plan with the terminal timeline; the Markdown is a resource.
    expect(text).toMatch(/^orders +│[█▓░ ]+│/m);
    expect(text).toContain('█ reads+writes blocked');
    expect(text).toContain(result.markdown.uri);
    expect(text.length).toBeLessThan(markdown.length);
  }, 240_000);

  it('stretches lock durations to production row counts and flags locks beyond lock_timeout', async () => {
    const { plan: result, markdown } = await plan({
      projectRoot: SQL_PG,
      migrations: ['0003'],
      rowCounts: { orders: 20_000_000 },
      lockTimeoutMs: 2000,
    });
    expectTimelineSound(result.timeline);
    const orders = result.timeline.entries.filter((entry) => entry.phase === 'up' && entry.table === 'orders');
    expect(orders.some((entry) => entry.source === 'estimated' && entry.exceedsLockTimeout)).toBe(true);
    expect(result.risk).not.toBe('LOW');
    expect(result.checklist.find((item) => item.id === 'no-long-locks')?.status).toBe('fail');
    const tasks = expectGanttMatchesTimeline(markdown, result.timeline.entries);
    expect(tasks.some((task) => task.tags.includes('crit'))).toBe(true);
    expect(section(markdown, 'Estimated Impact')).toMatch(/Downtime\*\*: .*orders.*blocked for up to/);
  }, 240_000);

  it('plans a knex migration compiled in the sandbox, showing its source and the SQL it runs', async () => {
    const { plan: result, markdown } = await plan({ projectRoot: KNEX_PG, executeProjectCode: true });
    expectTemplateFilled(markdown, { tables: ['users'], files: ['migrations/20240103000000_users_display_name.ts'] });
    expect(section(markdown, 'Migration File')).toContain('knex.schema.alterTable');
    expect(section(markdown, 'Migration File')).toMatch(/create index concurrently/i);
    expect(section(markdown, 'Rollback')).toContain('npx knex migrate:rollback');
    expect(result.rollback[0]?.down).toBe('project');
    expect(result.rehearsals[0]?.outcome).toBe('passed');
    expectTimelineSound(result.timeline);
    expectGanttMatchesTimeline(markdown, result.timeline.entries);
    expect(result.changes.map((change) => change.action)).toEqual(['ADD INDEX', 'ADD COLUMN', 'UPDATE ROWS']);
  }, 240_000);

  it.skipIf(!server.available)(
    'rehearses on the PostgreSQL server named as shadow',
    async () => {
      const { plan: result, markdown } = await plan({ projectRoot: SQL_PG, shadowUrl: POSTGRES_URL });
      expect(result.rehearsals[0]?.shadow).toMatch(/127\.0\.0\.1:5432/);
      expect(result.rehearsals[0]?.outcome).toBe('passed');
      expectTemplateFilled(markdown, { tables: ['orders', 'users'], files: ['migrations/0003_order_status.up.sql'] });
      expectTimelineSound(result.timeline);
      expectGanttMatchesTimeline(markdown, result.timeline.entries);
    },
    240_000,
  );

  it('writes the Markdown only on request, inside the project, never over a file', async () => {
    const copy = await mkdtemp(path.join(os.tmpdir(), 'dma-plan-'));
    try {
      await cp(SQL_PG, copy, { recursive: true });
      const first = await plan({ projectRoot: copy, output: 'plans/0003.md', rehearse: false });
      expect(first.plan.written).toBe('plans/0003.md');
      expect(await readFile(path.join(copy, 'plans/0003.md'), 'utf8')).toBe(first.markdown);
      // Without a rehearsal the timeline is the lock map's, estimated from table sizes.
      expect(first.plan.rehearsals[0]?.outcome).toBe('skipped');
      expect(first.plan.timeline.entries.every((entry) => entry.source === 'estimated')).toBe(true);
      const again = await planCall({
        projectRoot: copy,
        output: 'plans/0003.md',
        rehearse: false,
      });
      expect(again.isError).toBe(true);
      expect(textOf(again)).toMatch(/already exists[\s\S]*new file name/);
      const outside = await planCall({
        projectRoot: copy,
        output: '../escape.md',
        rehearse: false,
      });
      expect(outside.isError).toBe(true);
      expect(textOf(outside)).toMatch(/outside the project root/);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  }, 240_000);

  it('plans several migrations in order: each rehearsed on the ones before it, one timeline after the other', async () => {
    const { plan: result, markdown } = await plan({ projectRoot: SQL_PG, migrations: ['0003', '0002'] });
    expectTemplateFilled(markdown, {
      tables: ['orders', 'users'],
      files: ['migrations/0002_orders.up.sql', 'migrations/0003_order_status.up.sql'],
    });
    expect(markdown).toMatch(/^### Migration Files$/m);
    expect(result.rehearsals.map((rehearsal) => rehearsal.outcome)).toEqual(['passed', 'passed']);
    expect(result.rollback.map((rollback) => rollback.down)).toEqual(['project', 'derived']);
    expect(result.changes[0]).toMatchObject({ action: 'CREATE TABLE', table: 'orders' });
    expectTimelineSound(result.timeline);
    expectGanttMatchesTimeline(markdown, result.timeline.entries);
    // The locks of 0002 on the table it creates harm nobody and are left out; 0003's start after 0002 has run.
    const up = result.timeline.entries.filter((entry) => entry.phase === 'up');
    expect(up.some((entry) => entry.migration === '0002' && entry.table === 'orders')).toBe(false);
    const first = up.filter((entry) => entry.migration === '0002').map((entry) => entry.startMs);
    const second = up.filter((entry) => entry.migration === '0003').map((entry) => entry.startMs);
    expect(second.length).toBe(3);
    expect(Math.min(...second)).toBeGreaterThan(Math.max(0, ...first));
  }, 240_000);

  it('refuses a shadow server that is not on this machine before anything runs', async () => {
    const result = await planCall({
      projectRoot: SQL_PG,
      shadowUrl: 'postgres://app@db.example.com:5432/shop',
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/db\.example\.com/);
  });

  it('says which migration it could not find and how to name one', async () => {
    const result = await planCall({ projectRoot: SQL_PG, migrations: ['0042'] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/No migration "0042" in migrations[\s\S]*e\.g\. 0003/);
  });
});
