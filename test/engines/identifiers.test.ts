import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { quoteIdentifier as quoteMysql } from '../../src/engines/mysql/identifiers.js';
import { identifier, quoteIdentifier as quotePostgres } from '../../src/engines/postgresql/identifiers.js';
import { quoteIdentifier as quoteSqlite } from '../../src/engines/sqlite/identifiers.js';
import { MYSQL_URL, mysqlAvailable, uniqueName } from '../helpers/databases.js';

const AWKWARD = ['Mixed Case', 'say "hi"', 'back`tick', 'select', 'ünïcode'];
const mysql = await mysqlAvailable();

describe('identifier quoting, one helper per engine', () => {
  it('PostgreSQL: quoted names round-trip through the server exactly', async () => {
    const db = await PGlite.create();
    try {
      for (const name of AWKWARD) {
        await db.exec(`CREATE TABLE ${quotePostgres(name)} (${quotePostgres(name)} int)`);
        const { rows } = await db.query<{ attname: string }>(
          'SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0',
          [quotePostgres(name)],
        );
        expect(rows).toEqual([{ attname: name }]);
      }
    } finally {
      await db.close();
    }
  });

  it('PostgreSQL: quotes only when needed in SQL shown to people', () => {
    expect(identifier('orders')).toBe('orders');
    expect(identifier('user')).toBe('"user"');
    expect(identifier('Orders')).toBe('"Orders"');
    expect(identifier('a"b')).toBe('"a""b"');
  });

  it('SQLite: quoted names round-trip exactly', () => {
    const db = new Database(':memory:');
    try {
      for (const name of AWKWARD) {
        db.exec(`CREATE TABLE ${quoteSqlite(name)} (${quoteSqlite(name)} int)`);
        const columns = db.prepare(`PRAGMA table_info(${quoteSqlite(name)})`).all() as { name: string }[];
        expect(columns.map((column) => column.name)).toEqual([name]);
      }
    } finally {
      db.close();
    }
  });

  it.skipIf(!mysql.available)('MySQL/MariaDB: quoted names round-trip exactly', async () => {
    const { default: mysql2 } = await import('mysql2/promise');
    const connection = await mysql2.createConnection({ uri: MYSQL_URL });
    const database = uniqueName('quoting');
    try {
      await connection.query(`CREATE DATABASE ${quoteMysql(database)}`);
      for (const name of AWKWARD) {
        await connection.query(`CREATE TABLE ${quoteMysql(database)}.${quoteMysql(name)} (${quoteMysql(name)} int)`);
        const [rows] = await connection.query(
          'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
          [database, name],
        );
        expect(rows).toEqual([{ name }]);
      }
    } finally {
      await connection.query(`DROP DATABASE IF EXISTS ${quoteMysql(database)}`);
      await connection.end();
    }
  });
});
