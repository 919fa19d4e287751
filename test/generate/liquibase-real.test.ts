import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/generate/changes.js';
import { generateMigration } from '../../src/generate/generate.js';
import { compareSchemas, renderSchemaChanges } from '../../src/schema/compare.js';
import type { Schema } from '../../src/schema/model.js';
import { PostgresShadow } from '../../src/shadow/postgres.js';
import { readMigrations } from '../../src/sources/index.js';
import { POSTGRES_URL, postgresAvailable } from '../helpers/databases.js';
import { applyMigration, fixtureCopy, removeTemporaryProjects } from './sql-writers-helpers.js';

/**
 * Liquibase itself (the `liquibase` devDependency: Liquibase 4.28 with its JDBC drivers, run on the machine's Java)
 * as the oracle for our Liquibase reader and writer: the fixture's XML, YAML, JSON and formatted-SQL changelogs
 * applied by Liquibase give the schema our reader's SQL gives; the migrations generate_migration adds are applied
 * by `liquibase update`, undone by `liquibase rollback-count`, and applied again, each time to the expected schema.
 */

const run = promisify(execFile);
const LIQUIBASE = path.resolve('node_modules/liquibase/dist/liquibase/liquibase');
const RESOURCES = 'src/main/resources';
const MASTER = 'db/changelog/db.changelog-master.xml';

const postgres = await postgresAvailable();
const java = await run('java', ['-version']).then(
  () => true,
  () => false,
);
const missing = !postgres.available
  ? postgres.reason
  : !java
    ? 'no java on PATH'
    : !existsSync(LIQUIBASE)
      ? `${LIQUIBASE} is missing (npm ci)`
      : undefined;
if (missing) {
  if (process.env.CI === 'true') throw new Error(`Liquibase test cannot run under CI: ${missing}`);
  console.warn(`SKIP real Liquibase: ${missing}`);
}

afterAll(removeTemporaryProjects);

/** Runs the Liquibase CLI on a database of the test server, from the project's resources folder. */
async function liquibase(root: string, database: string, ...command: string[]): Promise<string> {
  const url = new URL(POSTGRES_URL);
  const jdbc = `jdbc:postgresql://${url.hostname}:${url.port || '5432'}/${database}`;
  const { stdout, stderr } = await run(
    LIQUIBASE,
    [
      `--changelog-file=${MASTER}`,
      `--url=${jdbc}`,
      `--username=${decodeURIComponent(url.username) || 'postgres'}`,
      `--password=${decodeURIComponent(url.password)}`,
      '--show-banner=false',
      ...command,
    ],
    { cwd: path.join(root, RESOURCES), timeout: 180_000, env: { ...process.env, JAVA_OPTS: '-Xshare:auto' } },
  ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`liquibase ${command.join(' ')} failed: ${error.stderr || error.stdout || error.message}`);
  });
  return `${stdout}${stderr}`;
}

/** The schema without Liquibase's own bookkeeping tables. */
async function schemaOf(db: PostgresShadow): Promise<Schema> {
  const schema = await db.introspect();
  return { ...schema, tables: schema.tables.filter((table) => !/^databasechangelog/.test(table.name)) };
}

/**
 * A changelog shaped like JHipster's: changelog parameters chosen per dbms (the first definition for the engine
 * wins) and constraint names given in the column's <constraints>.
 */
