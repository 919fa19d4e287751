import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrationInputs } from '../../src/safety/migration-inputs.js';
import { checkSqlInputs } from '../../src/safety/run.js';
import { releaseWarmPglite } from '../../src/shadow/pglite.js';
import { runRehearsalRequest } from '../../src/shadow/request.js';
import { readMigrations } from '../../src/sources/index.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../helpers/databases.js';

/**
 * golang-migrate (like dbmate, Diesel and Prisma) sends a migration file as ONE multi-statement query, and
 * PostgreSQL runs such a query as one implicit transaction: CREATE INDEX CONCURRENTLY beside another statement
 * fails there, alone in its file it works. The check and the rehearsal must say so, not "allowed".
 */
const ROOT = path.resolve(import.meta.dirname, '../fixtures/silent-one-query');

afterAll(async () => {
  await releaseWarmPglite();
});

describe('PostgreSQL itself (the premise)', () => {
  let available = false;
  const schema = uniqueName('nss_one_query');
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  beforeAll(async () => {
    available = (await postgresAvailable()).available;
    if (available) await client.connect();
  });
  afterAll(async () => {
    if (!available) return;
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  it('runs a multi-statement simple query as one transaction, so CONCURRENTLY fails and nothing is applied', async (context) => {
    if (!available) return context.skip();
    await client.query(`create schema "${schema}"; set search_path = "${schema}"`);
    await client.query(readFileSync(path.join(ROOT, 'migrations/1_items.up.sql'), 'utf8'));
    const second = readFileSync(path.join(ROOT, 'migrations/2_sku_index.up.sql'), 'utf8');
    await expect(client.query(second)).rejects.toThrow(
      /CREATE INDEX CONCURRENTLY cannot run inside a transaction block/,
    );
    const columns = await client.query(
      `select column_name from information_schema.columns where table_schema = $1 and table_name = 'items'`,
      [schema],
    );
    expect(columns.rows.map((row) => row.column_name).sort()).toEqual(['id', 'sku']);
    // Alone in its file, the same kind of statement is not in a transaction block.
    await client.query(
      readFileSync(path.join(ROOT, 'migrations/3_name_index.up.sql'), 'utf8').replace('(name)', '(sku)'),
    );
  });
});

describe('check and rehearsal follow the tool', () => {
  it('golang-migrate migrations are read as sent in one query', async () => {
    const result = await readMigrations(ROOT, { engine: 'postgresql' });
    expect(result.migrations.map((migration) => migration.execution)).toEqual(['one-query', 'one-query', 'one-query']);
  });

  it('check reports CONCURRENTLY beside another statement as failing, and alone as fine', async () => {
    const loaded = await loadMigrationInputs(ROOT, ['migrations']);
    expect(loaded.inputs.map((input) => [input.file, input.inTransaction])).toEqual([
      ['migrations/1_items.up.sql', false],
      ['migrations/2_sku_index.up.sql', true],
      ['migrations/3_name_index.up.sql', false],
    ]);
    const result = await checkSqlInputs(loaded.inputs, { root: ROOT });
    const concurrently = result.files.map((file) =>
      file.findings.filter((finding) => finding.ruleId === 'concurrently-in-transaction').map((f) => f.span.start.line),
    );
    expect(concurrently).toEqual([[], [2], []]);
    expect(result.notes.join('\n')).toMatch(
      /2_sku_index\.up\.sql: golang-migrate sends the file as one query, and PostgreSQL runs its statements as one implicit transaction/,
    );
  });

  it('the rehearsal runs the file as one transaction and fails where PostgreSQL fails', async () => {
    const report = await runRehearsalRequest({ projectRoot: ROOT, migration: 'migrations/2_sku_index.up.sql' });
    expect(report.outcome).toBe('failed');
    expect(report.failure?.message).toMatch(/cannot run inside a transaction block/);
    expect(report.migration.transactional).toBe(true);
    const alone = await runRehearsalRequest({ projectRoot: ROOT, migration: 'migrations/3_name_index.up.sql' });
    expect(alone.outcome).toBe('passed');
  });
});
