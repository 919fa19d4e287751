import { ruleCases } from './run.js';

ruleCases('rename-schema', {
  bad: [
    {
      sql: 'ALTER SCHEMA billing RENAME TO invoicing;',
      fix: [
        /^CREATE SCHEMA invoicing;$/,
        /search_path = invoicing, billing, public/,
        { sql: /^DROP SCHEMA billing;$/, separateMigration: true },
      ],
    },
    { sql: 'ALTER SCHEMA "Billing" RENAME TO "Invoicing";', fix: [/CREATE SCHEMA "Invoicing";/] },
    { sql: 'BEGIN;\nALTER SCHEMA a RENAME TO b;\nCOMMIT;' },
  ],
  good: [
    { sql: 'CREATE SCHEMA invoicing;' },
    { sql: 'ALTER TABLE billing.invoices SET SCHEMA invoicing;' },
    { sql: 'ALTER SCHEMA billing OWNER TO app;' },
  ],
});
