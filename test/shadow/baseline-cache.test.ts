import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Migration } from '../../src/model.js';
import { type BaselineSource, buildBaseline } from '../../src/shadow/baseline.js';
import { BaselineCache, baselineCache, baselineKey, releaseBaselineCache } from '../../src/shadow/baseline-cache.js';
import { fingerprintData } from '../../src/shadow/fingerprint.js';
import { TEMPLATE_PREFIX } from '../../src/shadow/guard.js';
import { openShadow } from '../../src/shadow/open.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { type RehearsalOptions, rehearseMigration } from '../../src/shadow/rehearse.js';
import { SqliteShadow } from '../../src/shadow/sqlite.js';
import { migrationFromSql } from '../../src/shadow/statements.js';
import { fillSynthetic } from '../../src/shadow/synthetic.js';
import type { ShadowDatabase, ShadowEngine } from '../../src/shadow/types.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';
import { FIXTURES, fixtureMigrations } from './fixtures.js';

/**
 * Baselines reused between rehearsals: a hit only for identical inputs, a restored baseline identical to a fresh
 * one (schema and data fingerprints), and a failing rehearsal that leaves the cached baseline untouched.
 */

const postgres = await postgresAvailable();
const mysql = await mysqlAvailable();
const ROWS = 50;

afterEach(() => releaseBaselineCache());
afterAll(() => releaseWarmPglite());

async function project(engine: ShadowEngine): Promise<{ earlier: Migration[]; next: Migration }> {
  const name = { sqlite: 'shadow-sqlite', mysql: 'shadow-mysql', postgresql: 'shadow-postgres' }[engine];
  const migrations = await fixtureMigrations(name, 'migrations', engine);
  const next = migrations[2];
  if (!next) throw new Error(`${name} has fewer than 3 migrations`);
  return { earlier: migrations.slice(0, 2), next };
}

function rehearse(
  engine: ShadowEngine,
  migration: Migration,
  earlier: Migration[],
  extra: Partial<RehearsalOptions> = {},
) {
  return rehearseMigration({
    engine,
    migration,
    baseline: { kind: 'migrations', migrations: earlier },
    rowsPerTable: ROWS,
    cacheBaseline: true,
    ...extra,
  });
}

/** Schema and data fingerprints of a database, in a comparable form. */
async function snapshotOf(db: ShadowDatabase) {
  const schema = await db.introspect();
  return { schema, data: Object.fromEntries(await fingerprintData(db, schema)) };
}

/** The baseline built from scratch, without the cache, on a new shadow. */
async function freshBaseline(engine: ShadowEngine, source: BaselineSource, shadowUrl?: string) {
  const db = await openShadow({ engine, ...(shadowUrl ? { shadowUrl } : {}) });
  try {
    await buildBaseline(db, source);
    await fillSynthetic(db, await db.introspect(), { rowsPerTable: ROWS });
    return await snapshotOf(db);
  } finally {
    await db.close();
  }
}

/** The baseline as the cache would hand it to the next rehearsal. */
async function cachedBaseline(key: string) {
  const entry = baselineCache.get(key);
  if (!entry) throw new Error('no cached baseline for the key');
  const db = await entry.image.open({ keepWarm: false });
  try {
    return await snapshotOf(db);
  } finally {
    await db.close();
  }
}

describe('the baseline key', () => {
  it('changes with every input that shapes the baseline, and only with those', async () => {
    const { earlier } = await project('postgresql');
    const source: BaselineSource = { kind: 'migrations', migrations: earlier };
    const key = (change: Partial<Parameters<typeof baselineKey>[0]> = {}) =>
      baselineKey({ kind: 'pglite', source, rowsPerTable: 1000, ...change });
    const edited = await migrationFromSql({
      id: '0002_orders',
      path: 'migrations/0002_orders.up.sql',
      up: `${earlier[1]?.up.map((statement) => statement.sql).join(';\n')};\nALTER TABLE orders ADD COLUMN extra int;`,
      engine: 'postgresql',
    });
    const [first] = earlier;
    if (!first) throw new Error('fixture');
    const variants = [
      key(),
      key({ rowsPerTable: 999 }),
      key({ kind: 'postgres-server', server: 'postgres://postgres@127.0.0.1:5432/test' }),
      key({ kind: 'postgres-server', server: 'postgres://postgres@127.0.0.1:5433/test' }),
      key({ source: { kind: 'migrations', migrations: [first, edited] } }),
      key({ source: { kind: 'migrations', migrations: [{ ...first, transactional: false }, ...earlier.slice(1)] } }),
      key({ source: { kind: 'migrations', migrations: earlier.slice(0, 1) } }),
      key({ source: { kind: 'dump', sql: 'CREATE TABLE a (id int);', file: 'schema.sql' } }),
      key({ source: { kind: 'dump', sql: 'CREATE TABLE a (id bigint);', file: 'schema.sql' } }),
    ];
    expect(new Set(variants).size).toBe(variants.length);
    // Same inputs, new objects (a file path or a name is not part of what builds the baseline).
    const again = await project('postgresql');
    expect(key({ source: { kind: 'migrations', migrations: again.earlier } })).toBe(key());
    expect(baselineKey({ kind: 'pglite', source: { kind: 'none' }, rowsPerTable: 1000 })).toBeUndefined();
  });
});

