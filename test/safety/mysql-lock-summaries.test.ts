import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlgorithmLockEntry } from '../../src/safety/report.js';
import { checkSqlInputs } from '../../src/safety/run.js';
import { MYSQL_URL, mysqlAvailable, uniqueName } from '../helpers/databases.js';

/**
 * The per-statement lock summaries of a MySQL/MariaDB check, asked of the MariaDB server: the first migration
 * creates the table (so the check knows each column's definition), the second alters it, and the summary's
 * ALGORITHM / LOCK / rebuild claim must be the cheapest the server accepts — `ALGORITHM=NOCOPY` is MariaDB's
 * "in place without rebuilding the table", so it tells a rebuild from a metadata or index-only change.
 */

const server = await mysqlAvailable();

const TABLE = `CREATE TABLE t (
  id int NOT NULL PRIMARY KEY, a int, b varchar(20) NOT NULL DEFAULT '', c int, n2 int NOT NULL DEFAULT 0,
  s enum('x','y') DEFAULT 'x', st set('p','q'), u varchar(20) CHARACTER SET utf8mb3, w varchar(100), note text,
  KEY kb (b)
) ENGINE=InnoDB DEFAULT CHARSET=latin1`;
const ROW = "INSERT INTO t (id, a, b, c, s, st, u, w, note) VALUES (1, 1, 'q', 1, 'x', 'p', 'u', 'w', 'hello')";

const CLAUSES = [
  'ADD COLUMN n int',
  'ADD COLUMN n int AFTER a',
  'DROP COLUMN c',
  'RENAME COLUMN a TO a2',
  'ALTER COLUMN a SET DEFAULT 5',
  'ADD INDEX ia (a)',
  'DROP INDEX kb',
  'ADD FULLTEXT INDEX fn (note)',
  'DROP PRIMARY KEY',
  'ADD COLUMN n int AUTO_INCREMENT UNIQUE',
  // ENUM / SET: append within the storage size, reorder, insert, remove.
  "MODIFY s enum('x','y','z') DEFAULT 'x'",
  "MODIFY s enum('y','x') DEFAULT 'x'",
  "MODIFY s enum('x','w','y') DEFAULT 'x'",
  "MODIFY s enum('x') DEFAULT 'x'",
  "MODIFY st set('p','q','r')",
  "MODIFY st set('q','p')",
  // Character sets and collations.
  'MODIFY u varchar(20) CHARACTER SET utf8mb4',
  "MODIFY b varchar(20) CHARACTER SET utf8mb4 NOT NULL DEFAULT ''",
  "MODIFY b varchar(20) COLLATE latin1_general_ci NOT NULL DEFAULT ''",
  'MODIFY w varchar(100) COLLATE latin1_general_ci',
  'CONVERT TO CHARACTER SET utf8mb4',
  'DEFAULT CHARSET=utf8mb4',
  // Widening, narrowing and sign changes.
  'MODIFY w varchar(200)',
  'MODIFY w varchar(50)',
  'MODIFY c bigint',
  'MODIFY c smallint',
  'MODIFY c int unsigned',
  // NULL / NOT NULL and a default-only change.
  'MODIFY n2 int NULL',
  'MODIFY c int NOT NULL DEFAULT 0',
  'MODIFY n2 int NOT NULL DEFAULT 5',
];

/** Cheaper to dearer; NOCOPY is INPLACE without a rebuild. */
const LADDER = [
  'ALGORITHM=INSTANT',
  'ALGORITHM=NOCOPY, LOCK=NONE',
  'ALGORITHM=NOCOPY',
  'ALGORITHM=INPLACE, LOCK=NONE',
  'ALGORITHM=INPLACE',
  'ALGORITHM=COPY',
];

/** The ladder step a lock summary claims. */
function claimedStep(lock: AlgorithmLockEntry): string {
  if (lock.mode === 'ALGORITHM=INSTANT' || lock.mode.startsWith('ALGORITHM=COPY')) return lock.mode.split(',')[0] ?? '';
  const algorithm = lock.rewrite ? 'INPLACE' : 'NOCOPY';
  return lock.mode.endsWith('LOCK=NONE') ? `ALGORITHM=${algorithm}, LOCK=NONE` : `ALGORITHM=${algorithm}`;
}

async function lockSummary(clause: string, engineVersion: string): Promise<AlgorithmLockEntry[]> {
  const result = await checkSqlInputs(
    [
      { file: '001_create.sql', sql: `${TABLE};` },
      { file: '002_alter.sql', sql: `ALTER TABLE t ${clause};` },
    ],
    { engine: 'mysql', engineVersion },
  );
  expect(result.errors).toEqual([]);
  return (result.files[1]?.locks[0]?.locks ?? []) as AlgorithmLockEntry[];
}

