import { existing, ruleCases } from './run.js';

const CUSTOMERS = { customers: [['id', 'bigint'] as [string, string], ['email', 'text'] as [string, string]] };
const inTransaction = existing(CUSTOMERS, { assumeInTransaction: true });
/** customers' columns as last read, then SQL built at run time that may have added more. */
const partlyKnown = {
  assumeInTransaction: true,
  catalog: {
    history: [
      {
        file: '001_init.sql',
        sql: "CREATE TABLE customers (id bigint, email text);\nDO $$ BEGIN EXECUTE format('ALTER TABLE %I ADD COLUMN note text', 'customers'); END $$;",
      },
    ],
  },
};

ruleCases('rename-table', {
  bad: [
    {
      sql: 'ALTER TABLE customers RENAME TO clients;',
      fix: [
        /ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT \* FROM clients;\nCOMMIT;/,
        { sql: /^DROP VIEW customers;$/, separateMigration: true },
      ],
    },
    {
      sql: 'ALTER TABLE billing.customers RENAME TO clients;',
      fix: [/CREATE VIEW billing\.customers AS SELECT \* FROM billing\.clients;/],
    },
    { sql: 'ALTER TABLE IF EXISTS customers RENAME TO clients;' },
    // The view leaves email out: old code reading customers.email breaks.
    {
      sql: 'ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT id FROM clients;',
      options: inTransaction,
      severity: 'error',
    },
    // Filtered, or under another name: not the table old code used.
    {
      sql: 'ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT * FROM clients WHERE id > 0;',
      options: inTransaction,
    },
    {
      sql: 'ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT id, email AS mail FROM clients;',
      options: inTransaction,
    },
    // The view comes in a later transaction: between the two, the old name does not exist.
    {
      sql: 'BEGIN;\nALTER TABLE customers RENAME TO clients;\nCOMMIT;\nCREATE VIEW customers AS SELECT * FROM clients;',
      options: existing(CUSTOMERS),
      severity: 'error',
    },
    // Every column known passes through, but the schema read is incomplete: said as what to check.
    {
      sql: 'ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT id, email FROM clients;',
      options: partlyKnown,
      severity: 'warning',
      message: /behind a view customers that passes every column known here through/,
      fix: [/SELECT attname FROM pg_attribute WHERE attrelid = 'clients'::regclass/],
    },
  ],
  good: [
    { sql: 'CREATE TABLE customers (id bigint);\nALTER TABLE customers RENAME TO clients;' },
    { sql: 'ALTER INDEX customers_pkey RENAME TO clients_pkey;' },
    { sql: 'ALTER VIEW customer_view RENAME TO client_view;' },
    // The rule's own safe alternative: a view under the old name, in the same transaction.
    {
      sql: 'BEGIN;\nALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT * FROM clients;\nCOMMIT;',
    },
    {
      sql: 'ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT * FROM clients;',
      options: partlyKnown,
    },
    // windmill-labs/windmill 20250317145509: the column added after the rename is new; old code never used it.
    {
      sql: 'ALTER TABLE customers RENAME TO clients;\nALTER TABLE clients ADD COLUMN phone text;\nCREATE VIEW customers AS SELECT id, email FROM clients;',
      options: inTransaction,
    },
    // windmill-labs/windmill 20250201124409_v2_job_queue_compatiblity_view: every column listed, by its own name.
    {
      sql: 'ALTER TABLE customers RENAME TO clients;\nCREATE OR REPLACE VIEW customers AS (\n    SELECT\n        id,\n        email AS email\n    FROM clients\n);',
      options: inTransaction,
    },
  ],
});
