import { readdirSync, readFileSync } from 'node:fs';
import * as libpg from 'libpg-query';
import { describe, expect, it } from 'vitest';
import { loadPostgresParser, parsePostgres } from '../../src/sql/postgres.js';
import { lexAscii } from '../../src/sql/tokens.js';

/** The JavaScript lexer the fix builders use must cut ASCII statements exactly where PostgreSQL's scanner does. */

const CORPUS = new URL('../fixtures/pg-corpus/', import.meta.url);

function boundaries(sql: string): { mine: string[]; real: string[] } {
  const real = libpg
    .scanSync(sql)
    .tokens.filter((token) => token.tokenName !== 'SQL_COMMENT' && token.tokenName !== 'C_COMMENT')
    .map((token) => sql.slice(token.start, token.end));
  const mine = (lexAscii(sql) ?? []).map((token) => sql.slice(token.start, token.end));
  return { mine, real };
}

const TRICKY = [
  'ALTER TABLE t ADD COLUMN c numeric(10, 2) NOT NULL DEFAULT 1.5e-3 CHECK (c >= -1)',
  "ALTER TABLE t ALTER COLUMN c TYPE text[] USING c::text || E'\\\\x''y' || $q$ a;b $q$",
  'CREATE TABLE "we""ird" (id int /* a /* nested */ comment */, -- line comment\n x varchar(20))',
  "INSERT INTO t VALUES ($1, .5, 0x1F, B'101', X'ff', U&'d\\0061t', 'it''s')",
  "SELECT a->>'k', b #> '{x}', c @> d, e <> f, g != h, arr[1:2] FROM t WHERE x ~* '^a'",
];

describe('lexAscii', () => {
  it('matches the PostgreSQL scanner on tricky statements', async () => {
    await loadPostgresParser();
    for (const sql of TRICKY) {
      const { mine, real } = boundaries(sql);
      expect(mine).toEqual(real);
    }
  });

  it('matches the PostgreSQL scanner on every ASCII statement of the corpus', async () => {
    let compared = 0;
    for (const name of readdirSync(CORPUS).filter((file) => file.endsWith('.sql'))) {
      const text = readFileSync(new URL(name, CORPUS), 'utf8');
      for (const statement of await parsePostgres(text, name)) {
        if (lexAscii(statement.sql) === undefined) continue;
        const { mine, real } = boundaries(statement.sql);
        expect(mine, `${name}: ${statement.sql.slice(0, 80)}`).toEqual(real);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(90);
  });

  it('leaves non-ASCII text to the real scanner', () => {
    expect(lexAscii("SELECT 'café'")).toBeUndefined();
    expect(lexAscii('CREATE TABLE "Ωmega" (id int)')).toBeUndefined();
    expect(lexAscii('SELECT 1')?.length).toBe(2);
  });
});
