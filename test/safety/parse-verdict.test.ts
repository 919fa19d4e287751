import { describe, expect, it } from 'vitest';
import { parseVerdict } from '../../src/sql/parse-verdict.js';
import { parseStatement } from '../../src/sql/sql-parser.js';

/**
 * The shape cache in front of node-sql-parser: statements that differ only in digits and quoted contents share a
 * verdict, and the verdict is always the one parsing the statement itself gives.
 */

const direct = (sql: string, dialect: 'mysql' | 'sqlite') => {
  const parsed = parseStatement(sql, dialect);
  return 'ast' in parsed ? { hasWhere: parsed.ast.where != null } : parsed;
};

/** Groups of statements of one shape each (the first is parsed, the others answered from the cache). */
const SHAPES: string[][] = [
  [
    "INSERT INTO users (id, name) VALUES (1, 'Ann')",
    "INSERT INTO users (id, name) VALUES (2, 'Bob')",
    "INSERT INTO users (id, name) VALUES (9, 'it''')",
  ],
  ["UPDATE t_1 SET name = 'a' WHERE id = 1", "UPDATE t_2 SET name = 'b' WHERE id = 7"],
  ["DELETE FROM t_1 WHERE note = 'x'", "DELETE FROM t_5 WHERE note = 'y'"],
  // Fails to parse: the position and the character found must be this statement's.
  [
    'ALTER TABLE existing_1 CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
    'ALTER TABLE existing_2 CONVERT TO CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci',
  ],
  [
    'ALTER TABLE `t1` ADD COLUMN `c1` int, ALGORITHM=INSTANT',
    'ALTER TABLE `t2` ADD COLUMN `c9` int, ALGORITHM=INSTANT',
  ],
];

describe('parse verdicts per statement shape', () => {
  for (const group of SHAPES)
    it(`same verdict as parsing each statement: ${group[0]}`, () => {
      for (const sql of group) expect(parseVerdict(sql, 'mysql')).toEqual(direct(sql, 'mysql'));
    });

  it('a WHERE inside a string is not a WHERE, also for a statement answered from the cache', () => {
    expect(parseVerdict("UPDATE t SET note = 'x WHERE y'", 'mysql')).toEqual({ hasWhere: false });
    expect(parseVerdict("UPDATE t SET note = 'a WHERE b'", 'mysql')).toEqual({ hasWhere: false });
    expect(parseVerdict("UPDATE t SET note = 'a' WHERE id=1", 'mysql')).toEqual({ hasWhere: true });
  });

  it('statements with comments are parsed as written every time (a quote in a comment cannot mask code)', () => {
    const first = "ALTER TABLE t ADD COLUMN a int -- it's new";
    const second = "ALTER TABLE t ADD COLUMN a xyz -- it's new";
    expect(parseVerdict(first, 'mysql')).toEqual(direct(first, 'mysql'));
    expect(parseVerdict(second, 'mysql')).toEqual(direct(second, 'mysql'));
  });

  it('dialects keep their own verdicts', () => {
    const sql = 'CREATE TABLE t (id INTEGER PRIMARY KEY) STRICT';
    expect(parseVerdict(sql, 'sqlite')).toEqual(direct(sql, 'sqlite'));
    expect(parseVerdict(sql, 'mysql')).toEqual(direct(sql, 'mysql'));
  });
});
