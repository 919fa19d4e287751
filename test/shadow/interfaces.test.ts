import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';
import { FIXTURES } from './fixtures.js';

const PROJECT = path.join(FIXTURES, 'shadow-postgres');
/** The same history plus a migration whose down forgets to drop its column. */
const BROKEN = path.join(FIXTURES, 'shadow-postgres-broken');
const REPO = path.resolve(FIXTURES, '../..');
const BIN = path.join(REPO, 'dist', 'bundle', 'bin.js');

type Connection = Awaited<ReturnType<typeof connectInMemory>>;

describe('rehearse_migration over MCP', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await connectInMemory(PROJECT);
  });
  afterAll(async () => {
    await connection.close();
    await releaseWarmPglite();
  });

  it('is listed as writing (to its own shadow) but not destructive, idempotent, closed-world', async () => {
    const { tools } = await connection.client.listTools();
    const tool = tools.find((candidate) => candidate.name === 'rehearse_migration');
    expect(tool?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    });
    expect(Object.keys(tool?.inputSchema.properties ?? {})).toContain('migration');
    expect(Object.keys(tool?.outputSchema?.properties ?? {})).toContain('roundTrip');
  });

  it('rehearses a project migration file, replaying the earlier ones, with progress notifications', async () => {
    const progress: { progress: number; total?: number; message?: string }[] = [];
    const result = await connection.client.callTool(
      { name: 'rehearse_migration', arguments: { migration: 'migrations/0003_display_name.up.sql', rowsPerTable: 50 } },
      undefined,
      { onprogress: (event) => progress.push(event) },
    );
    expect(result.isError).toBeFalsy();
    const report = result.structuredContent as {
      outcome: string;
      baseline: { migrationsReplayed: number };
      roundTrip: { status: string };
      steps: { phase: string }[];
    };
    expect(report.outcome).toBe('passed');
    expect(report.baseline.migrationsReplayed).toBe(2);
    expect(report.roundTrip.status).toBe('passed');
    expect(report.steps.filter((step) => step.phase === 'up')).toHaveLength(3);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.some((event) => event.message?.startsWith('up: statement'))).toBe(true);
    const text = textOf(result as Parameters<typeof textOf>[0]);
    expect(text).toMatch(/^Rehearsal PASSED/);
    expect(text).toMatch(/round trip up → down → up: PASSED/);
  });

  it('reports a broken down migration with the exact difference (SQL text input for the down)', async () => {
    const result = await callTool(connection.client, 'rehearse_migration', {
      projectRoot: BROKEN,
      migration: 'migrations/0005_shipped_at.up.sql',
      down: 'DROP INDEX orders_shipped_at_idx;',
      rowsPerTable: 20,
    });
    expect(result.isError).toBeFalsy();
    const report = result.structuredContent as {
      outcome: string;
      roundTrip: { downDifference: { object: string; change: string }[] };
    };
    expect(report.outcome).toBe('failed');
    expect(report.roundTrip.downDifference).toEqual([
      expect.objectContaining({ kind: 'column', change: 'added', object: 'orders.shipped_at' }),
    ]);
    expect(textOf(result)).toMatch(/\+ column orders\.shipped_at added/);
  });

  it('turns bad input into an error that says what, where and how to fix', async () => {
    const outside = await callTool(connection.client, 'rehearse_migration', { migration: '../../../etc/passwd' });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/outside the project root/);
    const refused = await callTool(connection.client, 'rehearse_migration', {
      migration: 'CREATE TABLE t (id int);',
      shadowUrl: 'postgres://app@db.production.example.com/app',
    });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/Refusing to use .* as a shadow server/);
  });
});

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  return { io: { stdout, stderr, stdin: new PassThrough(), cwd: PROJECT, env: {} }, out: () => out, err: () => err };
}

describe('db-migration-agent rehearse', () => {
  it('prints the per-statement table and exits 0 when the round trip passes', async () => {
    const t = capture();
    const code = await main(['rehearse', 'migrations/0002_orders.up.sql', '--synthetic-rows', '30'], t.io);
    expect(t.err()).toBe('');
    expect(code).toBe(0);
    expect(t.out()).toMatch(/\| 1 \| up \| `CREATE TYPE order_status/);
    expect(t.out()).toMatch(/round trip up → down → up: PASSED/);
  });

  it('exits 1 with --json when the down migration is broken, and 2 on bad usage', async () => {
    const t = capture();
    const code = await main(
      [
        'rehearse',
        'migrations/0005_shipped_at.up.sql',
        '--down',
        'migrations/0005_shipped_at.down.sql',
        '--root',
        BROKEN,
        '--synthetic-rows',
        '10',
        '--json',
      ],
      t.io,
    );
    expect(code).toBe(1);
    const report = JSON.parse(t.out()) as {
      roundTrip: { status: string };
      steps: { phase: string; location: { file: string } }[];
    };
    expect(report.roundTrip.status).toBe('failed');
    expect(report.steps.find((step) => step.phase === 'down')?.location.file).toBe(
      'migrations/0005_shipped_at.down.sql',
    );
    const bad = capture();
    expect(await main(['rehearse', 'a.sql', '--synthetic-rows', 'many'], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/--synthetic-rows many is not a whole number/);
  });

  it('runs from the built binary (process start included)', async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npx tsc -p tsconfig.json`);
    const run = promisify(execFile);
    const { stdout } = await run(
      process.execPath,
      [BIN, 'rehearse', 'migrations/0001_users.up.sql', '--synthetic-rows', '10', '--json'],
      {
        cwd: PROJECT,
        timeout: 60_000,
      },
    );
    const report = JSON.parse(stdout) as { outcome: string; engine: string };
    expect(report).toMatchObject({ outcome: 'passed', engine: 'postgresql' });
  });
});