describe('the bounded cache', () => {
  it('evicts the least recently used baseline past its entry count and refuses an image above its size cap', async () => {
    const released: string[] = [];
    const image = async (key: string) => {
      const db = await SqliteShadow.open();
      await db.exec('CREATE TABLE t (id integer primary key)');
      const captured = await db.captureBaseline();
      await db.close();
      return { ...captured, release: async () => void released.push(key) };
    };
    const entry = async (key: string) => ({
      key,
      createdAt: Date.now(),
      image: await image(key),
      schema: { engine: 'sqlite' as const, tables: [], views: [], enums: [], sequences: [] },
      fills: [],
      data: new Map(),
      replayed: 1,
    });
    const cache = new BaselineCache(2, 1024 * 1024);
    expect(await cache.put(await entry('a'))).toBe(true);
    expect(await cache.put(await entry('b'))).toBe(true);
    expect(cache.get('a')?.key).toBe('a');
    await cache.put(await entry('c'));
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(released).toEqual(['b']);

    const tiny = new BaselineCache(4, 100);
    expect(await tiny.put(await entry('big'))).toBe(false);
    expect(tiny.size).toBe(0);
    expect(released).toEqual(['b', 'big']);
    await cache.clear();
    expect(released.sort()).toEqual(['a', 'b', 'big', 'c']);
  });
});

interface Target {
  name: string;
  engine: ShadowEngine;
  shadowUrl?: string;
  skip: boolean;
}

const targets: Target[] = [
  { name: 'PGlite', engine: 'postgresql', skip: false },
  { name: 'PostgreSQL server', engine: 'postgresql', shadowUrl: POSTGRES_URL, skip: !postgres.available },
  { name: 'MariaDB/MySQL server', engine: 'mysql', shadowUrl: MYSQL_URL, skip: !mysql.available },
  { name: 'SQLite', engine: 'sqlite', skip: false },
];

describe.each(targets)('cached baselines on $name', ({ engine, shadowUrl, skip }) => {
  const server = shadowUrl ? { shadowUrl } : {};

  it.skipIf(skip)('the second rehearsal reuses the baseline, identical to a freshly built one', async () => {
    const { earlier, next } = await project(engine);
    const first = await rehearse(engine, next, earlier, server);
    expect(first.outcome).toBe('passed');
    expect(first.baseline.cached).toBe(false);
    expect(baselineCache.size).toBe(1);

    const second = await rehearse(engine, next, earlier, server);
    expect(second.outcome).toBe('passed');
    expect(second.baseline).toMatchObject({ cached: true, migrationsReplayed: 2, tables: first.baseline.tables });
    expect(second.baseline.cachedAgeMs).toBeGreaterThanOrEqual(0);
    expect(second.steps.map((step) => [step.phase, step.sql, step.error])).toEqual(
      first.steps.map((step) => [step.phase, step.sql, step.error]),
    );
    expect(second.data).toEqual(first.data);
    expect(second.roundTrip).toEqual(first.roundTrip);

    const [key] = baselineCache.keys();
    const source: BaselineSource = { kind: 'migrations', migrations: earlier };
    expect(await cachedBaseline(key as string)).toEqual(await freshBaseline(engine, source, shadowUrl));
  });

  it.skipIf(skip)('a changed earlier migration or changed options miss the cache', async () => {
    const { earlier, next } = await project(engine);
    await rehearse(engine, next, earlier, server);
    const [first, second] = earlier;
    if (!first || !second) throw new Error('fixture');
    const edited: Migration = {
      ...second,
      up: [
        ...second.up,
        { ...second.up[0], sql: 'CREATE TABLE audit_log (id integer PRIMARY KEY)' } as Migration['up'][number],
      ],
    };
    const changedMigration = await rehearse(engine, next, [first, edited], server);
    expect(changedMigration.baseline.cached).toBe(false);
    expect(changedMigration.baseline.tables.map((table) => table.table)).toContain('audit_log');
    const changedRows = await rehearse(engine, next, earlier, { ...server, rowsPerTable: ROWS + 1 });
    expect(changedRows.baseline.cached).toBe(false);
    expect(changedRows.baseline.tables.every((table) => table.rows === ROWS + 1 || table.rows === 0)).toBe(true);
    const unchanged = await rehearse(engine, next, earlier, server);
    expect(unchanged.baseline.cached).toBe(true);
    expect(baselineCache.size).toBe(3);
  });

  it.skipIf(skip)('a failing rehearsal does not change the baseline the next one gets', async () => {
    const { earlier, next } = await project(engine);
    // Not in a transaction: the DROP stays applied when the second statement fails, on the shadow of this call.
    const breaking: Migration = {
      ...(await migrationFromSql({
        id: 'breaking',
        path: 'migrations/breaking.sql',
        up: 'DROP TABLE orders;\nUPDATE users SET email = NULL;',
        engine,
      })),
      transactional: false,
    };
    const failed = await rehearse(engine, breaking, earlier, server);
    expect(failed.outcome).toBe('failed');
    expect(failed.failure?.phase).toBe('up');
    expect(failed.baseline.cached).toBe(false);

    const after = await rehearse(engine, next, earlier, server);
    expect(after.baseline.cached).toBe(true);
    expect(after.outcome).toBe('passed');
    const [key] = baselineCache.keys();
    const source: BaselineSource = { kind: 'migrations', migrations: earlier };
    expect(await cachedBaseline(key as string)).toEqual(await freshBaseline(engine, source, shadowUrl));
  });
});

