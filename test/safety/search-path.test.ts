import { describe, expect, it } from 'vitest';
import { validatePostgres } from '../../src/safety/engine.js';

/**
 * supabase/storage's runner sets search_path, and its migrations name storage's tables without the schema:
 * `SET search_path TO storage, public; ALTER TABLE objects …` alters storage.objects, which exists.
 */
const HISTORY = [
  {
    sql: 'CREATE SCHEMA storage;\nCREATE TABLE storage.objects (id bigint PRIMARY KEY, name text);\nCREATE TABLE accounts (id bigint);',
  },
];

async function unknown(sql: string): Promise<string[]> {
  const report = await validatePostgres(sql, { catalog: { history: HISTORY } });
  return report.findings
    .filter((f) => f.ruleId === 'unknown-table' || f.ruleId === 'unknown-column')
    .map((f) => f.message);
}

describe('unqualified names through SET search_path', () => {
  it('finds a table in a schema of the search path', async () => {
    expect(await unknown('SET search_path TO storage, public;\nALTER TABLE objects ADD COLUMN extra text;')).toEqual(
      [],
    );
    expect(await unknown("SET search_path = '$user', storage;\nUPDATE objects SET name = 'x';")).toEqual([]);
    // public stays reachable when the path names it.
    expect(await unknown('SET search_path TO storage, public;\nALTER TABLE accounts ADD COLUMN note text;')).toEqual(
      [],
    );
  });

  it('still reports a table no schema of the path has, and columns of the table it resolves to', async () => {
    expect(await unknown('SET search_path TO storage, public;\nALTER TABLE nowhere ADD COLUMN x int;')).toHaveLength(1);
    expect(await unknown('SET search_path TO storage;\nUPDATE objects SET missing = 1;')).toEqual([
      expect.stringContaining('Column missing does not exist in table storage.objects'),
    ]);
  });

  it('without SET search_path an unqualified name is public', async () => {
    expect(await unknown('ALTER TABLE objects ADD COLUMN extra text;')).toHaveLength(1);
    // SET LOCAL outside a transaction block changes nothing; RESET goes back to the default.
    expect(await unknown('SET LOCAL search_path TO storage;\nALTER TABLE objects ADD COLUMN extra text;')).toHaveLength(
      1,
    );
    expect(
      await unknown('SET search_path TO storage;\nRESET search_path;\nALTER TABLE objects ADD COLUMN extra text;'),
    ).toHaveLength(1);
    // SET LOCAL lasts until the end of its transaction.
    expect(
      await unknown(
        'BEGIN;\nSET LOCAL search_path TO storage;\nALTER TABLE objects ADD COLUMN a text;\nCOMMIT;\nALTER TABLE objects ADD COLUMN b text;',
      ),
    ).toEqual([expect.stringContaining('Table objects does not exist')]);
  });
});
