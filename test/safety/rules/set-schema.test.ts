import { ruleCases } from './run.js';

ruleCases('set-schema', {
  bad: [
    {
      sql: 'ALTER TABLE public.invoices SET SCHEMA billing;',
      message:
        /^Moving public\.invoices to schema billing breaks every running instance that still uses it as public\.invoices\.$/,
      fix: [/CREATE VIEW public\.invoices AS SELECT \* FROM billing\.invoices;/, /^DROP VIEW public\.invoices;$/],
    },
    { sql: 'ALTER TABLE IF EXISTS app.orders SET SCHEMA archive;' },
    // A view of another name, or of the same name in another schema, does not.
    { sql: 'ALTER TABLE app.orders SET SCHEMA archive;\nCREATE VIEW orders AS SELECT * FROM archive.orders;' },
    { sql: 'ALTER TABLE invoices SET SCHEMA billing;\nCREATE VIEW invoices_v AS SELECT * FROM billing.invoices;' },
  ],
  good: [
    { sql: 'CREATE TABLE staging_rows (id bigint);\nALTER TABLE staging_rows SET SCHEMA archive;' },
    { sql: 'ALTER TYPE mood SET SCHEMA app;' },
    { sql: 'ALTER FUNCTION touch() SET SCHEMA app;' },
    // A view under the old name keeps old code working.
    {
      sql: 'BEGIN;\nALTER TABLE invoices SET SCHEMA billing;\nCREATE VIEW public.invoices AS SELECT * FROM billing.invoices;\nCOMMIT;',
    },
    {
      sql: 'ALTER TABLE app.orders SET SCHEMA archive;\nCREATE OR REPLACE VIEW "app"."orders" AS SELECT * FROM archive.orders;',
    },
  ],
});
