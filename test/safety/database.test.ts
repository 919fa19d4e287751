import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDatabaseFacts } from '../../src/safety/database.js';
import { checkSqlInputs } from '../../src/safety/run.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';

const availability = await postgresAvailable();
const schema = uniqueName('dma_rows');

describe.skipIf(!availability.available)('row counts and schema from a live database (read-only)', () => {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(
      `CREATE TABLE ${schema}.events (id bigint PRIMARY KEY, kind varchar(20) NOT NULL, at timestamptz DEFAULT now())`,
    );
    await admin.query(`INSERT INTO ${schema}.events SELECT g, 'k', now() FROM generate_series(1, 5000) g`);
    await admin.query(`ANALYZE ${schema}.events`);
    await admin.query(`CREATE TABLE ${schema}.never_analyzed (id int)`);
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('reads reltuples and columns, and unknown sizes stay unknown', async () => {
    const facts = await readDatabaseFacts(POSTGRES_URL);
    expect(facts.rowCounts[`${schema}.events`]).toBe(5000);
    expect(facts.rowCounts[`${schema}.never_analyzed`]).toBeUndefined();
    const events = facts.snapshot.tables.find((table) => table.name === `${schema}.events`);
    expect(events?.columns).toEqual([
      { name: 'id', type: 'int8', notNull: true, hasDefault: false },
      { name: 'kind', type: 'varchar(20)', notNull: true, hasDefault: false },
      { name: 'at', type: 'timestamptz', notNull: false, hasDefault: true },
    ]);
  });

  it('feeds the check: large-table threshold from real sizes, unknown columns from the real schema', async () => {
    const sql = `CREATE INDEX i ON ${schema}.events (kind);\nALTER TABLE ${schema}.events DROP COLUMN nope;`;
    const result = await checkSqlInputs([{ file: 'm.sql', sql }], { databaseUrl: POSTGRES_URL, largeTableRows: 1000 });
    const findings = result.files[0]?.findings ?? [];
    // Whichever finding covers the index build (a rule's or large-table-lock) carries the size and the estimate.
    const indexBuild = findings.filter(
      (finding) => finding.statementIndex === 0 && finding.estimatedLockSeconds !== undefined,
    );
    expect(indexBuild.length).toBeGreaterThan(0);
    expect(indexBuild.every((finding) => finding.severity === 'error' && finding.message.includes('5,000 rows'))).toBe(
      true,
    );
    expect(findings.map((finding) => finding.ruleId)).toContain('unknown-column');
  });

  it('the connection refuses writes by setting, whatever the SQL text', async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, options: '-c default_transaction_read_only=on' });
    await client.connect();
    try {
      await expect(client.query(`INSERT INTO ${schema}.events (id, kind) VALUES (-1, 'x')`)).rejects.toThrow(
        /read-only transaction/,
      );
    } finally {
      await client.end();
    }
  });

  it('an unreachable database is a UserError with a fix', async () => {
    await expect(readDatabaseFacts('postgres://postgres@127.0.0.1:1/none')).rejects.toMatchObject({
      code: 'database-unreachable',
    });
  });
});
