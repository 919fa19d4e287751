import { describe, expect, it } from 'vitest';
import { MigrationCatalog } from '../../src/safety/catalog.js';
import { validatePostgres } from '../../src/safety/engine.js';

/**
 * Constraints added to a table the engine has never seen (no snapshot, no history, no CREATE TABLE before) are
 * remembered, so later statements of the same migration are judged with them — without the table counting as known.
 */

async function ruleIds(sql: string, options: Parameters<typeof validatePostgres>[1] = {}): Promise<string[]> {
  const report = await validatePostgres(sql, options);
  return report.findings.map((finding) => finding.ruleId);
}

describe('constraints on tables known only through this migration', () => {
  // ---- flagged --------------------------------------------------------------------------------------------
  it('names the constraint added NOT VALID in the same transaction when its VALIDATE follows', async () => {
    const report = await validatePostgres(
      'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\nCOMMIT;',
    );
    const finding = report.findings.find((each) => each.ruleId === 'validate-in-same-transaction');
    expect(finding?.message).toContain('orders_total_positive was added NOT VALID in this same transaction');
  });

  it('still flags SET NOT NULL when the proving CHECK was added NOT VALID and never validated', async () => {
    const ids = await ruleIds(
      'ALTER TABLE orders ADD CONSTRAINT orders_total_nn CHECK (total IS NOT NULL) NOT VALID;\nALTER TABLE orders ALTER COLUMN total SET NOT NULL;',
    );
    expect(ids).toContain('set-not-null');
  });

  it('still flags SET NOT NULL when the validated CHECK proves another column', async () => {
    const ids = await ruleIds(
      'ALTER TABLE orders ADD CONSTRAINT orders_note_nn CHECK (note IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_note_nn;\nALTER TABLE orders ALTER COLUMN total SET NOT NULL;',
    );
    expect(ids).toContain('set-not-null');
  });

  // ---- passing ---------------------------------------------------------------------------------------------
  it('lets SET NOT NULL skip its scan after a validated CHECK (col IS NOT NULL) on an unseen table', async () => {
    const ids = await ruleIds(
      'ALTER TABLE orders ADD CONSTRAINT orders_total_nn CHECK (total IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_nn;\nALTER TABLE orders ALTER COLUMN total SET NOT NULL;',
    );
    expect(ids).not.toContain('set-not-null');
  });

  it('does not flag a VALIDATE in a later transaction than the NOT VALID constraint', async () => {
    const ids = await ruleIds(
      'BEGIN;\nALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT c;\nCOMMIT;',
    );
    expect(ids).not.toContain('validate-in-same-transaction');
  });

  it('does not make the table known: it is still reported unknown against a schema snapshot', async () => {
    const catalog = new MigrationCatalog();
    catalog.loadSnapshot({ tables: [{ name: 'users', columns: [] }] });
    catalog.addConstraint('orders', {
      name: 'c',
      kind: 'check',
      columns: [],
      validated: false,
      addedInCurrentTransaction: false,
    });
    expect(catalog.tableExists('orders')).toBe(false);
    expect(catalog.tableKeys()).toEqual(['public.users']);
    expect(catalog.constraint('orders', 'c')?.kind).toBe('check');
    const ids = await ruleIds(
      'ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;',
      { catalog: { snapshot: { tables: [{ name: 'users', columns: [] }] } } },
    );
    expect(ids.filter((id) => id === 'unknown-table').length).toBe(2);
  });
});
