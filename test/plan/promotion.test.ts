import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateMigration } from '../../src/generate/generate.js';
import { migrationPlan } from '../../src/plan/migration-plan.js';
import { engineAvailable, freshDatabase, project, type TestDatabase } from '../environments/databases.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';

/**
 * Issue 22, promotion: migration_plan with an environment plans what that environment has still to run — read from
 * golang-migrate's own bookkeeping there — with the row counts read there (read-only), which the lock timeline is
 * stretched to.
 */

const FILES = {
  'migrations/1_orders.up.sql': 'CREATE TABLE orders (id integer PRIMARY KEY, status text);\n',
  'migrations/1_orders.down.sql': 'DROP TABLE orders;\n',
  'migrations/2_orders_status.up.sql': "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';\n",
  'migrations/2_orders_status.down.sql': 'ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;\n',
  'migrations/3_orders_status_index.up.sql': 'CREATE INDEX orders_status ON orders (status);\n',
  'migrations/3_orders_status_index.down.sql': 'DROP INDEX orders_status;\n',
  'db-migration-agent.config.json': JSON.stringify({ environments: { staging: { url: 'env:DMA_TEST_STAGING_URL' } } }),
};

const postgres = await engineAvailable('postgresql');
if (!postgres) {
  if (process.env.CI === 'true') throw new Error('PostgreSQL is not reachable');
  console.warn('SKIP promotion plans: PostgreSQL is not reachable');
}

describe.skipIf(!postgres)('migration_plan promoting to an environment', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  async function staging(): Promise<{ root: string; env: NodeJS.ProcessEnv }> {
    const root = project(FILES);
    db = await freshDatabase('postgresql', root);
    // What golang-migrate leaves after `migrate up 1` (database/postgres ensureVersionTable), and rows since.
    await db.exec(FILES['migrations/1_orders.up.sql']);
    await db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)',
    );
    await db.exec('INSERT INTO schema_migrations VALUES (1, false)');
    await db.exec("INSERT INTO orders SELECT g, 'paid' FROM generate_series(1, 20000) g; ANALYZE orders");
    return { root, env: { ...process.env, DMA_TEST_STAGING_URL: db.url } };
  }

  it('plans the pending migrations with the row counts read there', async () => {
    const { root, env } = await staging();
    const plan = await migrationPlan({ projectRoot: root, environment: 'staging', env });
    expect(plan.environment).toEqual({
      environment: 'staging',
      url: expect.stringMatching(/^postgres(ql)?:\/\/.*\/status_/),
      applied: 1,
      pending: ['migrations/2_orders_status.up.sql', 'migrations/3_orders_status_index.up.sql'],
      rowCountsRead: 1,
    });
    expect(plan.migrations.map((migration) => migration.path)).toEqual(plan.environment?.pending);
    expect(plan.notes[0]).toMatch(/^promotion to staging \(.*\): 1 applied, 2 pending; row counts of 1 table\(s\)/);
    // The index build is estimated at the 20,000 rows staging holds; without the environment it is the shadow's.
    const build = (entries: typeof plan.timeline.entries) =>
      entries.find((entry) => entry.phase === 'up' && /CREATE INDEX/i.test(entry.sql));
    expect(build(plan.timeline.entries)?.source).toBe('estimated');
    const local = await migrationPlan({ projectRoot: root, migrations: plan.environment!.pending });
    expect(build(local.timeline.entries)?.source).toBe('rehearsed');
    // Nothing was written there: golang-migrate's record is unchanged.
    const again = await migrationPlan({ projectRoot: root, environment: 'staging', env, rehearse: false });
    expect(again.environment?.pending).toHaveLength(2);
  }, 180_000);

  it('says so when nothing is pending, and needs a declared environment', async () => {
    const { root, env } = await staging();
    await db!.exec(FILES['migrations/2_orders_status.up.sql']);
    await db!.exec(FILES['migrations/3_orders_status_index.up.sql']);
    await db!.exec('UPDATE schema_migrations SET version = 3');
    await expect(migrationPlan({ projectRoot: root, environment: 'staging', env })).rejects.toThrow(
      /staging has every migration of migrations applied \(3\): nothing to promote/,
    );
    await expect(migrationPlan({ projectRoot: root, environment: 'prod', env })).rejects.toThrow(
      /No environment "prod" in the configuration \(declared: staging\)/,
    );
  }, 120_000);

  it('through MCP: environment on migration_plan', async () => {
    const { root, env } = await staging();
    process.env.DMA_TEST_STAGING_URL = env.DMA_TEST_STAGING_URL;
    const connection = await connectInMemory(root);
    try {
      const result = await callTool(connection.client, 'migration_plan', { environment: 'staging', rehearse: false });
      expect(result.isError, textOf(result)).toBeFalsy();
      const structured = result.structuredContent as { environment: { pending: string[]; rowCountsRead: number } };
      expect(structured.environment.pending).toEqual([
        'migrations/2_orders_status.up.sql',
        'migrations/3_orders_status_index.up.sql',
      ]);
      expect(JSON.stringify(result)).not.toContain(new URL(env.DMA_TEST_STAGING_URL!).password || 'no-password');
    } finally {
      delete process.env.DMA_TEST_STAGING_URL;
      await connection.close();
    }
  }, 120_000);

  it('the built CLI: plan --env staging', async () => {
    const { root, env } = await staging();
    const bin = path.resolve(import.meta.dirname, '../../dist/bundle/bin.js');
    const child = spawnSync(process.execPath, [bin, 'plan', '--env', 'staging', '--no-rehearse'], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toMatch(/promotion to staging \(postgres.*\): 1 applied, 2 pending/);
  }, 120_000);

  it('names the phase of a multi-phase change the environment is in', async () => {
    const { root, env } = await staging();
    // generate_migration's phased rename, written into the project: expand, backfill, contract.
    const generated = await generateMigration({
      root,
      engine: 'postgresql',
      changes: [{ op: 'rename_column', table: 'orders', from: 'status', to: 'state' }],
      confirmDestructive: true,
      now: new Date(Date.UTC(2026, 11, 6, 12, 0, 0)),
    });
    expect(generated.written, generated.notWrittenBecause).toBe(true);
    const phased = generated.drafts.filter((draft) => draft.phase);
    expect(phased.length).toBeGreaterThanOrEqual(3);
    // staging ran migrations 2 and 3 and the first phase (golang-migrate records the newest version).
    await db!.exec(FILES['migrations/2_orders_status.up.sql']);
    await db!.exec(FILES['migrations/3_orders_status_index.up.sql']);
    const first = generated.files.find((file) => file.path === phased[0]!.files[0]);
    for (const statement of [first!.text]) await db!.exec(statement);
    const version = /migrations\/(\d+)_/.exec(phased[0]!.files[0]!)![1];
    await db!.exec(`UPDATE schema_migrations SET version = ${Number(version)}`);
    const plan = await migrationPlan({ projectRoot: root, environment: 'staging', env, rehearse: false });
    expect(plan.environment?.phase).toEqual({
      next: 2,
      of: phased[0]!.phase!.of,
      label: phased[1]!.phase!.label,
      migration: phased[1]!.files[0],
    });
    expect(plan.notes[0]).toContain(
      `staging is inside a ${phased[0]!.phase!.of}-phase change: it has run phase 1 of ${phased[0]!.phase!.of}; next is phase 2 (${phased[1]!.phase!.label})`,
    );
  }, 180_000);
});