describe.skipIf(!postgres.available)('template databases on a PostgreSQL server', () => {
  async function templates(): Promise<string[]> {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const result = await client.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1',
        [`${TEMPLATE_PREFIX}%\\_${process.pid.toString(36)}`],
      );
      return result.rows.map((row) => row.datname);
    } finally {
      await client.end();
    }
  }

  it('keeps one template per cached baseline, named for the tool and this process, and drops it on release', async () => {
    const { earlier, next } = await project('postgresql');
    await rehearse('postgresql', next, earlier, { shadowUrl: POSTGRES_URL });
    const [key] = baselineCache.keys();
    const kept = await templates();
    expect(kept).toEqual([`${TEMPLATE_PREFIX}${key?.slice(0, 16)}_${process.pid.toString(36)}`]);
    await releaseBaselineCache();
    expect(await templates()).toEqual([]);
  });

  it('drops templates left by a killed process of the tool on this machine, not those of a running one', async () => {
    let deadPid = 4_000_000;
    while (deadPid > 1) {
      try {
        process.kill(deadPid, 0);
        deadPid--;
      } catch {
        break;
      }
    }
    const abandoned = `${TEMPLATE_PREFIX}${'a'.repeat(16)}_${deadPid.toString(36)}`;
    const running = `${TEMPLATE_PREFIX}${'b'.repeat(16)}_${process.ppid.toString(36)}`;
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    const exists = async (name: string) =>
      (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
    try {
      await client.query(`CREATE DATABASE ${abandoned}`);
      await client.query(`CREATE DATABASE ${running}`);
      const { earlier, next } = await project('postgresql');
      await rehearse('postgresql', next, earlier, { shadowUrl: POSTGRES_URL });
      expect(await exists(abandoned)).toBe(false);
      expect(await exists(running)).toBe(true);
    } finally {
      await client.query(`DROP DATABASE IF EXISTS ${abandoned}`);
      await client.query(`DROP DATABASE IF EXISTS ${running}`);
      await client.end();
    }
  });

  it('rebuilds the baseline when its template has disappeared', async () => {
    const { earlier, next } = await project('postgresql');
    await rehearse('postgresql', next, earlier, { shadowUrl: POSTGRES_URL });
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    for (const name of await templates()) await client.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await client.end();
    const again = await rehearse('postgresql', next, earlier, { shadowUrl: POSTGRES_URL });
    expect(again.outcome).toBe('passed');
    expect(again.baseline.cached).toBe(false);
    expect(await templates()).toHaveLength(1);
  });
});

describe.skipIf(!mysql.available)('copies on a MariaDB/MySQL server', () => {
  it('keeps one copy per cached baseline and drops it on release', async () => {
    const { earlier, next } = await project('mysql');
    await rehearse('mysql', next, earlier, { shadowUrl: MYSQL_URL });
    const [key] = baselineCache.keys();
    const { default: mysqlDriver } = await import('mysql2/promise');
    const connection = await mysqlDriver.createConnection({ uri: MYSQL_URL });
    const copies = async () => {
      const [rows] = await connection.query(
        'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [`${TEMPLATE_PREFIX}${key?.slice(0, 16)}_${process.pid.toString(36)}`],
      );
      return (rows as { name: string }[]).length;
    };
    try {
      expect(await copies()).toBe(1);
      await releaseBaselineCache();
      expect(await copies()).toBe(0);
    } finally {
      await connection.end();
    }
  });
});

describe('rehearse_migration over MCP, called twice', () => {
  it('says the second call took its baseline from the cache, in the structured and the text report', async () => {
    const connection = await connectInMemory(path.join(FIXTURES, 'shadow-postgres'));
    try {
      const call = () =>
        callTool(connection.client, 'rehearse_migration', {
          migration: 'migrations/0003_display_name.up.sql',
          rowsPerTable: 30,
        });
      const first = await call();
      const second = await call();
      const baselineOf = (result: typeof first) =>
        (result.structuredContent as { baseline: { cached: boolean; cachedAgeMs?: number } }).baseline;
      expect(baselineOf(first).cached).toBe(false);
      expect(baselineOf(second).cached).toBe(true);
      expect(baselineOf(second).cachedAgeMs).toBeGreaterThanOrEqual(0);
      expect(textOf(second)).toMatch(
        /restored from the baseline cache in \d+ ms, built \d+ s ago by an earlier rehearsal/,
      );
    } finally {
      await connection.close();
    }
  });
});
