import { ruleCases } from './run.js';

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
  ],
  good: [
    { sql: 'CREATE TABLE customers (id bigint);\nALTER TABLE customers RENAME TO clients;' },
    { sql: 'ALTER INDEX customers_pkey RENAME TO clients_pkey;' },
    { sql: 'ALTER VIEW customer_view RENAME TO client_view;' },
  ],
});
