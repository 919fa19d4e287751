import { describe, expect, it } from 'vitest';
import { queryRelations } from '../../src/safety/query-relations.js';
import { parsePostgres } from '../../src/sql/postgres.js';

async function relationsOf(sql: string): Promise<string[]> {
  const [statement] = await parsePostgres(sql);
  return queryRelations(statement?.ast).sort();
}

describe('queryRelations', () => {
  it('leaves out the names of WITH queries, though the WITH comes after the FROM in the tree', async () => {
    expect(
      await relationsOf('WITH recent AS (SELECT id FROM orders) SELECT * FROM recent JOIN users u ON true'),
    ).toEqual(['public.orders', 'public.users']);
  });

  it('does not take FOR UPDATE OF an alias for a relation', async () => {
    expect(await relationsOf('SELECT * FROM parents p JOIN children c ON true FOR UPDATE OF p')).toEqual([
      'public.children',
      'public.parents',
    ]);
  });
});
