import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPlannerRowEstimates } from '../../src/engines/postgresql/row-estimates.js';
import { readDatabaseFacts } from '../../src/safety/database.js';
import { readTargetRowCounts } from '../../src/shadow/target-stats.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';

const postgres = await postgresAvailable();

describe.skipIf(!postgres.available)('planner row estimates, read once for the checker and the rehearsal', () => {
  const schema = uniqueName('row_estimates');
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`CREATE TABLE ${schema}.analyzed AS SELECT generate_series(1, 1234) AS id`);
    await client.query(`ANALYZE ${schema}.analyzed`);
    await client.query(`CREATE TABLE ${schema}.never_analyzed (id int)`);
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  });

  it('gives the estimate of an analyzed table and none for a table without statistics', async () => {
    const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    const ours = (await readPlannerRowEstimates(client)).filter((estimate) => estimate.schema === schema);
    expect(ours.find((estimate) => estimate.table === 'analyzed')?.rows).toBe(1234);
    // PostgreSQL 14+ says -1 (unknown); older servers say 0.
    const unknown = Number(rows[0]?.server_version_num ?? 0) >= 140000 ? undefined : 0;
    expect(ours.find((estimate) => estimate.table === 'never_analyzed')?.rows).toBe(unknown);
  });

  it('check (readDatabaseFacts) and rehearse (readTargetRowCounts) report the same numbers', async () => {
    const facts = await readDatabaseFacts(POSTGRES_URL);
    const target = await readTargetRowCounts(POSTGRES_URL, 'postgresql');
    expect(facts.rowCounts[`${schema}.analyzed`]).toBe(1234);
    expect(target.get(`${schema}.analyzed`)).toBe(1234);
    // Unknown is not zero: a rehearsal must not extrapolate from "0 rows" for a table it knows nothing about.
    expect(target.has(`${schema}.never_analyzed`)).toBe(facts.rowCounts[`${schema}.never_analyzed`] !== undefined);
  });
});
