import { ruleCases } from './run.js';

ruleCases('transaction-nesting', {
  bad: [
    {
      sql: 'BEGIN;\nBEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;\nCOMMIT;',
      count: 1,
      fix: [/^SAVEPOINT migration_step;$/],
    },
    { sql: 'BEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;', options: { assumeInTransaction: true } },
    { sql: 'START TRANSACTION;\nSTART TRANSACTION;\nCOMMIT;' },
  ],
  good: [
    { sql: 'BEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;' },
    { sql: 'BEGIN;\nCOMMIT;\nBEGIN;\nCOMMIT;' },
    { sql: 'BEGIN;\nSAVEPOINT s;\nRELEASE SAVEPOINT s;\nCOMMIT;' },
  ],
});
