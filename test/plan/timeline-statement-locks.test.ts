import { describe, expect, it } from 'vitest';
import { parseServerVersion } from '../../src/generate/current-schema.js';
import { mysqlStatementLock, observedCopy, sqliteStatementLock } from '../../src/plan/timeline-statement-locks.js';

/** What a MySQL/MariaDB or SQLite statement blocks, read from its SQL and the server version. */

const mysql57 = parseServerVersion('5.7.44', 'mysql');
const mysql80 = parseServerVersion('8.0.36', 'mysql');
const maria102 = parseServerVersion('10.2.44-MariaDB', 'mariadb');
const maria1011 = parseServerVersion('10.11.6-MariaDB', 'mariadb');

describe('mysqlStatementLock', () => {
  it('names ADD COLUMN instant where the version has it, a rebuild in place before', () => {
    const sql = 'ALTER TABLE `shop`.`orders` ADD COLUMN status varchar(20) NULL';
    expect(mysqlStatementLock(sql, mysql80)).toMatchObject({
      table: 'orders',
      mode: 'INSTANT',
      blocks: 'reads and writes',
    });
    expect(mysqlStatementLock(sql, maria1011)?.mode).toBe('INSTANT');
    expect(mysqlStatementLock(sql, mysql57)).toMatchObject({
      mode: 'INPLACE',
      blocks: 'schema changes',
      work: 'rewrite',
    });
    expect(mysqlStatementLock(sql, maria102)?.mode).toBe('INPLACE');
    // A positioned column is instant only from MySQL 8.0.29.
    expect(mysqlStatementLock(`${sql} AFTER id`, parseServerVersion('8.0.20', 'mysql'))?.mode).toBe('INPLACE');
  });

  it('builds indexes in place (writes blocked only for FULLTEXT), copies for type changes and foreign keys', () => {
    expect(mysqlStatementLock('CREATE INDEX i ON orders (status)', mysql80)).toMatchObject({
      mode: 'INPLACE',
      blocks: 'schema changes',
      work: 'indexBuild',
    });
    expect(mysqlStatementLock('ALTER TABLE posts ADD FULLTEXT INDEX ft (body)', mysql80)).toMatchObject({
      mode: 'INPLACE, LOCK=SHARED',
      blocks: 'writes',
    });
    expect(mysqlStatementLock('ALTER TABLE orders MODIFY COLUMN note text', mysql80)).toMatchObject({
      mode: 'COPY',
      blocks: 'writes',
      work: 'rewrite',
    });
    expect(
      mysqlStatementLock('ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)', mysql80)
        ?.mode,
    ).toBe('COPY');
  });

  it('takes the worst clause of a multi-clause ALTER, and an explicit ALGORITHM over the guess', () => {
    expect(mysqlStatementLock('ALTER TABLE t ADD COLUMN a int, MODIFY b bigint', mysql80)?.mode).toBe('COPY');
    expect(mysqlStatementLock('ALTER TABLE t ADD COLUMN a int, ALGORITHM=INPLACE, LOCK=NONE', mysql80)?.mode).toBe(
      'INPLACE',
    );
  });

  it('reads DML, DROP and a server-reported copy; a new table blocks nobody', () => {
    expect(mysqlStatementLock('UPDATE orders SET status = 1', mysql80)).toMatchObject({
      mode: 'row locks',
      work: 'dml',
    });
    expect(mysqlStatementLock('DROP TABLE legacy', mysql80)?.blocks).toBe('reads and writes');
    expect(mysqlStatementLock('CREATE TABLE t (id int)', mysql80)).toBeUndefined();
    const guessed = mysqlStatementLock('ALTER TABLE orders ADD COLUMN a int', mysql57);
    expect(guessed && observedCopy(guessed, ['the server copied 100 rows (ALGORITHM=COPY: …)']).mode).toBe('COPY');
  });
});

describe('sqliteStatementLock', () => {
  it('holds the database write lock; a rebuild and an index build grow with the rows', () => {
    expect(sqliteStatementLock('INSERT INTO new_orders (id) SELECT id FROM "orders"')).toMatchObject({
      table: 'orders',
      blocks: 'writes',
      work: 'rewrite',
    });
    expect(sqliteStatementLock('CREATE INDEX i ON orders (user_id)')?.work).toBe('indexBuild');
    expect(sqliteStatementLock('ALTER TABLE users ADD COLUMN x text')?.work).toBe('metadata');
    expect(sqliteStatementLock('ALTER TABLE users DROP COLUMN x')?.work).toBe('rewrite');
    expect(sqliteStatementLock('CREATE TABLE t (id integer)')).toBeUndefined();
  });
});
