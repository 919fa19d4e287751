import { ruleCases } from './run.js';

ruleCases('alter-domain-add-constraint', {
  bad: [
    {
      sql: 'ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0);',
      fix: [
        /^ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK \(VALUE > 0\) NOT VALID;$/,
        { sql: /^ALTER DOMAIN positive_amount VALIDATE CONSTRAINT positive_amount_check;$/, separateMigration: true },
      ],
    },
    { sql: "ALTER DOMAIN app.code ADD CHECK (VALUE <> '');", fix: [/VALIDATE CONSTRAINT code_check;/] },
    {
      sql: 'ALTER DOMAIN d ADD CONSTRAINT nn NOT NULL;',
      fix: [/^SET lock_timeout = '5s';\nALTER DOMAIN d ADD CONSTRAINT nn NOT NULL;$/],
    },
  ],
  good: [
    { sql: 'ALTER DOMAIN positive_amount ADD CONSTRAINT c CHECK (VALUE > 0) NOT VALID;' },
    { sql: 'ALTER DOMAIN positive_amount VALIDATE CONSTRAINT c;' },
    { sql: 'ALTER DOMAIN positive_amount DROP CONSTRAINT c;' },
  ],
});