describe.skipIf(!server.available)('MySQL lock summaries on the MariaDB server', { timeout: 180_000 }, () => {
  const database = uniqueName('dma_locks');
  let connection: mysql.Connection;
  beforeAll(async () => {
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(MYSQL_URL);
    url.pathname = `/${database}`;
    connection = await mysql.createConnection({ uri: url.toString() });
  });
  afterAll(async () => {
    await connection?.query(`DROP DATABASE IF EXISTS ${database}`);
    await connection?.end();
  });

  async function cheapestAccepted(clause: string): Promise<string> {
    for (const step of LADDER) {
      await connection.query('DROP TABLE IF EXISTS t');
      await connection.query(TABLE);
      await connection.query(ROW);
      try {
        await connection.query(`ALTER TABLE t ${clause}, ${step}`);
        return step;
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!code.startsWith('ER_ALTER_OPERATION_NOT_SUPPORTED')) throw error;
      }
    }
    throw new Error(`no algorithm accepted for ${clause}`);
  }

  const PINNED: Array<[clause: string, refused: boolean]> = [
    ['MODIFY c bigint, ALGORITHM=INSTANT', true],
    ['CONVERT TO CHARACTER SET utf8mb4, LOCK=NONE', true],
    ["MODIFY s enum('y','x') DEFAULT 'x', ALGORITHM=INSTANT", true],
    ['DROP PRIMARY KEY, ALGORITHM=INPLACE', true],
    ['ADD COLUMN n int AFTER a, ALGORITHM=INSTANT', false],
    ['ADD INDEX ia (a), ALGORITHM=INPLACE, LOCK=NONE', false],
    ["MODIFY s enum('x','y','z') DEFAULT 'x', ALGORITHM=INSTANT", false],
  ];
  for (const [clause, refused] of PINNED) {
    it(`mysql-algorithm-refused ${refused ? 'flags' : 'passes'} ALTER TABLE t ${clause}, as the server ${refused ? 'refuses' : 'accepts'} it`, async () => {
      const result = await checkSqlInputs(
        [
          { file: '001_create.sql', sql: `${TABLE};` },
          { file: '002_alter.sql', sql: `ALTER TABLE t ${clause};` },
        ],
        { engine: 'mysql', engineVersion: 'mariadb-10.11' },
      );
      const flagged = result.files[1]?.findings.some((finding) => finding.ruleId === 'mysql-algorithm-refused');
      expect(flagged).toBe(refused);
      await connection.query('DROP TABLE IF EXISTS t');
      await connection.query(TABLE);
      await connection.query(ROW);
      const ran = connection.query(`ALTER TABLE t ${clause}`);
      if (refused)
        await expect(ran).rejects.toMatchObject({ code: expect.stringMatching(/^ER_ALTER_OPERATION_NOT_SUPPORTED/) });
      else await ran;
    });
  }

  for (const clause of CLAUSES) {
    it(`ALTER TABLE t ${clause}`, async () => {
      const locks = await lockSummary(clause, 'mariadb-10.11');
      expect(locks).toHaveLength(1);
      const [lock] = locks;
      if (!lock) throw new Error('no lock summary');
      expect(lock.table).toBe('t');
      expect(lock.servers).toBeUndefined();
      expect(await cheapestAccepted(clause)).toBe(claimedStep(lock));
    });
  }
});

