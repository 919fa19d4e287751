import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePostgres } from '../../../src/safety/engine.js';
import { RULES } from '../../../src/safety/rules/index.js';
import { parsePostgres } from '../../../src/sql/postgres.js';
import { POSTGRES_URL, postgresAvailable, uniqueName } from '../../helpers/databases.js';
import { LOCK_CASES } from './setups.js';

/**
 * The structured fixes are real SQL: each rule's failing example is run on the PostgreSQL server with the
 * flagged statement replaced by its fix steps (one statement at a time, outside a transaction, as a
 * deployment would), and the end state is checked where the fix promises one.
 */

const NOT_EXECUTABLE: Record<string, string> = {
  'combine-alter-table': 'the fix replaces the earlier ALTER TABLE too, so it cannot run after it',
  'drop-cascade': 'the fix is meant to fail while something depends on the object, so PostgreSQL lists it',
  'drop-schema': 'the example drops a schema the lock test creates under a unique name',
  'vacuum-full-or-cluster': 'the online rebuild needs the pg_repack extension, which the test server does not have',
};

/**
 * Values only the migration's author knows, which a fix names by a placeholder the tool refuses to run
 * (src/safety/fix-placeholder.ts): here the test is the author.
 */
const AUTHOR_VALUES: Record<string, Record<string, string>> = {
  'add-column-not-null-without-default': { ':new_value_for_locale': "'en'" },
};

function withAuthorValues(sql: string, values: Record<string, string> | undefined): string {
  let filled = sql;
  for (const [placeholder, value] of Object.entries(values ?? {})) filled = filled.replaceAll(placeholder, value);
  return filled;
}

/** Checks of the end state: each query returns one row with a boolean `ok`. */
const END_STATE: Record<string, string> = {
  'set-not-null': "SELECT attnotnull AS ok FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'",
  'add-column-not-null-without-default':
    "SELECT bool_and(locale = 'en') AND (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'locale') AS ok FROM users",
  'add-column-volatile-default': 'SELECT count(*) = 0 AS ok FROM orders WHERE public_id IS NULL',
  'add-column-serial-or-identity':
    "SELECT (SELECT count(DISTINCT seq) = 25000 FROM events) AND (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'events'::regclass AND attname = 'seq') AS ok",
  'add-column-generated-stored': 'SELECT bool_and(total_cents = total * 100) AS ok FROM orders',
  'column-type-change': 'SELECT bool_and(quantity_new = id) AS ok FROM orders',
  'rename-column': "SELECT bool_and(full_name = 'n' || id) AS ok FROM users",
  'unbatched-backfill': "SELECT bool_and(locale = 'en') AS ok FROM users",
  'foreign-key-not-valid': "SELECT convalidated AS ok FROM pg_constraint WHERE conname = 'orders_user_id_fkey'",
  'check-constraint-not-valid': "SELECT convalidated AS ok FROM pg_constraint WHERE conname = 'orders_total_positive'",
  'unique-constraint-without-index': "SELECT contype = 'u' AS ok FROM pg_constraint WHERE conname = 'users_email_key'",
  'primary-key-without-index': "SELECT contype = 'p' AS ok FROM pg_constraint WHERE conname = 'events_pkey'",
  'primary-key-using-index-nullable': "SELECT contype = 'p' AS ok FROM pg_constraint WHERE conname = 'events_pkey'",
  'attach-partition-without-check': "SELECT relispartition AS ok FROM pg_class WHERE relname = 'measurements_2024'",
  'require-concurrent-index-creation':
    "SELECT indisvalid AS ok FROM pg_index WHERE indexrelid = 'orders_user_id_idx'::regclass",
};

async function statementsOf(sql: string): Promise<string[]> {
  return (await parsePostgres(sql))
    .filter((statement) => !('TransactionStmt' in statement.ast))
    .map((statement) => statement.sql);
}

describe('fix steps run on the PostgreSQL server', async () => {
  const availability = await postgresAvailable();
  let client: pg.Client;
  beforeAll(async () => {
    if (!availability.available) return;
    client = new pg.Client({
      connectionString: POSTGRES_URL,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 60_000,
    });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  for (const rule of RULES) {
    const lockCase = LOCK_CASES[rule.meta.id];
    if (!lockCase) continue;
    const reason = NOT_EXECUTABLE[rule.meta.id];
    if (reason) {
      it.skip(`${rule.meta.id}: not executed (${reason})`, () => undefined);
      continue;
    }
    it.skipIf(!availability.available)(
      `${rule.meta.id}: the example with its fix applied runs${END_STATE[rule.meta.id] ? ' and reaches the promised state' : ''}`,
      async () => {
        const schema = uniqueName('fixes');
        const example = lockCase.sql?.(schema) ?? rule.meta.examples.bad;
        // The setup is the migration history, so the engine knows the tables, columns and indexes it created.
        const report = await validatePostgres(example, { catalog: { history: [{ sql: lockCase.setup }] } });
        const parsed = await parsePostgres(example);
        const findings = report.findings.filter((finding) => finding.ruleId === rule.meta.id);
        expect(findings.length).toBeGreaterThan(0);
        await client.query(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}, public;`);
        try {
          await client.query(lockCase.setup);
          if (lockCase.data) await client.query(lockCase.data);
          for (const [index, statement] of parsed.entries()) {
            if ('TransactionStmt' in statement.ast) continue;
            const fix = findings.find((finding) => finding.statementIndex === index)?.fix;
            const values = AUTHOR_VALUES[rule.meta.id];
            for (const placeholder of Object.keys(values ?? {}))
              expect(fix?.steps.some((step) => step.sql.includes(placeholder))).toBe(true);
            const replacement = fix
              ? fix.steps.map((step) => withAuthorValues(step.sql, values)).join('\n')
              : statement.sql;
            for (const sql of await statementsOf(replacement)) await client.query(sql);
          }
          const check = END_STATE[rule.meta.id];
          if (check) expect((await client.query<{ ok: boolean }>(check)).rows[0]?.ok).toBe(true);
        } finally {
          await client.query('ROLLBACK').catch(() => undefined);
          await client.query(
            `RESET lock_timeout; RESET statement_timeout; SET search_path TO public; DROP SCHEMA ${schema} CASCADE;`,
          );
        }
      },
    );
  }
});
