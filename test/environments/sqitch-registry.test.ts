import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationStatus } from '../../src/environments/status.js';
import { uniqueName } from '../helpers/databases.js';
import { toolSqitch } from '../helpers/sqitch.js';
import { engineAvailable, freshDatabase, project, type TestDatabase, type TestEngine } from './databases.js';

/**
 * The real Sqitch (scripts/sqitch.sh: Debian's sqitch with DBD::Pg, DBD::mysql and DBD::SQLite) deploys part of a
 * plan; status reads its registry where Sqitch keeps it — the `sqitch` schema on PostgreSQL, a registry database
 * on MariaDB (named in sqitch.conf here, so parallel tests do not share one), `sqitch.<ext>` beside a SQLite file.
 */

const run = promisify(execFile);
const sqitch = toolSqitch('real Sqitch registries');
const SQITCH_ENGINE: Record<TestEngine, string> = { postgresql: 'pg', mysql: 'mysql', sqlite: 'sqlite' };
const DRIVER: Record<TestEngine, string> = { postgresql: 'DBD::Pg', mysql: 'DBD::mysql', sqlite: 'DBD::SQLite' };
const NONE = { applied: 0, pending: 0, unknown: 0, failed: 0, checksumMismatches: 0, outOfOrder: 0 };

/** Whether this Sqitch's Perl finds the engine's DBI driver (an older fetched copy had DBD::Pg only). */
function hasDriver(engine: TestEngine): boolean {
  if (!sqitch) return false;
  const launcher = readFileSync(sqitch, 'utf8');
  const lib = /PERL5LIB=(\S+)/.exec(launcher)?.[1];
  try {
    execFileSync('perl', [`-M${DRIVER[engine]}`, '-e', '1'], {
      stdio: 'ignore',
      env: { ...process.env, ...(lib ? { PERL5LIB: lib } : {}) },
    });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error(`Sqitch has no ${DRIVER[engine]}: re-run scripts/sqitch.sh`);
    console.warn(`SKIP Sqitch registry on ${engine}: no ${DRIVER[engine]} (re-run scripts/sqitch.sh)`);
    return false;
  }
}

function plan(name: string): string {
  return `%syntax-version=1.0.0\n%project=${name}\n\nusers 2024-01-01T10:00:00Z Ada <ada@example.com> # users\norders [users] 2024-01-02T10:00:00Z Ada <ada@example.com> # orders\nitems [orders] 2024-01-03T10:00:00Z Ada <ada@example.com> # items\n`;
}

function sqitchProject(engine: TestEngine, name: string, registry?: string): string {
  const table = (t: string) => `CREATE TABLE ${t} (id INTEGER PRIMARY KEY);\n`;
  return project({
    'sqitch.plan': plan(name),
    'sqitch.conf': `[core]\n\tengine = ${SQITCH_ENGINE[engine]}\n${registry ? `[engine "${SQITCH_ENGINE[engine]}"]\n\tregistry = ${registry}\n` : ''}`,
    'deploy/users.sql': table('users'),
    'deploy/orders.sql': table('orders'),
    'deploy/items.sql': table('items'),
    'revert/users.sql': 'DROP TABLE users;\n',
    'revert/orders.sql': 'DROP TABLE orders;\n',
    'revert/items.sql': 'DROP TABLE items;\n',
  });
}

/** Sqitch's target URI for the test database. */
function target(engine: TestEngine, db: TestDatabase, root: string): string {
  if (engine === 'sqlite') return `db:sqlite:${path.join(root, db.url.replace(/^sqlite:/, ''))}`;
  const url = new URL(db.url);
  return `db:${SQITCH_ENGINE[engine]}://${url.username}${url.password ? `:${url.password}` : ''}@${url.hostname}:${url.port}${url.pathname}`;
}

async function deploy(root: string, uri: string, to: string): Promise<void> {
  await run(sqitch!, ['deploy', '--to', to, uri], { cwd: root, timeout: 120_000 }).catch(
    (error: { stderr?: string; message: string }) => {
      throw new Error(`sqitch deploy failed: ${error.stderr || error.message}`);
    },
  );
}

