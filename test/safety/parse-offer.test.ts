import { describe, expect, it, vi } from 'vitest';
import { splitStatements } from '../../src/sources/statements.js';
import {
  loadPostgresParser,
  type PgStatement,
  parsePostgres,
  parsePostgresBatches,
  reuseOfferedParses,
} from '../../src/sql/postgres.js';
import { splitSql } from '../../src/sql/split.js';

const SQL = 'CREATE TABLE a (id bigint PRIMARY KEY);\n-- note\nALTER TABLE a ADD COLUMN b text;\n';

async function batched(sql: string): Promise<PgStatement[]> {
  const statements: PgStatement[] = [];
  for await (const batch of await parsePostgresBatches(sql)) statements.push(...batch);
  return statements;
}

describe("the check takes the parse a format's reader made of the same migration (one-shot check)", () => {
  it('parses again while reuse is off (the MCP server)', async () => {
    const split = await parsePostgres(SQL, 'up.sql', true);
    const checked = await batched(SQL);
    expect(checked).toEqual(split);
    expect(checked[0]?.ast).not.toBe(split[0]?.ast);
  });

  it("once on, the next parse of the same text gets the reader's trees, once; later parses start afresh", async () => {
    reuseOfferedParses();
    const offered = await parsePostgres(SQL, 'up.sql', true);
    const statements = await splitStatements(SQL, 'postgresql', 'up.sql');
    expect(statements.map((statement) => statement.sql)).toEqual([
      'CREATE TABLE a (id bigint PRIMARY KEY)',
      'ALTER TABLE a ADD COLUMN b text',
    ]);
    expect(statements[0]).not.toHaveProperty('ast');
    const taken = await batched(SQL);
    expect(taken).toHaveLength(2);
    taken.forEach((statement, index) => {
      expect(statement.ast).toBe(offered[index]?.ast);
    });
    // The taker is the trees' only user: the next parse of the text does not share them.
    const again = await parsePostgres(SQL);
    expect(again).toEqual(taken);
    expect(again[0]?.ast).not.toBe(taken[0]?.ast);
  });

  it('a different text is parsed on its own, and an empty text yields no batch', async () => {
    await splitStatements(SQL, 'postgresql', 'up.sql');
    const other = await batched('DROP TABLE a;');
    expect(other.map((statement) => statement.sql)).toEqual(['DROP TABLE a']);
    expect(await batched('  \n')).toEqual([]);
    expect(await parsePostgres(SQL)).toHaveLength(2);
  });

  it('a folder whose format names no engine: read once as PostgreSQL, the check takes that parse', async () => {
    reuseOfferedParses();
    const parser = await loadPostgresParser();
    const parses = vi.spyOn(parser, 'parseSync');
    try {
      const text = 'CREATE TABLE z (id bigint);\nALTER TABLE z ADD COLUMN c text;\n';
      const statements = await splitStatements(text, undefined, 'up.sql');
      expect(statements.map((statement) => statement.sql)).toEqual([
        'CREATE TABLE z (id bigint)',
        'ALTER TABLE z ADD COLUMN c text',
      ]);
      expect(parses).toHaveBeenCalledTimes(1);
      expect(await batched(text)).toHaveLength(2);
      expect(parses).toHaveBeenCalledTimes(1);
    } finally {
      parses.mockRestore();
    }
  });

  it('text PostgreSQL cannot parse is split as before (its syntax error is for the check to report)', async () => {
    reuseOfferedParses();
    const mysql = 'CREATE TABLE `a` (id int) ENGINE=InnoDB;\nALTER TABLE `a` ADD COLUMN b int;\n';
    expect(await splitStatements(mysql, undefined, 'up.sql')).toEqual(splitSql(mysql, 'generic'));
  });
});
