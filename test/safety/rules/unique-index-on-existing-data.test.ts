import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { POSTGRES_URL, throwAwaySchema } from '../../helpers/databases.js';
import { ruleCases } from './run.js';

const domains = {
  catalog: {
    history: [
      {
        sql: 'CREATE TABLE domains (id int, organization_id int, domain text, verified_at timestamptz);\nCREATE UNIQUE INDEX domains_domain_key ON domains (domain);',
      },
    ],
  },
};
const users = { catalog: { history: [{ sql: 'CREATE TABLE users (id int, email text);' }] } };

const ADDRESSES =
  'CREATE TABLE customer_address (id int, customer_id int, is_default_billing boolean);\n' +
  'CREATE UNIQUE INDEX "IDX_customer_address_unique_customer_billing" ON customer_address (customer_id) WHERE is_default_billing;';
const ADDRESS_AGAIN =
  'CREATE UNIQUE INDEX IF NOT EXISTS "IDX_customer_address_unique_customer_billing" ON customer_address (customer_id);';

ruleCases('unique-index-on-existing-data', {
  bad: [
    {
      sql: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);',
      severity: 'info',
      fix: [
        /^SELECT email, count\(\*\) FROM users WHERE email IS NOT NULL GROUP BY email HAVING count\(\*\) > 1;$/,
        { sql: /^CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users \(email\);$/, outsideTransaction: true },
      ],
    },
    {
      sql: 'CREATE UNIQUE INDEX m_key ON memberships (org_id, user_id);',
      fix: [
        /SELECT org_id, user_id, count\(\*\) FROM memberships WHERE org_id IS NOT NULL AND user_id IS NOT NULL GROUP BY org_id, user_id HAVING count\(\*\) > 1;/,
      ],
    },
    { sql: 'CREATE UNIQUE INDEX IF NOT EXISTS k ON app.t (code);', fix: [/FROM app\.t/] },
    // A partial unique index holds only for the rows it covers; NULLS NOT DISTINCT rejects what the old key allows.
    {
      sql: 'CREATE UNIQUE INDEX accounts_email_team ON accounts (email, team_id);',
      options: {
        catalog: {
          history: [
            {
              sql: 'CREATE TABLE accounts (email text, team_id int, deleted_at timestamptz);\nCREATE UNIQUE INDEX accounts_live_email ON accounts (email) WHERE deleted_at IS NULL;',
            },
          ],
        },
      },
    },
    {
      sql: 'CREATE UNIQUE INDEX accounts_email_team ON accounts (email, team_id) NULLS NOT DISTINCT;',
      options: {
        catalog: {
          history: [
            {
              sql: 'CREATE TABLE accounts (email text, team_id int);\nCREATE UNIQUE INDEX accounts_email ON accounts (email);',
            },
          ],
        },
      },
    },
    // The new column was written before the index: its values may collide.
    {
      sql: 'ALTER TABLE users ADD COLUMN team_id bigint;\nUPDATE users SET team_id = 1;\nCREATE UNIQUE INDEX users_team_email ON users (team_id, email);',
      options: users,
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN team_id bigint;\nCREATE UNIQUE INDEX users_team_email ON users (team_id, email) NULLS NOT DISTINCT;',
      options: users,
    },
    // Dropped in another transaction: writes in between may have added duplicates.
    {
      sql: 'DROP INDEX domains_domain_key;\nCREATE UNIQUE INDEX domains_org_domain ON domains (organization_id, domain);',
      options: domains,
    },
  ],
  good: [
    // Medusa customer: IF NOT EXISTS of an index an earlier migration built: PostgreSQL skips it (see below).
    {
      sql: ADDRESS_AGAIN,
      options: { catalog: { history: [{ sql: ADDRESSES }] } },
    },
    // plausible: a column just added holds only NULL, and NULLs never collide (PostgreSQL 15 builds it over
    // duplicate user_id rows).
    {
      sql: 'ALTER TABLE users ADD COLUMN team_id bigint;\nCREATE UNIQUE INDEX users_team_email ON users (team_id, email);',
      options: users,
    },
    // langfuse: the old key was dropped in the same transaction, which has held the table's lock since.
    {
      sql: 'BEGIN;\nDROP INDEX domains_domain_key;\nCREATE UNIQUE INDEX domains_org_domain ON domains (organization_id, domain);\nCREATE UNIQUE INDEX domains_verified ON domains (domain) WHERE verified_at IS NOT NULL;\nCOMMIT;',
      options: domains,
    },
    { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);' },
    { sql: 'CREATE TABLE users (email text);\nCREATE UNIQUE INDEX users_email_key ON users (email);' },
    { sql: 'CREATE UNIQUE INDEX users_lower_email_key ON users (lower(email));' },
    // cal.com, supabase/storage: a unique index over more columns than an existing key cannot meet a duplicate.
    {
      sql: 'CREATE UNIQUE INDEX "M_b_a_key" ON "M" ("b", "a");',
      options: {
        catalog: {
          history: [
            {
              sql: 'CREATE TABLE "M" ("a" int NOT NULL, "b" int NOT NULL);\nCREATE UNIQUE INDEX "M_a_key" ON "M" ("a");',
            },
          ],
        },
      },
    },
    {
      sql: 'CREATE UNIQUE INDEX memberships_user_team ON memberships (team_id, user_id);',
      options: {
        catalog: {
          history: [{ sql: 'CREATE TABLE memberships (user_id int, team_id int, PRIMARY KEY (user_id, team_id));' }],
        },
      },
    },
  ],
});

describe('unique-index-on-existing-data: IF NOT EXISTS of an index that exists, on PostgreSQL', () => {
  const database = throwAwaySchema('unique_again');

  it('is skipped even over duplicate keys: there is nothing to fail', async () => {
    if (!database.available) return;
    const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path="${database.name}"` });
    await client.connect();
    try {
      await client.query(ADDRESSES);
      await client.query('INSERT INTO customer_address VALUES (1, 7, false), (2, 7, false)');
      await expect(client.query(ADDRESS_AGAIN)).resolves.toBeDefined();
      const { rows } = await client.query<{ predicate: string | null }>(
        'SELECT pg_get_expr(indpred, indrelid) AS predicate FROM pg_index WHERE indexrelid = \'"IDX_customer_address_unique_customer_billing"\'::regclass',
      );
      expect(rows).toEqual([{ predicate: 'is_default_billing' }]);
    } finally {
      await client.end();
    }
  });
});
