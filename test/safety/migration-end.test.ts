import { describe, expect, it } from 'vitest';
import { validatePostgres } from '../../src/safety/engine.js';
import type { Finding } from '../../src/safety/types.js';

/** Rules' end-of-migration checks (Rule.finish): what only the whole file decides. */

async function findingsOf(ruleId: string, sql: string, options: Parameters<typeof validatePostgres>[1] = {}) {
  const report = await validatePostgres(sql, options);
  return report.findings.filter((finding: Finding) => finding.ruleId === ruleId);
}

describe('foreign keys declared in CREATE TABLE without an index by the end of the migration', () => {
  const rule = 'foreign-key-missing-index';

  it('flags an inline REFERENCES column never indexed, at its CREATE TABLE, with the index as the fix', async () => {
    const found = await findingsOf(
      rule,
      'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\nCREATE INDEX orders_id_idx ON orders (id);',
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.statementIndex).toBe(0);
    expect(found[0]?.span.start.line).toBe(1);
    expect(found[0]?.message).toContain('orders (user_id) references users');
    expect(found[0]?.fix?.steps.map((step) => step.sql)).toEqual([
      'CREATE INDEX orders_user_id_idx ON orders (user_id);',
    ]);
  });

  it('flags a table-level FOREIGN KEY whose index leads with another column', async () => {
    const found = await findingsOf(
      rule,
      'CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint, sku text, FOREIGN KEY (order_id, sku) REFERENCES orders (id, sku));\nCREATE INDEX items_sku_idx ON items (sku, id, order_id);',
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('items (order_id, sku)');
  });

  it('flags the foreign key when the covering index was dropped again later in the file', async () => {
    const found = await findingsOf(
      rule,
      'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\nCREATE INDEX orders_user_id_idx ON orders (user_id);\nDROP INDEX orders_user_id_idx;',
    );
    expect(found).toHaveLength(1);
  });

  it('passes when an index on the column follows the CREATE TABLE', async () => {
    const found = await findingsOf(
      rule,
      'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\nCREATE INDEX orders_user_id_idx ON orders (user_id, id);',
    );
    expect(found).toEqual([]);
  });

  it('passes when the foreign key columns lead the primary key or a unique constraint', async () => {
    const found = await findingsOf(
      rule,
      'CREATE TABLE profiles (user_id bigint PRIMARY KEY REFERENCES users (id));\nCREATE TABLE links (a bigint REFERENCES users (id), b bigint, UNIQUE (a, b));',
    );
    expect(found).toEqual([]);
  });

  it('passes when the table is dropped before the end, or the rule is switched off', async () => {
    expect(
      await findingsOf(
        rule,
        'CREATE TABLE scratch (id bigint, user_id bigint REFERENCES users (id));\nDROP TABLE scratch;',
      ),
    ).toEqual([]);
    expect(
      await findingsOf(rule, 'CREATE TABLE orders (id bigint, user_id bigint REFERENCES users (id));', {
        ruleSeverity: { [rule]: 'off' },
      }),
    ).toEqual([]);
  });
});

describe('a BEGIN never committed', () => {
  const rule = 'transaction-nesting';

  it('flags a BEGIN without COMMIT at the BEGIN, with COMMIT as the fix', async () => {
    const found = await findingsOf(
      rule,
      'SELECT 1;\nBEGIN;\nCREATE TABLE a (id bigint);\nALTER TABLE a ADD COLUMN b int;',
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.span.start.line).toBe(2);
    expect(found[0]?.message).toContain('never committed');
    expect(found[0]?.fix?.steps.map((step) => step.sql)).toEqual(['COMMIT;']);
  });

  it('flags the second transaction when only the first was committed', async () => {
    const found = await findingsOf(
      rule,
      'BEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;\nSTART TRANSACTION;\nDROP TABLE a;',
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.span.start.line).toBe(4);
  });

  it('flags a transaction reopened after a ROLLBACK and left open', async () => {
    const found = await findingsOf(rule, 'BEGIN;\nSELECT 1;\nROLLBACK;\nBEGIN;\nSELECT 2;');
    expect(found.map((finding) => finding.span.start.line)).toEqual([4]);
  });

  it('passes a committed transaction', async () => {
    expect(await findingsOf(rule, 'BEGIN;\nCREATE TABLE a (id bigint);\nCOMMIT;')).toEqual([]);
  });

  it('passes a transaction ended by ROLLBACK or END', async () => {
    expect(await findingsOf(rule, 'BEGIN;\nSELECT 1;\nROLLBACK;\nBEGIN;\nSELECT 2;\nEND;')).toEqual([]);
  });

  it('passes a file without BEGIN, and one the migration tool wraps (its own COMMIT ends it)', async () => {
    expect(await findingsOf(rule, 'CREATE TABLE a (id bigint);')).toEqual([]);
    const wrapped = await findingsOf(rule, 'CREATE TABLE a (id bigint);\nSELECT 1;', { assumeInTransaction: true });
    expect(wrapped).toEqual([]);
  });
});
