import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/sources/statements.js';
import { type PgStatement, parsePostgres, parsePostgresBatches, reuseOfferedParses } from '../../src/sql/postgres.js';

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
});