describe.each(['postgresql', 'mysql', 'sqlite'] as TestEngine[])('the Sqitch registry on %s', (engine) => {
  let db: TestDatabase | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await db?.drop();
    db = undefined;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** On MariaDB a registry of its own (dropped after), elsewhere Sqitch's default. */
  async function registryFor(): Promise<string | undefined> {
    if (engine !== 'mysql') return undefined;
    const registry = uniqueName('sqitch');
    cleanups.push(async () => {
      const mysql = await import('mysql2/promise');
      const { MYSQL_URL } = await import('../helpers/databases.js');
      const admin = await mysql.createConnection({ uri: MYSQL_URL });
      await admin.query(`DROP DATABASE IF EXISTS ${registry}`);
      await admin.end();
    });
    return registry;
  }

  it('what sqitch deploy recorded: applied, pending, an edited deploy script', async () => {
    if (!sqitch || !(await engineAvailable(engine)) || !hasDriver(engine)) return;
    const registry = await registryFor();
    const root = sqitchProject(engine, 'shop', registry);
    db = await freshDatabase(engine, root);
    await deploy(root, target(engine, db, root), 'orders');

    const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(status?.error).toBeUndefined();
    const table = { postgresql: 'sqitch.changes', mysql: `${registry}.changes`, sqlite: '' }[engine];
    expect(status?.table).toBe(
      table || `${db.url.replace(/^sqlite:/, '').replace(/[^/]*$/, '')}sqitch.sqlite3:changes`,
    );
    expect(status?.counts).toEqual({ ...NONE, applied: 2, pending: 1 });
    expect(status?.pending).toEqual(['deploy/items.sql']);

    appendFileSync(path.join(root, 'deploy/users.sql'), '-- edited after the deploy\n');
    const [edited] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(edited?.counts).toEqual({ ...NONE, applied: 2, pending: 1, checksumMismatches: 1 });
    expect(edited?.checksumMismatches).toEqual(['deploy/users.sql']);
  });

  // A MariaDB registry serves every database of the server: the projects in it are told apart.
  it.skipIf(engine !== 'mysql')('another project deployed through the same registry is not this one', async () => {
    if (!sqitch || !(await engineAvailable(engine)) || !hasDriver(engine)) return;
    const registry = await registryFor();
    const shop = sqitchProject(engine, 'shop', registry);
    db = await freshDatabase(engine, shop);
    const other = sqitchProject(engine, 'billing', registry);
    await deploy(shop, target(engine, db, shop), 'users');
    // The same registry, another project (its own schema objects in a database of its own).
    const otherDb = await freshDatabase(engine, other);
    cleanups.push(() => otherDb.drop());
    await deploy(other, target(engine, otherDb, other), 'items');

    const [status] = (await migrationStatus({ root: shop, url: db.url, drift: false })).environments;
    expect(status?.counts).toEqual({ ...NONE, applied: 1, pending: 2 });
  });

  it('a target Sqitch never deployed to', async () => {
    if (!sqitch || !(await engineAvailable(engine)) || !hasDriver(engine)) return;
    const registry = await registryFor();
    const root = sqitchProject(engine, 'shop', registry);
    db = await freshDatabase(engine, root);
    const [status] = (await migrationStatus({ root, url: db.url, drift: false })).environments;
    expect(status?.table).toBeNull();
    expect(status?.counts).toEqual({ ...NONE, pending: 3 });
    const place = { postgresql: 'in schema sqitch', mysql: `in database ${registry}`, sqlite: '' }[engine];
    expect(status?.notes).toEqual([
      engine === 'sqlite'
        ? `No Sqitch registry ${db.url.replace(/^sqlite:/, '').replace(/[^/]*$/, '')}sqitch.sqlite3 beside the target: sqitch has not deployed anything here.`
        : `No changes table (looked ${place}): sqitch has not applied anything here (renamed? set the environment's "bookkeepingTable").`,
    ]);
  });
});
