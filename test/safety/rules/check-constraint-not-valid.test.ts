import { ruleCases } from './run.js';

ruleCases('check-constraint-not-valid', {
  bad: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);',
      fix: [
        /ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK \(total >= 0\) NOT VALID;/,
        { sql: /^ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;$/, separateMigration: true },
      ],
    },
    {
      sql: "ALTER TABLE users ADD CHECK (char_length(name) <= 100 AND name <> '');",
      fix: [/ADD CONSTRAINT users_check_check CHECK \(char_length\(name\) <= 100 AND name <> ''\) NOT VALID/],
    },
    {
      sql: 'ALTER TABLE items ADD COLUMN qty int CHECK (qty > 0);',
      fix: [/ALTER TABLE items ADD COLUMN qty int;/, /ADD CONSTRAINT items_qty_check CHECK \(qty > 0\) NOT VALID/],
    },
    {
      sql: 'ALTER TABLE a ADD CONSTRAINT c1 CHECK (x > 0), ADD CONSTRAINT c2 CHECK (y > 0);',
      count: 2,
      fix: [/c1 CHECK \(x > 0\) NOT VALID/, /c2 CHECK \(y > 0\) NOT VALID/],
    },
    {
      sql: 'ALTER TABLE big ADD CONSTRAINT c CHECK (x > 0);',
      options: { rowCounts: { big: 10_000_000 } },
      severity: 'error',
    },
  ],
  good: [
    { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;' },
    { sql: 'CREATE TABLE orders (total numeric CHECK (total >= 0));' },
    { sql: 'CREATE TABLE orders (total numeric);\nALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0);' },
    { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;' },
  ],
});
