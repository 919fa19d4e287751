import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clauseCost } from '../../src/engines/mysql/safety/algorithms.js';
import { modelStatement } from '../../src/safety/ddl-model.js';
import { MYSQL_URL, mysqlAvailable, uniqueName } from '../helpers/databases.js';

/**
 * The algorithm claims for MariaDB checked on the MariaDB server: the ALGORITHM/LOCK we claim is accepted, and
 * the next cheaper one is refused (ER_ALTER_OPERATION_NOT_SUPPORTED). The server is the oracle.
 */

const server = await mysqlAvailable();

const TABLE = `CREATE TABLE t (
  id int NOT NULL PRIMARY KEY, a int, b varchar(20) NOT NULL DEFAULT '', c int, s enum('x','y'), note text,
  KEY kb (b)
) ENGINE=InnoDB DEFAULT CHARSET=latin1`;

const CLAUSES = [
  'ADD COLUMN n int',
  'ADD COLUMN n int FIRST',
  'ADD COLUMN n int NOT NULL',
  'DROP COLUMN c',
  'RENAME COLUMN a TO a2',
  'ALTER COLUMN a SET DEFAULT 5',
  'MODIFY a bigint',
  'MODIFY a int unsigned',
  "MODIFY b varchar(10) NOT NULL DEFAULT ''",
  'ADD INDEX ia (a)',
  'ADD UNIQUE INDEX ua (a)',
  'DROP INDEX kb',
  'ADD FULLTEXT INDEX fb (note)',
  'DROP PRIMARY KEY',
  'CONVERT TO CHARACTER SET utf8mb4',
  'RENAME TO t_renamed',
  'ADD COLUMN n int AUTO_INCREMENT UNIQUE',
  'ADD COLUMN g int AS (a + 1) STORED',
];

/** Cheaper to dearer: the first the server accepts is what it can do. */
const LADDER = ['ALGORITHM=INSTANT', 'ALGORITHM=INPLACE, LOCK=NONE', 'ALGORITHM=INPLACE', 'ALGORITHM=COPY'];

