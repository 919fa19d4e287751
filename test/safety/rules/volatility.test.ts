import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NON_VOLATILE_FUNCTIONS, VOLATILE_FUNCTIONS } from '../../../src/safety/rules/ast.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../../helpers/databases.js';
import { findingsOf } from './run.js';

/**
 * The function lists behind add-column-volatile-default are checked against the server's pg_proc, and the
 * rewrite they predict against relfilenode: a volatile default rewrites the table, a stable one does not.
 */
describe('default-expression volatility, verified on the PostgreSQL server', async () => {
  const availability = await postgresAvailable();
  let client: pg.Client;
  beforeAll(async () => {
    if (!availability.available) return;
    client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5_000 });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  async function volatility(names: Iterable<string>): Promise<Map<string, Set<string>>> {
    const result = await client.query<{ proname: string; provolatile: string }>(
      "SELECT proname, provolatile FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace AND proname = ANY($1)",
      [[...names]],
    );
    const map = new Map<string, Set<string>>();
    for (const row of result.rows) map.set(row.proname, (map.get(row.proname) ?? new Set()).add(row.provolatile));
    return map;
  }

  it.skipIf(!availability.available)(
    'every listed volatile built-in is VOLATILE in pg_proc (those this server has)',
    async () => {
      const found = await volatility(VOLATILE_FUNCTIONS);
      expect(found.size).toBeGreaterThan(8);
      for (const [name, kinds] of found) expect([name, [...kinds]]).toEqual([name, ['v']]);
    },
  );

  it.skipIf(!availability.available)('no listed non-volatile built-in is VOLATILE in pg_proc', async () => {
    const found = await volatility(NON_VOLATILE_FUNCTIONS);
    expect(found.size).toBeGreaterThan(20);
    for (const [name, kinds] of found) expect([name, kinds.has('v')]).toEqual([name, false]);
  });

  const defaults: Array<[expression: string, type: string, rewrites: boolean]> = [
    ['random()', 'float8', true],
    ['clock_timestamp()', 'timestamptz', true],
    ['gen_random_uuid()', 'uuid', true],
    ['now()', 'timestamptz', false],
    ['statement_timestamp()', 'timestamptz', false],
    ['txid_current()', 'bigint', false],
    ["'x'::text", 'text', false],
  ];
  for (const [expression, type, rewrites] of defaults) {
    it.skipIf(!availability.available)(
      `DEFAULT ${expression} ${rewrites ? 'rewrites the table and is flagged' : 'keeps the table and passes'}`,
      async () => {
        const schema = uniqueName('volatile');
        await client.query(
          `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id bigint); INSERT INTO ${schema}.t SELECT generate_series(1, 100);`,
        );
        try {
          const file = async () =>
            (
              await client.query<{ f: string }>(
                `SELECT relfilenode::text AS f FROM pg_class WHERE oid = '${schema}.t'::regclass`,
              )
            ).rows[0]?.f;
          const before = await file();
          await client.query(`ALTER TABLE ${schema}.t ADD COLUMN c ${type} DEFAULT ${expression}`);
          expect((await file()) !== before).toBe(rewrites);
          const found = await findingsOf(
            'add-column-volatile-default',
            `ALTER TABLE t ADD COLUMN c text DEFAULT ${expression};`,
          );
          expect(found.length > 0).toBe(rewrites);
        } finally {
          await client.query(`DROP SCHEMA ${schema} CASCADE`);
        }
      },
    );
  }
});
