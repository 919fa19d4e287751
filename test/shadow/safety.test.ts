import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { connectMysqlReadOnly, connectPostgresReadOnly, judgeUrl } from '../../src/shadow/guard.js';
import { MysqlShadow } from '../../src/shadow/mysql.js';
import { openShadow } from '../../src/shadow/open.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { PostgresShadow } from '../../src/shadow/postgres.js';
import { rehearseMigration } from '../../src/shadow/rehearse.js';
import { migrationFromSql } from '../../src/shadow/statements.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';

const postgres = await postgresAvailable();
const mysql = await mysqlAvailable();
afterAll(() => releaseWarmPglite());

async function postgresDatabaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('shadow URL guard', () => {
  it('judges local servers fine and production-looking ones not', () => {
    expect(judgeUrl('postgres://postgres@127.0.0.1:5432/test').productionLooking).toBe(false);
    expect(judgeUrl('mysql://root@localhost/dev').productionLooking).toBe(false);
    expect(judgeUrl('postgres://app@db.example.com/app').reasons).toEqual(['host db.example.com is not this machine']);
    expect(judgeUrl('postgres://app@127.0.0.1/orders_production').reasons).toEqual([
      'database name "orders_production" looks like production',
    ]);
    expect(judgeUrl('postgres://app@prod-db.internal:5432/live').reasons).toHaveLength(3);
  });

  it('refuses to rehearse on a production-looking URL, with an explanation and a fix', async () => {
    const migration = await migrationFromSql({
      id: 'm',
      path: 'm.sql',
      up: 'CREATE TABLE t (id int);',
      engine: 'postgresql',
    });
    const attempt = rehearseMigration({
      engine: 'postgresql',
      migration,
      baseline: { kind: 'none' },
      shadowUrl: 'postgres://admin:secret@primary.db.example.com:5432/app_prod',
      shadowUrlSource: 'SHADOW_DATABASE_URL',
    });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toMatchObject({ code: 'shadow-url-refused' });
    await expect(attempt).rejects.toThrow(/not this machine.*looks like production/s);
    await expect(attempt).rejects.toThrow(/\*\*\*/);
    await expect(attempt).rejects.not.toThrow(/secret/);
  });

  it('refuses a URL of the wrong engine and MySQL without any server', async () => {
    await expect(openShadow({ engine: 'postgresql', shadowUrl: 'mysql://root@127.0.0.1/x' })).rejects.toMatchObject({
      code: 'shadow-url-engine',
    });
    await expect(openShadow({ engine: 'mysql' })).rejects.toMatchObject({ code: 'shadow-url-required' });
  });
});

