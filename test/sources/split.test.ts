import Database from 'better-sqlite3';
import fc from 'fast-check';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { splitSql } from '../../src/sql/split.js';
import { MYSQL_URL, mysqlAvailable, uniqueName } from '../helpers/databases.js';

const MYSQL_SCRIPT = `-- a comment; with a semicolon
CREATE TABLE t (id int PRIMARY KEY, note varchar(50) DEFAULT 'a;b', \`odd;name\` int);
# hash comment ; here
INSERT INTO t (id, note) VALUES (1, 'it''s; \\'quoted\\''), (2, "double;quoted");
/* block ; comment */
DELIMITER //
CREATE PROCEDURE bump()
BEGIN
  UPDATE t SET id = id + 10;
  SELECT 1;
END //
DELIMITER ;
CREATE TRIGGER t_note BEFORE INSERT ON t FOR EACH ROW
BEGIN
  IF NEW.note IS NULL THEN
    SET NEW.note = 'x';
  END IF;
END;
CALL bump();
`;

const SQLITE_SCRIPT = `CREATE TABLE log (id integer PRIMARY KEY, message text);
CREATE TABLE item (id integer PRIMARY KEY, name text);
CREATE TRIGGER item_log AFTER INSERT ON item
BEGIN
  INSERT INTO log (message) VALUES ('added; ' || NEW.name);
  UPDATE log SET message = CASE WHEN message IS NULL THEN 'none' ELSE message END;
END;
INSERT INTO item (name) VALUES ('first');
-- trailing comment`;

describe('splitSql', () => {
  it('MySQL: quotes, comments, backticks, DELIMITER blocks and BEGIN…END bodies, with positions', () => {
    const statements = splitSql(MYSQL_SCRIPT, 'mysql');
    expect(statements.map((statement) => [statement.span.start.line, statement.sql.split('\n')[0]])).toEqual([
      [2, "CREATE TABLE t (id int PRIMARY KEY, note varchar(50) DEFAULT 'a;b', `odd;name` int)"],
      [4, "INSERT INTO t (id, note) VALUES (1, 'it''s; \\'quoted\\''), (2, \"double;quoted\")"],
      [7, 'CREATE PROCEDURE bump()'],
      [13, 'CREATE TRIGGER t_note BEFORE INSERT ON t FOR EACH ROW'],
      [19, 'CALL bump()'],
    ]);
    expect(statements[2]?.sql.endsWith('END')).toBe(true);
    expect(statements[3]?.sql.endsWith('END IF;\nEND')).toBe(true);
    for (const statement of statements)
      expect(MYSQL_SCRIPT.slice(statement.offset.start, statement.offset.end)).toBe(statement.sql);
  });

  it('MySQL: every statement runs on a real MariaDB', async () => {
    if (!(await mysqlAvailable()).available) return;
    const database = uniqueName('split');
    const connection = await mysql.createConnection({ uri: MYSQL_URL });
    await connection.query(`CREATE DATABASE \`${database}\``);
    try {
      await connection.query(`USE \`${database}\``);
      for (const statement of splitSql(MYSQL_SCRIPT, 'mysql')) await connection.query(statement.sql);
      const [rows] = await connection.query('SELECT id, note FROM t ORDER BY id');
      expect(rows).toEqual([
        { id: 11, note: "it's; 'quoted'" },
        { id: 12, note: 'double;quoted' },
      ]);
    } finally {
      await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await connection.end();
    }
  });

  it('SQLite: trigger bodies (with CASE … END inside) stay whole, and each statement runs', () => {
    const statements = splitSql(SQLITE_SCRIPT, 'sqlite');
    expect(statements.map((statement) => statement.span.start.line)).toEqual([1, 2, 3, 8]);
    const database = new Database(':memory:');
    for (const statement of statements) database.exec(statement.sql);
    expect(database.prepare('SELECT message FROM log').all()).toEqual([{ message: 'added; first' }]);
    database.close();
  });

  it('generic text keeps PostgreSQL dollar-quoted bodies whole', () => {
    const statements = splitSql(
      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\nSELECT 'x;y';",
      'generic',
    );
    expect(statements.map((statement) => statement.sql)).toEqual([
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql',
      "SELECT 'x;y'",
    ]);
  });

  it('never throws and returns ranges inside the input, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.constantFrom('mysql' as const, 'sqlite' as const, 'generic' as const),
        (text, dialect) => {
          for (const statement of splitSql(text, dialect)) {
            expect(statement.offset.start).toBeGreaterThanOrEqual(0);
            expect(statement.offset.end).toBeLessThanOrEqual(text.length);
            expect(text.slice(statement.offset.start, statement.offset.end)).toBe(statement.sql);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
