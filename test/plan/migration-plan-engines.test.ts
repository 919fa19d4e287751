import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseBaselineCache } from '../../src/shadow/baseline-cache.js';
import { MYSQL_URL, mysqlAvailable } from '../helpers/databases.js';
import { connectInMemory } from '../helpers/mcp.js';
import {
  expectGanttMatchesTimeline,
  expectTemplateFilled,
  planOverMcp,
  section,
  type TimelineEntryLike,
} from './migration-plan-expect.js';

/**
 * migration_plan for MySQL/MariaDB (rehearsed on the MariaDB server) and SQLite (in memory), through MCP: every
 * section of the seed's template filled, and a lock timeline whose blocks come from the ALTER algorithm (MySQL)
 * or the database write lock (SQLite), with rehearsed durations stretched to the production row counts given.
 */

const FIXTURES = path.join(import.meta.dirname, '../fixtures');
const MYSQL_PROJECT = path.join(FIXTURES, 'plan-sql-mysql');
const SQLITE_PROJECT = path.join(FIXTURES, 'plan-sql-sqlite');
const mysql = await mysqlAvailable();

interface Entry extends TimelineEntryLike {
  mode: string;
  blocks: string;
  heldUntil: string;
  exceedsLockTimeout: boolean;
}

interface Plan {
  risk: string;
  engine: string;
  timeline: { basis: string; lockTimeoutMs: number; entries: Entry[] };
  checklist: { id: string; status: string; evidence: string[] }[];
  rehearsals: { outcome: string; shadow?: string; reason?: string }[];
  rollback: { grade: string; down: string; proof: string }[];
  impact: { downtime: string; lockDuration: string; longestBlockMs: number; affectedTables: string[] };
  markdown: { uri: string; chars: number };
}

let connection: Awaited<ReturnType<typeof connectInMemory>>;
beforeAll(async () => {
  connection = await connectInMemory(FIXTURES);
});
afterAll(async () => {
  await connection.close();
  await releaseBaselineCache();
});

const plan = (args: Record<string, unknown>) => planOverMcp<Plan>(connection.client, args);

function upEntry(result: Plan, statement: number): Entry | undefined {
  return result.timeline.entries.find((entry) => entry.phase === 'up' && entry.statement === statement);
}