describe.skipIf(!postgres.available)('PostgreSQL shadow lifecycle', () => {
  it('creates its own dma_shadow_ database, never the named one, and drops it after success', async () => {
    let name = '';
    const migration = await migrationFromSql({
      id: 'm',
      path: 'm.sql',
      up: 'CREATE TABLE t (id int);',
      down: 'DROP TABLE t;',
      engine: 'postgresql',
    });
    const report = await rehearseMigration({
      engine: 'postgresql',
      migration,
      baseline: { kind: 'none' },
      open: async () => {
        const shadow = await PostgresShadow.open({ url: POSTGRES_URL });
        name = shadow.database;
        return shadow;
      },
    });
    expect(report.outcome).toBe('passed');
    expect(name).toMatch(/^dma_shadow_[0-9a-f]{12}$/);
    expect(await postgresDatabaseExists(name)).toBe(false);
  });

  it('drops the shadow database (and its snapshots) when the rehearsal fails', async () => {
    const shadow = await PostgresShadow.open({ url: POSTGRES_URL });
    await shadow.exec('CREATE TABLE t (id int)');
    await shadow.snapshot();
    const created = shadow.createdDatabases;
    expect(created).toHaveLength(2);
    const migration = await migrationFromSql({
      id: 'm',
      path: 'm.sql',
      up: 'ALTER TABLE missing ADD COLUMN x int;',
      engine: 'postgresql',
    });
    const report = await rehearseMigration({
      engine: 'postgresql',
      migration,
      baseline: { kind: 'none' },
      open: async () => shadow,
    });
    expect(report.outcome).toBe('failed');
    for (const name of created) expect(await postgresDatabaseExists(name)).toBe(false);
  });

  it('drops the shadow database when the rehearsal is cancelled mid-way', async () => {
    const controller = new AbortController();
    let name = '';
    const migration = await migrationFromSql({
      id: 'm',
      path: 'm.sql',
      up: 'CREATE TABLE a (id int);\nSELECT pg_sleep(5);\nCREATE TABLE b (id int);',
      engine: 'postgresql',
    });
    const attempt = rehearseMigration({
      engine: 'postgresql',
      migration,
      baseline: { kind: 'none' },
      signal: controller.signal,
      onProgress: (_done, _total, message) => {
        if (message.startsWith('up: statement 2')) setTimeout(() => controller.abort(), 100);
      },
      open: async () => {
        const shadow = await PostgresShadow.open({ url: POSTGRES_URL });
        name = shadow.database;
        return shadow;
      },
    });
    await expect(attempt).rejects.toMatchObject({ code: 'rehearsal-cancelled' });
    expect(await postgresDatabaseExists(name)).toBe(false);
  });

  it('restores a template snapshot', async () => {
    const shadow = await PostgresShadow.open({ url: POSTGRES_URL });
    try {
      await shadow.exec('CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)');
      const snapshot = await shadow.snapshot();
      await shadow.exec('DROP TABLE t');
      await shadow.restore(snapshot);
      expect(await shadow.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 2 }]);
    } finally {
      await shadow.close();
    }
  });

  it('reads a real target over a connection the server holds read-only', async () => {
    const client = await connectPostgresReadOnly(POSTGRES_URL);
    try {
      const table = uniqueName('readonly_probe');
      await expect(client.query(`CREATE TABLE ${table} (id int)`)).rejects.toThrow(/read-only transaction/);
      const setting = await client.query('SHOW default_transaction_read_only');
      expect(setting.rows[0]).toEqual({ default_transaction_read_only: 'on' });
    } finally {
      await client.end();
    }
  });

  it('the timeout stops a long rehearsal and drops the shadow', async () => {
    let name = '';
    const migration = await migrationFromSql({
      id: 'm',
      path: 'm.sql',
      up: 'SELECT pg_sleep(10);',
      engine: 'postgresql',
    });
    const attempt = rehearseMigration({
      engine: 'postgresql',
      migration,
      baseline: { kind: 'none' },
      timeoutMs: 1_500,
      open: async () => {
        const shadow = await PostgresShadow.open({ url: POSTGRES_URL });
        name = shadow.database;
        return shadow;
      },
    });
    await expect(attempt).rejects.toMatchObject({ code: 'rehearsal-timeout' });
    expect(await postgresDatabaseExists(name)).toBe(false);
  });
});

describe.skipIf(!mysql.available)('MySQL/MariaDB shadow lifecycle', () => {
  it('drops its temporary databases after a failed rehearsal; snapshots copy rows', async () => {
    const shadow = await MysqlShadow.open({ url: MYSQL_URL });
    await shadow.exec('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3)');
    const snapshot = await shadow.snapshot();
    await shadow.exec('DELETE FROM t');
    await shadow.restore(snapshot);
    expect(await shadow.query('SELECT CAST(COUNT(*) AS CHAR) AS n FROM t')).toEqual([{ n: '3' }]);
    const created = shadow.createdDatabases;
    const migration = await migrationFromSql({
      id: 'm',
      path: 'm.sql',
      up: 'ALTER TABLE missing ADD COLUMN x int;',
      engine: 'mysql',
    });
    const report = await rehearseMigration({
      engine: 'mysql',
      migration,
      baseline: { kind: 'none' },
      open: async () => shadow,
    });
    expect(report.outcome).toBe('failed');
    const probe = await connectMysqlReadOnly(MYSQL_URL);
    try {
      const [rows] = await probe.query(
        'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
        [created],
      );
      expect(rows).toEqual([]);
      await expect(probe.query('CREATE TABLE readonly_probe (id int)')).rejects.toThrow(/READ ONLY/i);
    } finally {
      await probe.end();
    }
  });
});
