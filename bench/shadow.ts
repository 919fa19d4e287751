import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Migration } from '../src/model.js';
import { buildBaseline } from '../src/shadow/baseline.js';
import { releaseBaselineCache } from '../src/shadow/baseline-cache.js';
import { PgliteShadow, releaseWarmPglite } from '../src/shadow/pglite.js';
import { runRehearsalRequest } from '../src/shadow/request.js';
import { migrationFromSql } from '../src/shadow/statements.js';
import { median, round, timeRuns } from './stats.js';
import type { BenchResult } from './types.js';

/**
 * Rehearsal speed on PGlite: a 10-statement migration (on two replayed migrations, 1,000 synthetic rows per
 * table, up → down → up) cold — a new `db-migration-agent rehearse` process — and warm, in a long-lived process
 * after one warm-up (whose baseline later calls reuse from the cache); the same migration on a project with 50
 * earlier migrations, warm, with and without the baseline cache; and the replay of 300 generated migrations.
 */

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const BIN = path.join(REPO, 'dist', 'bundle', 'bin.js');
const PROJECT = path.join(REPO, 'test', 'fixtures', 'shadow-bench');
const MIGRATION = 'migrations/0003_ten_statements.up.sql';

export async function run(): Promise<BenchResult[]> {
  return [...(await warm()), ...(await warmManyMigrations()), await cold(), await replay()];
}

/** An agent's calls are seconds apart: each measured call follows a pause (not measured). */
async function timeIdleCalls(runs: number, action: () => Promise<void>, warmup = action): Promise<number[]> {
  await warmup();
  const durations: number[] = [];
  for (let index = 0; index < runs; index++) {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const started = performance.now();
    await action();
    durations.push(performance.now() - started);
  }
  return durations;
}

/**
 * A project with 50 earlier migrations (the two fixture ones, then 48 generated: 16 more tables, each created,
 * altered and indexed), so the baseline is 18 tables of 1,000 rows: the second call of a warm server with and
 * without the baseline cache.
 */