function addPropertiesChangelog(root: string): void {
  const changelogs = path.join(root, RESOURCES, 'db/changelog');
  writeFileSync(
    path.join(changelogs, 'changes/005-ledger.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
  <property name="amountType" value="decimal(9,2)" dbms="h2"/>
  <property name="amountType" value="numeric(12,2)" dbms="postgresql"/>
  <property name="amountType" value="decimal(10,2)"/>
  <changeSet id="ledger-1" author="grace">
    <createTable tableName="ledger">
      <column name="id" type="BIGINT"><constraints primaryKey="true" primaryKeyName="ledgerPK"/></column>
      <column name="amount" type="\${amountType}"><constraints nullable="false"/></column>
      <column name="code" type="VARCHAR(20)"><constraints unique="true" uniqueConstraintName="ux_ledger_code"/></column>
    </createTable>
  </changeSet>
</databaseChangeLog>
`,
  );
  const master = path.join(changelogs, 'db.changelog-master.xml');
  writeFileSync(
    master,
    readFileSync(master, 'utf8').replace(
      '</databaseChangeLog>',
      '  <include file="changes/005-ledger.xml" relativeToChangelogFile="true"/>\n</databaseChangeLog>',
    ),
  );
}

const CHANGES: Change[] = [
  {
    op: 'create_table',
    table: 'invoices',
    columns: [
      { name: 'id', type: 'bigint', primaryKey: true, generated: 'identity' },
      { name: 'order_id', type: 'bigint', nullable: false, references: { table: 'orders', onDelete: 'cascade' } },
      { name: 'amount', type: 'numeric(10,2)', nullable: false, default: '0' },
    ],
  },
  { op: 'add_index', table: 'users', columns: ['email', 'created_at'], name: 'users_email_created_idx' },
  { op: 'alter_column', table: 'users', column: 'nickname', nullable: false },
];

describe('Liquibase 4.28 as the oracle', () => {
  it.skipIf(missing !== undefined)(
    'applies the project, our generated migrations, rolls them back and applies them again',
    { timeout: 600_000 },
    async () => {
      const root = await fixtureCopy('sources-liquibase');
      addPropertiesChangelog(root);
      const before = await readMigrations(root, { engine: 'postgresql' });
      expect(before.errors).toEqual([]);
      const ledger = before.migrations.find((migration) => migration.path.endsWith('005-ledger.xml'));
      expect(ledger?.up.map((statement) => statement.sql)).toEqual([
        'CREATE TABLE "ledger" (\n  "id" BIGINT CONSTRAINT "ledgerPK" PRIMARY KEY,\n  "amount" numeric(12,2) NOT NULL,\n  "code" VARCHAR(20) CONSTRAINT "ux_ledger_code" UNIQUE\n)',
      ]);

      const ours = await PostgresShadow.open({ url: POSTGRES_URL });
      const real = await PostgresShadow.open({ url: POSTGRES_URL });
      try {
        // Our reader's SQL of the fixture against Liquibase's own run of it.
        for (const migration of before.migrations) await applyMigration(ours, migration, 'up');
        await liquibase(root, real.database, 'update');
        const baseline = await schemaOf(real);
        expect(renderSchemaChanges(compareSchemas(await schemaOf(ours), baseline))).toBe('no difference');

        const result = await generateMigration({
          root,
          changes: CHANGES,
          engine: 'postgresql',
          shadowUrl: POSTGRES_URL,
          rowsPerTable: 5,
          now: new Date(Date.UTC(2026, 11, 6, 12, 0, 0)),
        });
        expect(result.written, result.notWrittenBecause).toBe(true);
        expect(result.drafts.length).toBeGreaterThanOrEqual(3);
        expect(result.drafts.some((draft) => !draft.transactional)).toBe(true);

        // What generate_migration meant: our reader's SQL of the new migrations, applied after the history.
        const after = await readMigrations(root, { engine: 'postgresql' });
        expect(after.errors).toEqual([]);
        const added = after.migrations.slice(before.migrations.length);
        expect(added.length).toBeGreaterThanOrEqual(result.drafts.length);
        for (const migration of added) await applyMigration(ours, migration, 'up');
        const intended = await schemaOf(ours);
        expect(intended.tables.map((table) => table.name)).toContain('invoices');

        // Liquibase applies them, rolls every new changeset back, and applies them again.
        const update = await liquibase(root, real.database, 'update');
        expect(update).toMatch(new RegExp(`Run:\\s+${added.length}\\b`));
        expect(renderSchemaChanges(compareSchemas(intended, await schemaOf(real)))).toBe('no difference');
        await liquibase(root, real.database, 'rollback-count', `--count=${added.length}`);
        expect(renderSchemaChanges(compareSchemas(baseline, await schemaOf(real)))).toBe('no difference');
        await liquibase(root, real.database, 'update');
        expect(renderSchemaChanges(compareSchemas(intended, await schemaOf(real)))).toBe('no difference');
      } finally {
        await Promise.all([ours.close(), real.close()]);
      }
    },
  );
});