describe('migration_plan on MySQL/MariaDB', () => {
  it.skipIf(!mysql.available)(
    'draws each statement by its ALTER algorithm, the COPY stretched to the production rows',
    async () => {
      const {
        plan: result,
        text,
        markdown,
      } = await plan({
        projectRoot: MYSQL_PROJECT,
        engine: 'mariadb',
        shadowUrl: MYSQL_URL,
        rowCounts: { orders: 5_000_000 },
      });
      expectTemplateFilled(markdown, { tables: ['orders', 'users'], files: ['migrations/0003_order_status.up.sql'] });
      expect(result.rehearsals[0], JSON.stringify(result.rehearsals)).toMatchObject({ outcome: 'passed' });
      expect(result.rehearsals[0]?.shadow).toContain('127.0.0.1');

      // ADD COLUMN at the end: instant, a brief exclusive metadata lock, measured on the server.
      expect(upEntry(result, 1)).toMatchObject({ table: 'orders', mode: 'INSTANT', blocks: 'reads and writes' });
      expect(upEntry(result, 1)?.source).toBe('rehearsed');
      expect(upEntry(result, 1)?.exceedsLockTimeout).toBe(false);
      // CREATE INDEX: built in place, reads and writes go on; its time grows with the 5M rows.
      expect(upEntry(result, 2)).toMatchObject({ table: 'orders', mode: 'INPLACE', blocks: 'schema changes' });
      expect(upEntry(result, 2)?.source).toBe('estimated');
      // A column type change copies the table (the server said how many rows it copied): writes wait, and at
      // 5M rows far longer than lock_timeout.
      const copy = upEntry(result, 3);
      expect(copy).toMatchObject({ table: 'orders', mode: 'COPY', blocks: 'writes', source: 'estimated' });
      expect(copy?.exceedsLockTimeout).toBe(true);
      expect(copy?.durationMs).toBeGreaterThan(result.timeline.lockTimeoutMs);
      // users has no row count given: its instant ADD COLUMN keeps the rehearsed time.
      expect(upEntry(result, 4)).toMatchObject({ table: 'users', mode: 'INSTANT', source: 'rehearsed' });
      for (const [index, entry] of result.timeline.entries.filter((item) => item.phase === 'up').entries())
        if (index > 0)
          expect(entry.startMs).toBeGreaterThanOrEqual(
            (result.timeline.entries[index - 1]?.startMs ?? 0) +
              (result.timeline.entries[index - 1]?.durationMs ?? 0) -
              0.05,
          );
      // The shadow server's version names the algorithms when the project names none.
      expect(result.timeline.basis).toMatch(/ALTER algorithms of mariadb \d+\.\d+/);
      expect(result.timeline.basis).toMatch(/metadata lock/);

      expectGanttMatchesTimeline(markdown, result.timeline.entries);
      expect(section(markdown, 'Lock Timeline')).toMatch(/\| COPY \| writes \|/);
      expect(result.checklist.find((item) => item.id === 'no-long-locks')?.status).toBe('fail');
      expect(result.risk).not.toBe('LOW');
      expect(result.impact.downtime).toMatch(/orders writes blocked for up to/);
      expect(text).toMatch(/^orders +│[█▓░ ]+│ .* COPY \(#3, estimated\) ⚠ over lock_timeout$/m);
      // The rollback is rollback_plan's: the project has no down for 0003, so it is derived and proven.
      expect(result.rollback[0]).toMatchObject({ down: 'derived', proof: 'passed' });
    },
    300_000,
  );
});

describe('migration_plan on SQLite', () => {
  it('draws the database write lock held by the table rebuild until commit', async () => {
    const {
      plan: result,
      text,
      markdown,
    } = await plan({
      projectRoot: SQLITE_PROJECT,
      engine: 'sqlite',
      rowCounts: { orders: 2_000_000 },
    });
    expectTemplateFilled(markdown, {
      tables: ['orders', 'users'],
      files: ['migrations/0003_orders_total_check.up.sql'],
    });
    expect(result.rehearsals[0]?.outcome, JSON.stringify(result.rehearsals)).toBe('passed');
    const up = result.timeline.entries.filter((entry) => entry.phase === 'up');
    // Every write statement on an existing table holds the database file's write lock: all writers wait.
    expect(up.length).toBeGreaterThanOrEqual(4);
    for (const entry of up) expect(entry).toMatchObject({ mode: 'database write lock', blocks: 'writes' });
    // new_orders is created by the migration itself: nobody else uses it, so the timeline draws no lock on it.
    expect(up.map((entry) => entry.table)).not.toContain('new_orders');
    // The copy into the new table grows with the rows of orders: stretched to 2M rows.
    const copy = upEntry(result, 2);
    expect(copy).toMatchObject({ table: 'orders', source: 'estimated' });
    expect(copy?.durationMs).toBeGreaterThan(result.timeline.lockTimeoutMs);
    expect(result.timeline.basis).toMatch(/blocks every writer to the database file/);
    expectGanttMatchesTimeline(markdown, result.timeline.entries);
    expect(text).toMatch(/^orders +│[▓ ]+│ .* database write lock/m);
    expect(result.checklist.find((item) => item.id === 'no-long-locks')?.status).toBe('fail');
  }, 240_000);

  it('estimates the timeline from the row counts alone when not rehearsed', async () => {
    const { plan: result, markdown } = await plan({
      projectRoot: SQLITE_PROJECT,
      engine: 'sqlite',
      rehearse: false,
      rowCounts: { orders: 2_000_000 },
    });
    expectTemplateFilled(markdown, {
      tables: ['orders', 'users'],
      files: ['migrations/0003_orders_total_check.up.sql'],
    });
    const copy = upEntry(result, 2);
    // 2M rows at the rule-of-thumb rewrite rate (200k rows/s): about 10 s.
    expect(copy).toMatchObject({ table: 'orders', source: 'estimated' });
    expect(copy?.durationMs).toBeGreaterThan(5_000);
    expect(result.timeline.basis).toMatch(/not rehearsed/);
    expect(result.rollback[0]?.proof).toBe('skipped');
  }, 240_000);
});