async function warmManyMigrations(): Promise<BenchResult[]> {
  const project = mkdtempSync(path.join(os.tmpdir(), 'dma-bench-baseline-'));
  try {
    const folder = path.join(project, 'migrations');
    mkdirSync(folder);
    for (const name of ['0001_users', '0002_orders'])
      for (const direction of ['up', 'down'])
        copyFileSync(
          path.join(PROJECT, 'migrations', `${name}.${direction}.sql`),
          path.join(folder, `${name}.${direction}.sql`),
        );
    for (const [index, migration] of (await generatedMigrations(48)).entries()) {
      const id = String(index + 3).padStart(4, '0');
      writeFileSync(path.join(folder, `${id}_generated.up.sql`), migration.up.map((item) => `${item.sql};`).join('\n'));
      writeFileSync(path.join(folder, `${id}_generated.down.sql`), '-- not rehearsed\n');
    }
    for (const direction of ['up', 'down'])
      copyFileSync(
        path.join(PROJECT, MIGRATION.replace('.up.sql', `.${direction}.sql`)),
        path.join(folder, `0051_ten_statements.${direction}.sql`),
      );
    const call = (cacheBaseline: boolean, expectCached: boolean) => async () => {
      const report = await runRehearsalRequest({
        projectRoot: project,
        migration: 'migrations/0051_ten_statements.up.sql',
        keepWarm: true,
        cacheBaseline,
      });
      if (report.outcome !== 'passed' || report.baseline.migrationsReplayed !== 50)
        throw new Error(`bench rehearsal did not pass: ${JSON.stringify(report.failure ?? report.roundTrip)}`);
      if (report.baseline.cached !== expectCached)
        throw new Error(`expected baseline.cached ${expectCached}, got ${report.baseline.cached}`);
    };
    const uncached = await timeIdleCalls(5, call(false, false));
    const cached = await timeIdleCalls(5, call(true, true), call(true, false));
    await releaseBaselineCache();
    await releaseWarmPglite();
    const uncachedMedian = median(uncached);
    return [
      {
        name: 'rehearsal, warm, 50 earlier migrations, baseline not cached',
        unit: 'ms',
        median: round(uncachedMedian),
        runs: uncached.length,
        note: 'each call replays 50 migrations (~150 statements) and fills 18 tables × 1,000 rows before the 10-statement migration',
      },
      {
        name: 'rehearsal, warm, 50 earlier migrations, baseline cached',
        unit: 'ms',
        median: round(median(cached)),
        runs: cached.length,
        ratio: median(cached) / uncachedMedian,
        peer: 'same call without the baseline cache',
        note: 'second and later calls: the baseline (schema + synthetic rows) comes from the PGlite data-directory image the first call saved; the spare PGlite is preloaded with it between calls',
      },
    ];
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

async function rehearseOnce(): Promise<void> {
  const report = await runRehearsalRequest({ projectRoot: PROJECT, migration: MIGRATION, keepWarm: true });
  if (report.outcome !== 'passed' || report.steps.filter((step) => step.phase === 'up').length !== 10)
    throw new Error(`bench rehearsal did not pass: ${JSON.stringify(report.failure ?? report.roundTrip)}`);
}

/**
 * A running MCP server between two tool calls: the warm-up call builds the baseline (kept in the cache) and
 * leaves a spare PGlite being prepared in the background; each measured call follows a pause (not measured).
 */
async function warm(): Promise<BenchResult[]> {
  const idle = await timeIdleCalls(7, rehearseOnce);
  const backToBack = await timeRuns(5, rehearseOnce, 0);
  await releaseBaselineCache();
  await releaseWarmPglite();
  return [
    {
      name: 'rehearse 10-statement migration, PGlite, warm (server idle between calls)',
      unit: 'ms',
      median: round(median(idle)),
      runs: idle.length,
      target: 500,
      note: '2 earlier migrations, 1,000 rows/table, up → down → up with locks, rewrites, checksums; 1.5 s pause before each call; baseline from the cache after the first call',
    },
    {
      name: 'rehearse 10-statement migration, PGlite, warm, back-to-back calls',
      unit: 'ms',
      median: round(median(backToBack)),
      runs: backToBack.length,
      note: 'no pause: each call waits for the spare PGlite the previous one started preparing',
    },
  ];
}

async function cold(): Promise<BenchResult> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build`);
  const runs: number[] = [];
  for (let index = 0; index < 5; index++) {
    const started = performance.now();
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'rehearse', MIGRATION, '--json'], {
        cwd: PROJECT,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (status) => resolve(status ?? 1));
    });
    if (code !== 0) throw new Error(`rehearse exited with ${code}`);
    runs.push(performance.now() - started);
  }
  return {
    name: 'rehearse 10-statement migration, PGlite, cold (process start included)',
    unit: 'ms',
    median: round(median(runs)),
    runs: runs.length,
    target: 3_000,
  };
}

async function replay(): Promise<BenchResult> {
  const migrations = await generatedMigrations(300);
  const runs = await timeRuns(
    3,
    async () => {
      const db = await PgliteShadow.open();
      try {
        await buildBaseline(db, { kind: 'migrations', migrations });
      } finally {
        await db.close();
      }
    },
    1,
  );
  return {
    name: 'replay 300 migrations into a PGlite baseline',
    unit: 'ms',
    median: round(median(runs)),
    runs: runs.length,
    target: 20_000,
    note: '100 tables; each table created, altered, indexed (900 statements), one transaction per migration',
  };
}

async function generatedMigrations(count: number): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (let index = 0; index < count; index++) {
    const table = `t${Math.floor(index / 3)}`;
    const step = index % 3;
    const up =
      step === 0
        ? `CREATE TABLE ${table} (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());\nCOMMENT ON TABLE ${table} IS 'generated';\nCREATE INDEX ${table}_created_idx ON ${table} (created_at);`
        : step === 1
          ? `ALTER TABLE ${table} ADD COLUMN score integer DEFAULT 0;\nALTER TABLE ${table} ADD CONSTRAINT ${table}_score_check CHECK (score >= 0);\nCREATE INDEX ${table}_score_idx ON ${table} (score);`
          : `ALTER TABLE ${table} ADD COLUMN parent_id bigint REFERENCES ${table} (id);\nCREATE INDEX ${table}_parent_idx ON ${table} (parent_id);\nALTER TABLE ${table} ALTER COLUMN name SET DEFAULT '';`;
    const id = String(index + 1).padStart(4, '0');
    migrations.push(await migrationFromSql({ id, path: `migrations/${id}.sql`, up, engine: 'postgresql' }));
  }
  return migrations;
}
