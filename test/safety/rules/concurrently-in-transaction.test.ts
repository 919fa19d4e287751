import { describe, expect, it } from 'vitest';
import { findingsOf, ruleCases } from './run.js';

ruleCases('concurrently-in-transaction', {
  bad: [
    {
      sql: 'BEGIN;\nCREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);\nCOMMIT;',
      severity: 'error',
      fix: [
        {
          sql: /^CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders \(user_id\);$/,
          outsideTransaction: true,
          separateMigration: true,
        },
      ],
    },
    { sql: 'DROP INDEX CONCURRENTLY orders_status_idx;', options: { assumeInTransaction: true } },
    { sql: 'BEGIN;\nREINDEX INDEX CONCURRENTLY orders_pkey;\nCOMMIT;' },
    {
      sql: 'START TRANSACTION;\nALTER TABLE m DETACH PARTITION m_2020 CONCURRENTLY;\nCOMMIT;',
      fix: [/DETACH PARTITION m_2020 CONCURRENTLY/],
    },
  ],
  good: [
    { sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);' },
    { sql: 'BEGIN;\nCREATE INDEX orders_user_id_idx ON orders (user_id);\nCOMMIT;' },
    { sql: 'BEGIN;\nCOMMIT;\nDROP INDEX CONCURRENTLY orders_status_idx;' },
    { sql: 'REINDEX TABLE CONCURRENTLY orders;', options: { assumeInTransaction: false } },
  ],
});

describe('concurrently-in-transaction in a DO block', () => {
  it('says the concurrent build never happens there, caught or not', async () => {
    const sql = [
      'DO $$',
      'BEGIN',
      '  CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_entity ON subscription USING btree (entity);',
      'EXCEPTION WHEN others THEN',
      '  CREATE INDEX IF NOT EXISTS ix_entity ON subscription USING btree (entity);',
      'END$$;',
    ].join('\n');
    const [finding, ...rest] = await findingsOf('concurrently-in-transaction', sql);
    expect(rest).toEqual([]);
    expect(finding?.message).toContain('cannot run inside a DO block');
    expect(finding?.message).toContain('an exception handler around it runs its fallback instead');
    expect(finding?.span.start.line).toBe(3);
  });
});