describe.skipIf(!server.available)('MySQL algorithm claims on the MariaDB server', { timeout: 120_000 }, () => {
  const database = uniqueName('dma_alg');
  let connection: mysql.Connection;
  beforeAll(async () => {
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(MYSQL_URL);
    url.pathname = `/${database}`;
    connection = await mysql.createConnection({ uri: url.toString(), multipleStatements: true });
  });
  afterAll(async () => {
    await connection?.query(`DROP DATABASE IF EXISTS ${database}`);
    await connection?.end();
  });

  async function cheapestAccepted(clause: string): Promise<string> {
    for (const step of LADDER) {
      await connection.query('DROP TABLE IF EXISTS t, t_renamed');
      await connection.query(TABLE);
      await connection.query("INSERT INTO t VALUES (1, 1, 'q', 1, 'x', 'hello')");
      try {
        await connection.query(`ALTER TABLE t ${clause}, ${step}`);
        return step;
      } catch (error) {
        if (
          (error as { code?: string }).code !== 'ER_ALTER_OPERATION_NOT_SUPPORTED_REASON' &&
          (error as { code?: string }).code !== 'ER_ALTER_OPERATION_NOT_SUPPORTED'
        )
          throw error;
      }
    }
    throw new Error(`no algorithm accepted for ${clause}`);
  }

  for (const clause of CLAUSES) {
    it(`ALTER TABLE t ${clause}`, async () => {
      const statement = modelStatement(
        {
          sql: `ALTER TABLE t ${clause}`,
          span: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
          offset: { start: 0, end: 0 },
        },
        0,
        'mariadb',
      );
      const action = statement.actions[0];
      if (!action) throw new Error('no clause recognized');
      const claim = clauseCost(action, statement, new Map())?.byServer['MariaDB 10.6/10.11/11'];
      if (!claim) throw new Error('no claim');
      const expected =
        claim.algorithm === 'INSTANT'
          ? 'ALGORITHM=INSTANT'
          : claim.algorithm === 'COPY'
            ? 'ALGORITHM=COPY'
            : claim.lock === 'NONE'
              ? 'ALGORITHM=INPLACE, LOCK=NONE'
              : 'ALGORITHM=INPLACE';
      expect(await cheapestAccepted(clause)).toBe(expected);
    });
  }

  it('ADD FOREIGN KEY is INPLACE only with foreign_key_checks = 0, as claimed', async () => {
    const statement = modelStatement(
      {
        sql: 'ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (t) REFERENCES t (id)',
        span: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
        offset: { start: 0, end: 0 },
      },
      0,
      'mariadb',
    );
    const action = statement.actions[0];
    if (!action) throw new Error('no clause recognized');
    expect(clauseCost(action, statement, new Map())?.byServer['MariaDB 10.6/10.11/11'].algorithm).toBe('COPY');
    expect(
      clauseCost(action, statement, new Map([['foreign_key_checks', '0']]))?.byServer['MariaDB 10.6/10.11/11']
        .algorithm,
    ).toBe('INPLACE');
    await connection.query('DROP TABLE IF EXISTS c, t, t_renamed');
    await connection.query(TABLE);
    await connection.query('CREATE TABLE c (id int PRIMARY KEY, t int)');
    await connection.query('SET foreign_key_checks = 1');
    await expect(connection.query(`${statement.sql}, ALGORITHM=INPLACE`)).rejects.toThrow(/foreign_key_checks/);
    await connection.query('SET foreign_key_checks = 0');
    await connection.query(`${statement.sql}, ALGORITHM=INPLACE`);
    await connection.query('SET foreign_key_checks = 1');
  });

  it('ADD COLUMN NOT NULL without DEFAULT fills existing rows and then refuses INSERTs that omit it (strict mode)', async () => {
    await connection.query('DROP TABLE IF EXISTS c, t, t_renamed');
    await connection.query(TABLE);
    await connection.query("SET SESSION sql_mode = 'STRICT_TRANS_TABLES'");
    await connection.query("INSERT INTO t (id, b) VALUES (1, 'q')");
    await connection.query('ALTER TABLE t ADD COLUMN status varchar(20) NOT NULL');
    const [rows] = await connection.query('SELECT status FROM t');
    expect(rows).toEqual([{ status: '' }]);
    await expect(connection.query("INSERT INTO t (id, b) VALUES (2, 'r')")).rejects.toThrow(
      /doesn't have a default value/,
    );
  });

  it('the default lock_wait_timeout is a day on MariaDB (the rule says so)', async () => {
    const [rows] = await connection.query('SELECT @@GLOBAL.lock_wait_timeout AS seconds');
    expect((rows as Array<{ seconds: number }>)[0]?.seconds).toBe(86400);
  });

  it('DDL is not transactional: a ROLLBACK after ALTER does not undo it', async () => {
    await connection.query('DROP TABLE IF EXISTS c, t, t_renamed');
    await connection.query(TABLE);
    await connection.query('START TRANSACTION');
    await connection.query('ALTER TABLE t ADD COLUMN kept int');
    await connection.query('ROLLBACK');
    const [columns] = await connection.query("SHOW COLUMNS FROM t LIKE 'kept'");
    expect(columns).toHaveLength(1);
  });

  it('an INT AUTO_INCREMENT key runs out at 2,147,483,647 (mysql-int-auto-increment-key)', async () => {
    await connection.query('DROP TABLE IF EXISTS c, t, t_renamed, events');
    await connection.query(
      'CREATE TABLE events (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, v int) AUTO_INCREMENT=2147483647',
    );
    await connection.query('INSERT INTO events (v) VALUES (1)');
    await expect(connection.query('INSERT INTO events (v) VALUES (2)')).rejects.toThrow();
    await connection.query('DROP TABLE events');
  });

  it('with foreign_key_checks = 0 an orphan row is accepted and not checked when the checks come back on', async () => {
    await connection.query('DROP TABLE IF EXISTS c, t, t_renamed');
    await connection.query(TABLE);
    await connection.query(
      'CREATE TABLE c (id int PRIMARY KEY, t int, CONSTRAINT c_t FOREIGN KEY (t) REFERENCES t (id))',
    );
    await connection.query('SET foreign_key_checks = 0');
    await connection.query('INSERT INTO c VALUES (1, 999)');
    await connection.query('SET foreign_key_checks = 1');
    const [rows] = await connection.query(
      'SELECT count(*) AS orphans FROM c LEFT JOIN t ON t.id = c.t WHERE t.id IS NULL',
    );
    expect((rows as Array<{ orphans: number }>)[0]?.orphans).toBe(1);
  });
});
