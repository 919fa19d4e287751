import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSchemas } from '../../src/schema/diff/diff.js';
import { diffSources } from '../../src/schema/diff-sources.js';
import { introspectPostgres } from '../../src/schema/introspect/postgres.js';
import type { Schema } from '../../src/schema/model.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';
import { type Database, ROLES, roundTrip } from './identity-grants-case.js';

const server = await postgresAvailable();
const RICH = readFileSync(new URL('../fixtures/schema-diff/rich-postgres.sql', import.meta.url), 'utf8');

function urlOf(database: string): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  return url.href;
}

describe.skipIf(!server.available)('schema diff on the PostgreSQL server', { timeout: 300_000 }, () => {
  const names = [uniqueName('dma_diff_a'), uniqueName('dma_diff_b'), uniqueName('dma_diff_c')];
  const clients: pg.Client[] = [];
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    for (const name of names) {
      await admin.query(`CREATE DATABASE ${name}`);
      const client = new pg.Client({ connectionString: urlOf(name) });
      await client.connect();
      clients.push(client);
    }
  });
  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => undefined);
    for (const name of names) await admin?.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    await admin?.end();
  });

  async function reset(client: pg.Client, sql: string): Promise<Schema> {
    await client.query(
      'DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS billing CASCADE; CREATE SCHEMA public',
    );
    for (const type of ['mood', 'email']) await client.query(`DROP TYPE IF EXISTS ${type} CASCADE`);
    if (sql) await client.query(sql);
    return introspect(client);
  }

  function introspect(client: pg.Client): Promise<Schema> {
    return introspectPostgres({ query: async (sql, params) => (await client.query(sql, params)).rows });
  }

  async function apply(client: pg.Client, statements: string[]): Promise<void> {
    for (const statement of statements) await client.query(statement);
  }

  it('up and down of the rich schema restore it exactly', async () => {
    const [a, b, c] = clients as [pg.Client, pg.Client, pg.Client];
    const empty = await reset(a, '');
    const rich = await reset(b, RICH);
    expect(diffSchemas(rich, rich).operations).toEqual([]);
    await reset(c, '');
    await apply(
      c,
      diffSchemas(empty, rich).operations.flatMap((op) => op.sql),
    );
    expect(diffSchemas(await introspect(c), rich).operations).toEqual([]);
    await apply(
      c,
      diffSchemas(rich, empty).operations.flatMap((op) => op.sql),
    );
    expect(diffSchemas(await introspect(c), empty).operations).toEqual([]);
  });

  it('diffs identity options, sequences and grants into exact statements and round-trips them', async () => {
    await admin.query(ROLES);
    const databases = clients.map(
      (client): Database => ({
        reset: (sql) => reset(client, sql),
        apply: (statements) => apply(client, statements),
        introspect: () => introspect(client),
      }),
    ) as [Database, Database, Database];
    await roundTrip(databases);
  });

  it('property: applying diff(S0, S1) to S0 gives S1', async () => {
    const [a, b, c] = clients as [pg.Client, pg.Client, pg.Client];
    const column = fc.record({
      type: fc.constantFrom('int4', 'int8', 'text', 'varchar(20)', 'numeric(10,2)'),
      notNull: fc.boolean(),
      indexed: fc.boolean(),
    });
    const schema = fc
      .tuple(fc.array(column, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean())
      .map(([columns, view, second]) => {
        const statements = [
          `CREATE TABLE t1 (id int PRIMARY KEY, ${columns.map((col, i) => `c${i} ${col.type}${col.notNull ? ' NOT NULL' : ''}`).join(', ')})`,
          ...columns.flatMap((col, i) => (col.indexed ? [`CREATE INDEX t1_c${i} ON t1 (c${i})`] : [])),
        ];
        if (view) statements.push('CREATE VIEW t1_v AS SELECT * FROM t1');
        if (second) statements.push('CREATE TABLE t2 (id int REFERENCES t1 (id), note text)');
        return statements.join(';\n');
      });
    await fc.assert(
      fc.asyncProperty(schema, schema, async (ddl0, ddl1) => {
        const s0 = await reset(a, ddl0);
        const s1 = await reset(b, ddl1);
        await reset(c, ddl0);
        await apply(
          c,
          diffSchemas(s0, s1).operations.flatMap((op) => op.sql),
        );
        expect(diffSchemas(await introspect(c), s1).operations).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  it('reads a database as a source over a read-only connection (drift against a schema file)', async () => {
    const [a] = clients as [pg.Client];
    await reset(a, 'CREATE TABLE accounts (id int PRIMARY KEY, note text)');
    const dir = mkdtempSync(path.join(tmpdir(), 'dma-drift-'));
    try {
      writeFileSync(path.join(dir, 'schema.sql'), 'CREATE TABLE accounts (id int PRIMARY KEY);');
      const result = await diffSources({ root: dir, from: `db:${urlOf(names[0] ?? '')}`, to: 'sql:schema.sql' });
      expect(result.diff.operations.map((op) => `${op.kind} ${op.object} ${op.safety}`)).toEqual([
        'drop-column accounts.note dangerous',
      ]);
      // The database was only read: the column is still there.
      expect((await a.query("SELECT 1 FROM information_schema.columns WHERE column_name = 'note'")).rowCount).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
