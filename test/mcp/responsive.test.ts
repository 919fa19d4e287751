import { randomInt } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type CallToolResult,
  LoggingMessageNotificationSchema,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';
import { toolPython } from '../helpers/tool-python.js';
import { FIXTURES, tempProject } from '../project/helpers.js';

/**
 * Issue 20 §1 through the real protocol: while a rehearsal runs, the server answers other calls; timeoutMs and
 * a client's cancellation stop a rehearsal at once (the statement running included) and drop its shadow; the
 * error says which stopped it and after how long; progress reaches a client that asked for it.
 */

/** A statement that would keep the embedded PostgreSQL busy for many minutes, without using memory. */
const ENDLESS_LOOP = 'DO $$ DECLARE i bigint := 0; BEGIN WHILE i < 100000000000 LOOP i := i + 1; END LOOP; END $$;';
/** Generous (beyond the time limit, if any): the point is that the work stops, where it would otherwise run for minutes. */
const STOPS_WITHIN_MS = 10_000;

type Connection = Awaited<ReturnType<typeof connectInMemory>>;

const postgres = await postgresAvailable();
const mysql = await mysqlAvailable();
const python = toolPython('alembic.config', 'the Alembic time-limit test');

describe('a responsive server that stops when told', () => {
  let connection: Connection;
  let project: ReturnType<typeof tempProject>;
  const logs: string[] = [];

  beforeAll(async () => {
    project = tempProject({ 'README.md': '# an empty project\n' });
    connection = await connectInMemory(project.dir);
    connection.client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      logs.push(String(notification.params.data));
    });
  });
  afterAll(async () => {
    await connection.close();
    await releaseWarmPglite();
    project.cleanup();
  });

  it('answers detect_setup while a PGlite rehearsal runs; a cancelled rehearsal stops and the server goes on', async () => {
    const controller = new AbortController();
    const order: string[] = [];
    const running = statementRunning();
    const rehearsal = connection.client
      .callTool(
        {
          name: 'rehearse_migration',
          arguments: { projectRoot: project.dir, migration: ENDLESS_LOOP, baseline: 'none' },
        },
        undefined,
        { signal: controller.signal, onprogress: running.onprogress, timeout: 600_000 },
      )
      .then(
        () => order.push('rehearsal'),
        (error: unknown) => {
          order.push('rehearsal');
          return error;
        },
      );
    await running.started;

    const detect = await callTool(connection.client, 'detect_setup', { projectRoot: project.dir });
    order.push('detect_setup');
    expect(detect.isError).toBeFalsy();
    expect(order).toEqual(['detect_setup']);

    const cancelledAt = performance.now();
    controller.abort();
    await rehearsal;
    // The server logs the call's end once it has stopped the worker and dropped the shadow.
    const ended = await waitFor(() => logs.find((line) => line.includes('rehearsal was cancelled after')));
    expect(ended).toMatch(
      /rehearse_migration: The rehearsal was cancelled after \d+ ms; the shadow database was dropped/,
    );
    expect(performance.now() - cancelledAt).toBeLessThan(STOPS_WITHIN_MS);

    const next = await callTool(connection.client, 'rehearse_migration', {
      projectRoot: project.dir,
      migration: 'CREATE TABLE after_cancel (id int);',
      baseline: 'none',
    });
    expect(next.isError).toBeFalsy();
    expect(next.structuredContent).toMatchObject({ outcome: 'passed' });
  }, 120_000);

  it('cancelling rollback_plan stops the replay of a statement that would run for minutes', async () => {
    const controller = new AbortController();
    let replaying: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      replaying = resolve;
    });
    const call = connection.client
      .callTool(
        { name: 'rollback_plan', arguments: { projectRoot: project.dir, sql: ENDLESS_LOOP, engine: 'postgresql' } },
        undefined,
        {
          signal: controller.signal,
          timeout: 600_000,
          onprogress: (update) => {
            if (update.message?.startsWith('reading the schemas')) replaying();
          },
        },
      )
      .catch((error: unknown) => error);
    await started;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cancelledAt = performance.now();
    controller.abort();
    await call;
    const ended = await waitFor(() => logs.find((line) => line.startsWith('rollback_plan: The call was cancelled')));
    expect(ended).toContain('its shadow database dropped');
    expect(performance.now() - cancelledAt).toBeLessThan(STOPS_WITHIN_MS);
    const detect = await callTool(connection.client, 'detect_setup', { projectRoot: project.dir });
    expect(detect.isError).toBeFalsy();
  }, 60_000);

  it('cancelling generate_migration stops the replay of the project history it reads the schema from', async () => {
    const history = tempProject({
      'migrations/0001_orders.sql': 'CREATE TABLE orders (id int PRIMARY KEY);\n',
      'migrations/0002_slow.sql': `${ENDLESS_LOOP}\n`,
    });
    try {
      const controller = new AbortController();
      let replaying: () => void = () => undefined;
      const started = new Promise<void>((resolve) => {
        replaying = resolve;
      });
      const call = connection.client
        .callTool(
          {
            name: 'generate_migration',
            arguments: {
              projectRoot: history.dir,
              changes: [{ op: 'add_column', table: 'orders', column: { name: 'note', type: 'text' } }],
              dryRun: true,
            },
          },
          undefined,
          {
            signal: controller.signal,
            timeout: 600_000,
            onprogress: (update) => {
              if (update.message === 'reading the current schema') replaying();
            },
          },
        )
        .catch((error: unknown) => error);
      await started;
      await new Promise((resolve) => setTimeout(resolve, 500));
      const cancelledAt = performance.now();
      controller.abort();
      await call;
      const ended = await waitFor(() =>
        logs.find((line) => line.startsWith('generate_migration: The call was cancelled')),
      );
      expect(ended).toContain('its shadow database dropped');
      expect(performance.now() - cancelledAt).toBeLessThan(STOPS_WITHIN_MS);
    } finally {
      history.cleanup();
    }
  }, 60_000);

  it('timeoutMs stops a PGlite statement that would run for minutes, and says after how long', async () => {
    const started = performance.now();
    const result = await callTool(connection.client, 'rehearse_migration', {
      projectRoot: project.dir,
      migration: ENDLESS_LOOP,
      baseline: 'none',
      timeoutMs: 2_000,
    });
    const wall = performance.now() - started;
    expect(result.isError).toBe(true);
    const reported = stoppedAfter(result, 2_000);
    expect(reported).toBeGreaterThanOrEqual(2_000);
    expect(reported).toBeLessThanOrEqual(wall);
    expect(wall).toBeLessThan(STOPS_WITHIN_MS);
  }, 60_000);

  // 6 s: starting the sandbox and knex on a busy machine must fit before the limit, for the file to be named.
  it('timeoutMs stops a knex migration stuck in an endless loop while its SQL is recorded, naming it', async () => {
    const started = performance.now();
    const result = await callTool(connection.client, 'rehearse_migration', {
      projectRoot: path.join(FIXTURES, 'sources-knex-hostile'),
      migration: 'migrations/002_loops_forever.js',
      executeProjectCode: true,
      timeoutMs: 6_000,
    });
    const wall = performance.now() - started;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('migrations/002_loops_forever.js');
    expect(textOf(result)).toContain('in the sandbox');
    const reported = stoppedAfter(result, 6_000);
    expect(reported).toBeGreaterThanOrEqual(6_000);
    expect(reported).toBeLessThanOrEqual(wall);
    expect(wall).toBeLessThan(6_000 + STOPS_WITHIN_MS);
  }, 60_000);

  it.skipIf(!python)(
    'timeoutMs kills the Python sandbox recording an Alembic revision, naming the revision',
    async () => {
      const copy = mkdtempSync(path.join(tmpdir(), 'dma-responsive-alembic-'));
      try {
        cpSync(path.join(FIXTURES, 'sandbox-alembic'), copy, { recursive: true });
        mkdirSync(path.join(copy, '.venv/bin'), { recursive: true });
        symlinkSync(python ?? '', path.join(copy, '.venv/bin/python'));
        const started = performance.now();
        const result = await callTool(connection.client, 'rehearse_migration', {
          projectRoot: copy,
          migration: 'alembic/versions/008_loops_forever.py',
          executeProjectCode: true,
          timeoutMs: 5_000,
        });
        const wall = performance.now() - started;
        expect(result.isError).toBe(true);
        expect(textOf(result)).toMatch(
          /It was running `python -m alembic .*` \(recording the SQL of alembic\/versions\/\d+_\w+\.py\), which was killed/,
        );
        expect(stoppedAfter(result, 5_000)).toBeLessThanOrEqual(wall);
        expect(wall).toBeLessThan(5_000 + STOPS_WITHIN_MS);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it.skipIf(!postgres.available)(
    'timeoutMs on a server shadow cancels the running query and drops the shadow database',
    async () => {
      const marker = `pg_sleep(600.${randomInt(100_000, 999_999)})`;
      const started = performance.now();
      const call = callTool(connection.client, 'rehearse_migration', {
        projectRoot: project.dir,
        migration: `SELECT ${marker};`,
        baseline: 'none',
        shadowUrl: POSTGRES_URL,
        timeoutMs: 4_000,
      });
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      try {
        let finished = false;
        void call.finally(() => {
          finished = true;
        });
        // The shadow database the statement runs in, found by its unique statement.
        let shadow: string | undefined;
        while (!shadow && !finished) {
          const { rows } = await admin.query<{ datname: string }>(
            'SELECT datname FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()',
            [`%${marker}%`],
          );
          shadow = rows[0]?.datname;
          if (!shadow) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const result = await call;
        const wall = performance.now() - started;
        expect(shadow).toMatch(/^dma_shadow_/);
        expect(result.isError).toBe(true);
        const reported = stoppedAfter(result, 4_000);
        expect(reported).toBeLessThanOrEqual(wall);
        expect(wall).toBeLessThan(STOPS_WITHIN_MS);
        const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [shadow]);
        expect(left.rowCount).toBe(0);
      } finally {
        await admin.end();
      }
    },
    60_000,
  );

  it.skipIf(!mysql.available)(
    'timeoutMs on a MySQL/MariaDB shadow kills the running query and drops the shadow database',
    async () => {
      const marker = `SLEEP(600.${randomInt(100_000, 999_999)})`;
      const started = performance.now();
      const call = callTool(connection.client, 'rehearse_migration', {
        projectRoot: project.dir,
        migration: `SELECT ${marker};`,
        engine: 'mysql',
        baseline: 'none',
        shadowUrl: MYSQL_URL,
        timeoutMs: 4_000,
      });
      const { createConnection } = await import('mysql2/promise');
      const admin = await createConnection({ uri: MYSQL_URL });
      try {
        let finished = false;
        void call.finally(() => {
          finished = true;
        });
        let shadow: string | undefined;
        while (!shadow && !finished) {
          const [rows] = await admin.query(
            'SELECT DB AS db FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()',
            [`%${marker}%`],
          );
          shadow = (rows as { db?: string }[])[0]?.db;
          if (!shadow) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const result = await call;
        const wall = performance.now() - started;
        expect(shadow).toMatch(/^dma_shadow_/);
        expect(result.isError).toBe(true);
        expect(stoppedAfter(result, 4_000)).toBeLessThanOrEqual(wall);
        expect(wall).toBeLessThan(STOPS_WITHIN_MS);
        const [left] = await admin.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [shadow]);
        expect(left).toEqual([]);
      } finally {
        await admin.end();
      }
    },
    60_000,
  );

  it('sends progress to a client that asked for it, from opening the shadow to dropping it', async () => {
    const updates: Progress[] = [];
    const result = (await connection.client.callTool(
      {
        name: 'rehearse_migration',
        arguments: {
          projectRoot: project.dir,
          migration: 'CREATE TABLE p (id int);\nALTER TABLE p ADD COLUMN name text;',
          down: 'DROP TABLE p;',
          baseline: 'none',
        },
      },
      undefined,
      { onprogress: (update) => updates.push(update) },
    )) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const messages = updates.map((update) => update.message);
    expect(messages[0]).toBe('opening the shadow database');
    expect(messages).toEqual(
      expect.arrayContaining([
        'up: statement 1/2',
        'up: statement 2/2',
        'down: statement 1/1',
        'reapply: statement 2/2',
      ]),
    );
    expect(messages.at(-1)).toBe('dropping the shadow database');
    const values = updates.map((update) => update.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(updates.every((update) => update.total !== undefined && update.progress <= update.total)).toBe(true);
  }, 60_000);
});

/** Resolves once the rehearsal's progress says the migration's first statement runs. */
function statementRunning(): { started: Promise<void>; onprogress(update: Progress): void } {
  let resolve: () => void = () => undefined;
  const started = new Promise<void>((done) => {
    resolve = done;
  });
  return {
    started,
    onprogress(update) {
      if (update.message?.startsWith('up: statement 1/')) resolve();
    },
  };
}

/** The elapsed time a "stopped by its time limit" error reports. */
function stoppedAfter(result: CallToolResult, timeoutMs: number): number {
  const text = textOf(result);
  const match = new RegExp(`stopped by its time limit \\(timeoutMs ${timeoutMs}\\) after (\\d+) ms`).exec(text);
  expect(match, text).not.toBeNull();
  return Number(match?.[1]);
}

async function waitFor<T>(find: () => T | undefined, limitMs = 30_000): Promise<T> {
  const until = performance.now() + limitMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (performance.now() > until) throw new Error('waited in vain');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
