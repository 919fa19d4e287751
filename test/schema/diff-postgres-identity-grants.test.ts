import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectPostgres } from '../../src/schema/introspect/postgres.js';
import { PgliteShadow } from '../../src/shadow/pglite.js';
import { type Database, ROLES, roundTrip, S0 } from './identity-grants-case.js';

/** Identity options, sequences and grants on PGlite; the server runs the same case in diff-postgres-server.test.ts. */

const RESET = 'DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public';

describe('identity options, sequences and grants on PGlite', { timeout: 300_000 }, () => {
  const shadows: PgliteShadow[] = [];
  beforeAll(async () => {
    for (let index = 0; index < 3; index++) shadows.push(await PgliteShadow.open());
    await shadows[0]?.exec(ROLES);
  }, 300_000);
  afterAll(async () => {
    await Promise.all(shadows.map((shadow) => shadow.close()));
  });

  it('introspects identity options and grants, diffs them into exact statements and round-trips', async () => {
    const databases = shadows.map(
      (db): Database => ({
        async reset(sql) {
          await db.exec(`${RESET}; ${ROLES}; ${sql}`);
          return introspectPostgres(db);
        },
        apply: async (statements) => {
          for (const statement of statements) await db.exec(statement);
        },
        introspect: () => introspectPostgres(db),
      }),
    ) as [Database, Database, Database];
    const s0 = await databases[0].reset(S0);
    const orders = s0.tables.find((table) => table.name === 'orders');
    expect(orders?.columns[0]?.identityOptions).toMatchObject({ start: '100', increment: '10', type: 'integer' });
    expect(orders?.grants).toEqual([
      { grantee: 'dma_test_reader', privilege: 'INSERT' },
      { grantee: 'dma_test_reader', privilege: 'SELECT' },
      { grantee: 'dma_test_reader', privilege: 'UPDATE', grantable: true },
    ]);
    expect(s0.sequences.find((sequence) => sequence.name === 'ledger_n_seq')?.ownedBy).toBe('ledger.n');
    await roundTrip(databases);
  });
});
