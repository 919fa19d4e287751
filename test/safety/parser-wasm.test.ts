import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadPgQueryParser } from '../../src/sql/pg-query-wasm.js';

type LibPgQuery = typeof import('libpg-query');

/** Whatever a call answers or throws, in a comparable form. */
function outcome(call: () => unknown): unknown {
  try {
    return { value: call() };
  } catch (error) {
    const { name, message } = error as Error;
    return { name, message, details: (error as { sqlDetails?: unknown }).sqlDetails };
  }
}

const QUERIES = [
  'SELECT 1',
  "CREATE TABLE café (id bigint PRIMARY KEY, naïve text DEFAULT 'crème brûlée');\nALTER TABLE café ADD COLUMN 名前 text;",
  'ALTER TABLE t ADD COLUMN x int NOT NULL; SELEC 1;',
  "SELECT 'é' FROM t WHERE x = 'unterminated",
  'CREATE INDEX CONCURRENTLY i ON t (a);  -- trailing comment 🙂',
  `DO $$ BEGIN EXECUTE 'SELECT 1'; END $$;`,
  ' ',
  '',
  `SELECT '${'x'.repeat(200_000)}'`,
];

describe('the parser without the wrapper string handling answers as libpg-query does', () => {
  it('parseSync, scanSync and parsePlPgSQLSync: the same trees, tokens and errors', async () => {
    const direct = await loadPgQueryParser();
    const lib = createRequire(import.meta.url)('libpg-query') as LibPgQuery;
    await lib.loadModule();
    for (const query of QUERIES) {
      expect(
        outcome(() => direct.parseSync(query)),
        query.slice(0, 60),
      ).toEqual(outcome(() => lib.parseSync(query)));
      expect(
        outcome(() => direct.scanSync(query)),
        query.slice(0, 60),
      ).toEqual(outcome(() => lib.scanSync(query)));
    }
    const fn = `CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$;`;
    const broken = `CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1 END $$;`;
    for (const query of [fn, broken]) {
      expect(outcome(() => direct.parsePlPgSQLSync(query))).toEqual(outcome(() => lib.parsePlPgSQLSync(query)));
    }
    // The syntax error keeps the library's details: a 0-based cursor position into the query.
    const failed = outcome(() => direct.parseSync('ALTER TABLE t ADD COLUMN x int NOT NULL; SELEC 1;')) as {
      details: { cursorPosition: number };
    };
    expect(failed.details.cursorPosition).toBe('ALTER TABLE t ADD COLUMN x int NOT NULL; '.length);
  });
});
