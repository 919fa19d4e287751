import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLocalHost, mysqlEndpoints, postgresEndpoints } from '../../src/shadow/effective-host.js';
import { assertShadowServer, judgeUrl } from '../../src/shadow/guard.js';
import { MysqlShadow } from '../../src/shadow/mysql.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { PostgresShadow } from '../../src/shadow/postgres.js';
import { rehearseMigration } from '../../src/shadow/rehearse.js';
import { migrationFromSql } from '../../src/shadow/statements.js';
import { MYSQL_URL, mysqlAvailable, POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { callTool, connectInMemory, textOf } from '../helpers/mcp.js';
import { FIXTURES } from './fixtures.js';

const postgres = await postgresAvailable();
const mysql = await mysqlAvailable();

const ISSUE_URL = 'postgres://postgres@localhost:5432/postgres?host=db-primary.internal.example';

/** Runs `work` with environment variables set (undefined removes one), then restores them. */
async function withEnv<T>(values: Record<string, string | undefined>, work: () => T | Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (entries: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(values);
  try {
    return await work();
  } finally {
    apply(saved);
  }
}

const NO_PG_ENV = { PGHOST: undefined, PGHOSTADDR: undefined };

describe('effective hosts, as the drivers resolve them', () => {
  it('pg: a ?host= parameter replaces the URL host', () => {
    expect(postgresEndpoints(ISSUE_URL)).toEqual([
      { host: 'db-primary.internal.example', socket: false, from: '?host=' },
    ]);
  });

  it('pg: Unix socket directories (query or percent-encoded host) are sockets', () => {
    expect(postgresEndpoints('postgres://postgres@localhost/db?host=/tmp')).toEqual([
      { host: '/tmp', socket: true, from: '?host=' },
    ]);
    expect(postgresEndpoints('postgres://postgres@%2Fvar%2Frun%2Fpostgresql/db')).toEqual([
      { host: '/var/run/postgresql', socket: true, from: "the URL's host" },
    ]);
  });

  it('pg: every host of a list, and ?hostaddr=', () => {
    expect(postgresEndpoints('postgres://u@localhost/db?host=127.0.0.1,db.example.com').map((e) => e.host)).toEqual([
      '127.0.0.1',
      'db.example.com',
    ]);
    expect(postgresEndpoints('postgres://u@localhost/db?hostaddr=10.1.2.3')).toEqual([
      { host: 'localhost', socket: false, from: "the URL's host" },
      { host: '10.1.2.3', socket: false, from: '?hostaddr=' },
    ]);
  });

  it('pg: PGHOST and PGHOSTADDR apply when the URL names no host, and not otherwise', async () => {
    await withEnv({ PGHOST: 'db.example.com', PGHOSTADDR: '10.9.9.9' }, () => {
      expect(postgresEndpoints('postgres:///test')).toEqual([
        { host: 'db.example.com', socket: false, from: 'PGHOST, as the URL names no host' },
        { host: '10.9.9.9', socket: false, from: 'PGHOSTADDR' },
      ]);
      expect(postgresEndpoints('postgres://u@127.0.0.1/test').map((e) => e.host)).toEqual(['127.0.0.1']);
    });
    await withEnv(NO_PG_ENV, () => {
      expect(postgresEndpoints('postgres:///test')).toEqual([
        { host: 'localhost', socket: false, from: "pg's default, as the URL names no host" },
      ]);
    });
  });

  it('mysql2: ?socketPath= wins, a ?host= parameter is ignored, no host means localhost', () => {
    expect(mysqlEndpoints('mysql://root@db.example.com/x?socketPath=/run/mysqld/mysqld.sock')).toEqual([
      { host: '/run/mysqld/mysqld.sock', socket: true, from: '?socketPath=' },
    ]);
    expect(mysqlEndpoints('mysql://root@127.0.0.1:3306/x?host=db.example.com').map((e) => e.host)).toEqual([
      '127.0.0.1',
    ]);
    expect(mysqlEndpoints('mysql://root@[::1]:3306/x').map((e) => e.host)).toEqual(['::1']);
  });

  it('counts loopback in every spelling as local, and nothing else', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1', '127.9.8.7', '::1', '[::1]', '0:0:0:0:0:0:0:1'])
      expect(isLocalHost(host), host).toBe(true);
    expect(isLocalHost('::ffff:127.0.0.1')).toBe(true);
    for (const host of [
      'db.example.com',
      '10.0.0.1',
      '128.0.0.1',
      '::2',
      'localhost.example.com',
      '',
      '::ffff:10.0.0.1',
    ])
      expect(isLocalHost(host), host).toBe(false);
  });
});

describe('the shadow guard refuses what the driver would reach remotely', () => {
  it('refuses the issue URL (localhost in the URL, a remote ?host=) and says which flag exists', () => {
    let refusal: unknown;
    try {
      assertShadowServer(ISSUE_URL, { source: 'shadowUrl' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'shadow-url-refused' });
    const message = String((refusal as Error).message);
    expect(message).toMatch(
      /host db-primary\.internal\.example \(from \?host=, which the driver connects to instead of localhost\) is not this machine/,
    );
    expect(message).toMatch(/allowRemoteShadow: true \(CLI --allow-remote-shadow\)/);
    expect(message).not.toMatch(/allowProductionLooking/);
  });

  it('accepts Unix sockets and loopback hosts', async () => {
    await withEnv(NO_PG_ENV, () => {
      expect(assertShadowServer('postgres://postgres@localhost/scratch?host=/var/run/postgresql')).toMatchObject({
        local: true,
        where: '/var/run/postgresql (Unix socket)',
      });
      expect(assertShadowServer('postgres://postgres@%2Ftmp/scratch').local).toBe(true);
      expect(assertShadowServer('mysql://root@localhost/scratch?socketPath=/run/mysqld/mysqld.sock').local).toBe(true);
      expect(assertShadowServer('postgres://postgres@[::1]:5432/scratch').where).toBe('::1:5432');
      expect(assertShadowServer('postgres:///scratch').where).toBe('localhost');
    });
  });

  it('refuses a host list with one remote host, naming only that one', () => {
    const verdict = judgeUrl('postgres://u@localhost/scratch?host=localhost,replica.example.com');
    expect(verdict.reasons).toEqual([
      'host replica.example.com (from ?host=, which the driver connects to instead of localhost) is not this machine',
    ]);
    expect(() => assertShadowServer('postgres://u@localhost/scratch?host=localhost,replica.example.com')).toThrow(
      /shadow server/,
    );
  });

  it('refuses a remote PGHOST (and PGHOSTADDR) when the URL names no host', async () => {
    await withEnv({ PGHOST: 'db.example.com', PGHOSTADDR: undefined }, () => {
      expect(() => assertShadowServer('postgres:///scratch', { source: 'SHADOW_DATABASE_URL' })).toThrow(
        /host db\.example\.com \(from PGHOST, as the URL names no host\) is not this machine/,
      );
      // The URL's own host wins over PGHOST, as in pg.
      expect(assertShadowServer('postgres://u@127.0.0.1/scratch').local).toBe(true);
    });
    await withEnv({ PGHOST: undefined, PGHOSTADDR: '10.20.30.40' }, () => {
      expect(() => assertShadowServer('postgres:///scratch')).toThrow(/host 10\.20\.30\.40 \(from PGHOSTADDR\)/);
    });
  });

  it('never shows a password, also one given as ?password=', () => {
    expect(() =>
      assertShadowServer('postgres://u:hunter2@localhost/scratch?host=db.example.com&password=swordfish'),
    ).toThrow(/password=\*\*\*/);
    try {
      assertShadowServer('postgres://u:hunter2@localhost/scratch?host=db.example.com&password=swordfish');
    } catch (error) {
      expect(String((error as Error).message)).not.toMatch(/hunter2|swordfish/);
    }
  });

  it('refuses a remote ?hostaddr= even when the host is local', () => {
    expect(() => assertShadowServer('postgres://u@localhost/scratch?hostaddr=10.0.0.7')).toThrow(
      /host 10\.0\.0\.7 \(from \?hostaddr=\)/,
    );
  });

  it('accepts a remote server only with allowRemoteShadow, and describes where it really is', () => {
    const server = assertShadowServer(ISSUE_URL, { allowRemoteShadow: true });
    expect(server).toMatchObject({ local: false, where: 'db-primary.internal.example:5432' });
  });
});

describe('a rehearsal never reaches the ?host= server', () => {
  it('refuses before connecting, also when the baseline would be cached', async () => {
    const migration = await migrationFromSql({
      id: 'm',
      path: 'm.sql',
      up: 'CREATE TABLE t (id int);',
      engine: 'postgresql',
    });
    for (const cacheBaseline of [false, true]) {
      await expect(
        rehearseMigration({
          engine: 'postgresql',
          migration,
          baseline: { kind: 'dump', sql: 'CREATE TABLE a (id int);', file: 'schema.sql' },
          shadowUrl: ISSUE_URL,
          cacheBaseline,
        }),
      ).rejects.toMatchObject({ code: 'shadow-url-refused' });
    }
  });
});

describe('rehearse_migration over MCP with a remote ?host=', () => {
  let connection: Awaited<ReturnType<typeof connectInMemory>>;
  beforeAll(async () => {
    connection = await connectInMemory(path.join(FIXTURES, 'shadow-postgres'));
  });
  afterAll(async () => {
    await connection.close();
    await releaseWarmPglite();
  });

  it('answers isError naming allowRemoteShadow, a parameter its schema really has', async () => {
    const { tools } = await connection.client.listTools();
    const schema = tools.find((tool) => tool.name === 'rehearse_migration')?.inputSchema.properties ?? {};
    expect(Object.keys(schema)).toContain('allowRemoteShadow');
    const result = await callTool(connection.client, 'rehearse_migration', {
      migration: 'CREATE TABLE t (id int);',
      shadowUrl: ISSUE_URL,
    });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/db-primary\.internal\.example/);
    expect(text).toMatch(/allowRemoteShadow/);
    expect(text).not.toMatch(/allowProductionLooking/);
  });
});

describe.skipIf(!postgres.available)('PGHOST decides where a host-less URL goes (real PostgreSQL)', () => {
  it('rehearses on the server PGHOST names when it is this machine', async () => {
    const server = new URL(POSTGRES_URL);
    // postgres://user@/db is not a WHATWG URL: the host-less form that pg and the guard both read.
    const url = `postgres:///${server.pathname.slice(1)}?user=${server.username}&port=${server.port || 5432}`;
    await withEnv({ PGHOST: server.hostname, PGHOSTADDR: undefined }, async () => {
      const shadow = await PostgresShadow.open({ url });
      try {
        expect(shadow.description).toContain(`on ${server.hostname}`);
        const [row] = await shadow.query<{ db: string }>('SELECT current_database() AS db');
        expect(row?.db).toBe(shadow.database);
      } finally {
        await shadow.close();
      }
      const probe = new pg.Client({ connectionString: POSTGRES_URL });
      await probe.connect();
      try {
        const left = await probe.query('SELECT 1 FROM pg_database WHERE datname = $1', [shadow.database]);
        expect(left.rowCount).toBe(0);
      } finally {
        await probe.end();
      }
    });
  });
});

const MYSQL_SOCKET = '/run/mysqld/mysqld.sock';
const mysqlLocal = mysql.available && ['127.0.0.1', 'localhost'].includes(new URL(MYSQL_URL).hostname);

describe.skipIf(!mysqlLocal || !existsSync(MYSQL_SOCKET))('MySQL/MariaDB shadow over a Unix socket', () => {
  it('is accepted as local and really connects through the socket', async () => {
    const server = new URL(MYSQL_URL);
    const url = `mysql://${server.username}${server.password ? `:${server.password}` : ''}@db.example.com${server.pathname}?socketPath=${MYSQL_SOCKET}`;
    const shadow = await MysqlShadow.open({ url });
    try {
      expect(shadow.description).toContain(`${MYSQL_SOCKET} (Unix socket)`);
      await shadow.exec('CREATE TABLE t (id int)');
      expect(await shadow.query('SELECT CAST(COUNT(*) AS CHAR) AS n FROM t')).toEqual([{ n: '0' }]);
    } finally {
      await shadow.close();
    }
  });
});