describe('MySQL lock summaries by server version', () => {
  it('ADD COLUMN … AFTER: a rebuild before MySQL 8.0.29, INSTANT from it and on MariaDB', async () => {
    const modes = async (version: string) =>
      (await lockSummary('ADD COLUMN n int AFTER a', version)).map((lock) => [lock.mode, lock.rewrite]);
    expect(await modes('5.7')).toEqual([['ALGORITHM=INPLACE, LOCK=NONE', true]]);
    expect(await modes('8.0.28')).toEqual([['ALGORITHM=INPLACE, LOCK=NONE', true]]);
    expect(await modes('8.0.29')).toEqual([['ALGORITHM=INSTANT', false]]);
    expect(await modes('mysql-8.4.3')).toEqual([['ALGORITHM=INSTANT', false]]);
    expect(await modes('9.1')).toEqual([['ALGORITHM=INSTANT', false]]);
    expect(await modes('mariadb-10.6')).toEqual([['ALGORITHM=INSTANT', false]]);
    expect(await modes('11.4')).toEqual([['ALGORITHM=INSTANT', false]]);
  });

  it('ADD COLUMN at the end is INSTANT from 8.0.12; DROP COLUMN only from 8.0.29', async () => {
    expect((await lockSummary('ADD COLUMN n int', '8.0.20')).map((lock) => lock.mode)).toEqual(['ALGORITHM=INSTANT']);
    expect((await lockSummary('DROP COLUMN c', '8.0.20')).map((lock) => lock.mode)).toEqual([
      'ALGORITHM=INPLACE, LOCK=NONE',
    ]);
    expect((await lockSummary('DROP COLUMN c', '8.0.35')).map((lock) => lock.mode)).toEqual(['ALGORITHM=INSTANT']);
  });

  it('without a version: one entry per group of server lines that differ, and a single note', async () => {
    const locks = await lockSummary('DROP COLUMN c', '');
    expect(locks.map((lock) => [lock.mode, lock.servers])).toEqual([
      ['ALGORITHM=INPLACE, LOCK=NONE', 'MySQL 5.7, MySQL 8.0.12–8.0.28'],
      ['ALGORITHM=INSTANT', 'MySQL 8.0.29+/8.4/9, MariaDB 10.6/10.11/11'],
    ]);
    const same = await lockSummary('MODIFY c bigint', '');
    expect(same.map((lock) => [lock.mode, lock.servers])).toEqual([['ALGORITHM=COPY, LOCK=SHARED', undefined]]);
    const result = await checkSqlInputs(
      [
        { file: 'a.sql', sql: 'ALTER TABLE t DROP COLUMN c;' },
        { file: 'b.sql', sql: 'ALTER TABLE t ADD COLUMN d int;' },
      ],
      { engine: 'mysql' },
    );
    expect(result.notes.filter((note) => note.includes('server version not given'))).toHaveLength(1);
    const named = await checkSqlInputs([{ file: 'a.sql', sql: 'ALTER TABLE t DROP COLUMN c;' }], {
      engine: 'mariadb',
    });
    expect(named.files[0]?.locks[0]?.locks.map((lock) => lock.mode)).toEqual(['ALGORITHM=INSTANT']);
  });

  it('without an option, the version the project names (a docker-compose image) is used, and said where from', async () => {
    const check = (version: string) =>
      checkSqlInputs([{ file: 'a.sql', sql: 'ALTER TABLE t ADD COLUMN d int AFTER id;' }], {
        engine: 'mysql',
        projectDatabase: () => ({
          engine: 'mysql',
          version,
          evidence: [`docker-compose.yml: service db image mysql:${version}`],
        }),
      });
    const pinned = await check('8.0.20');
    expect(pinned.notes).toContain(
      'MySQL/MariaDB ALGORITHM and LOCK facts are those of MySQL 8.0.20 (version from docker-compose.yml: service db image mysql:8.0.20).',
    );
    expect(pinned.files[0]?.locks[0]?.locks.map((lock) => lock.mode)).toEqual(['ALGORITHM=INPLACE, LOCK=NONE']);
    // A tag that names no version is as if none were given.
    const latest = await check('latest');
    expect(latest.notes.some((note) => note.includes('server version not given'))).toBe(true);
  });

  it('the configuration file can name the server version (engineVersion); an option overrides it', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'dma-engine-version-'));
    try {
      writeFileSync(path.join(root, 'db-migration-agent.config.json'), '{ "engineVersion": "8.0.20" }\n');
      const input = [{ file: 'a.sql', sql: 'ALTER TABLE t DROP COLUMN c;' }];
      const configured = await checkSqlInputs(input, { engine: 'mysql', root });
      expect(configured.files[0]?.locks[0]?.locks.map((lock) => lock.mode)).toEqual(['ALGORITHM=INPLACE, LOCK=NONE']);
      const option = await checkSqlInputs(input, { engine: 'mysql', root, engineVersion: '8.4' });
      expect(option.files[0]?.locks[0]?.locks.map((lock) => lock.mode)).toEqual(['ALGORITHM=INSTANT']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a version no engine of the check can read is a usage error naming the accepted forms', async () => {
    await expect(
      checkSqlInputs([{ file: 'a.sql', sql: 'ALTER TABLE t ADD COLUMN d int;' }], {
        engine: 'mysql',
        engineVersion: '7.1',
      }),
    ).rejects.toThrow(
      /"7\.1" is not a MySQL \(5\.7, 8\.0, 8\.4, 9\.x\) or MariaDB \(10\.6 or later\) version[\s\S]*8\.0\.35/,
    );
    await expect(
      checkSqlInputs([{ file: 'a.sql', sql: 'ALTER TABLE t ADD COLUMN d int;' }], {
        engine: 'mysql',
        engineVersion: 'mariadb-10.3',
      }),
    ).rejects.toThrow(/older than MariaDB 10\.6/);
  });

  it('--engine-version 16 sets the PostgreSQL version of a PostgreSQL check', async () => {
    const result = await checkSqlInputs([{ file: 'a.sql', sql: 'ALTER TABLE t ADD COLUMN d int;' }], {
      engineVersion: '16',
    });
    expect([result.pgVersion, result.pgVersionSource]).toEqual([16, 'option']);
    await expect(
      checkSqlInputs([{ file: 'a.sql', sql: 'ALTER TABLE t ADD COLUMN d int;' }], { engineVersion: 'mariadb-10.11' }),
    ).rejects.toThrow(/"mariadb-10\.11" is not a PostgreSQL version[\s\S]*--engine-version 16/);
  });
});
