import { describe, expect, it } from 'vitest';
import { CappedReportCollector } from '../../src/safety/capped-report.js';
import { ImportanceBudget } from '../../src/safety/importance-budget.js';
import { checkSqlInputs, streamSqlInputs } from '../../src/safety/run.js';

describe('ImportanceBudget', () => {
  it('keeps what fits, then lets a more important item push out the latest of the least important', () => {
    const dropped: string[] = [];
    const budget = new ImportanceBudget<string>(3, (item) => dropped.push(item));
    const kept = ['info-1', 'warning-1', 'info-2'].map((item) => budget.offer(item, item.startsWith('info') ? 2 : 1));
    expect(kept.every((entry) => entry !== undefined)).toBe(true);
    expect(budget.offer('info-3', 2)).toBeUndefined();
    const error = budget.offer('error-1', 0);
    expect(error?.dropped).toBe(false);
    expect(dropped).toEqual(['info-3', 'info-2']);
    expect(kept[2]?.dropped).toBe(true);
    budget.offer('error-2', 0);
    budget.offer('error-3', 0);
    // The infos go before the warning; among equals the latest goes first.
    expect(dropped).toEqual(['info-3', 'info-2', 'info-1', 'warning-1']);
    expect(budget.offer('warning-2', 1)).toBeUndefined();
  });

  it('counts cost: one large item can push out several small ones, and an item larger than the budget is left out', () => {
    const dropped: string[] = [];
    const budget = new ImportanceBudget<string>(10, (item) => dropped.push(item));
    for (const item of ['a', 'b', 'c', 'd', 'e']) budget.offer(item, 1, 2);
    expect(budget.offer('big', 0, 7)?.dropped).toBe(false);
    expect(dropped).toEqual(['e', 'd', 'c', 'b']);
    expect(budget.offer('huge', 0, 11)).toBeUndefined();
    expect(dropped.at(-1)).toBe('huge');
  });
});

describe('CappedReportCollector (validate_safety with maxFindings)', () => {
  // Twelve info findings (non-idempotent CREATE TABLE outside a transaction), then three short ACCESS EXCLUSIVE
  // locks, a rewrite of a 5M-row table, and an error.
  const sql = [
    ...Array.from({ length: 12 }, (_, index) => `CREATE TABLE t_${index} (id bigint PRIMARY KEY);`),
    'ALTER TABLE orders ADD COLUMN a text;',
    'ALTER TABLE orders ADD COLUMN b text;',
    'ALTER TABLE orders ADD COLUMN note text;',
    'ALTER TABLE users ALTER COLUMN id TYPE numeric;',
    'DROP TABLE users;',
  ].join('\n');
  const inputs = [{ file: 'many.sql', sql }];
  const options = { rowCounts: { users: 5_000_000 } };

  it('keeps the most severe findings in report order, with exact counts and what it left out', async () => {
    const collector = new CappedReportCollector(3);
    const result = collector.result(await streamSqlInputs(inputs, options, collector));
    const full = await checkSqlInputs(inputs, options);
    const [file] = result.files;
    const [fullFile] = full.files;
    if (!file || !fullFile) throw new Error('no report');
    expect(result.truncated).toBe(true);
    expect(file.findings).toHaveLength(3);
    expect(file.counts).toEqual(fullFile.counts);
    expect(file.risk).toBe(fullFile.risk);
    expect(file.checklist).toEqual(fullFile.checklist);
    expect(file.findings.map((finding) => finding.ruleId)).toContain('drop-table');
    expect(file.findings.some((finding) => finding.severity === 'info')).toBe(false);
    // Statements' own findings in statement order, then the one about the whole migration (no lock_timeout).
    expect(file.findings.map((finding) => [finding.statementIndex, finding.ruleId])).toEqual([
      [15, 'column-type-change'],
      [16, 'drop-table'],
      [12, 'require-lock-timeout'],
    ]);
    expect(fullFile.locks).toHaveLength(5);
    expect(file.omitted).toEqual({ findings: fullFile.findings.length - 3, locks: 2 });
    // The rewrite of the 5M-row table under ACCESS EXCLUSIVE outranks the short locks found before it.
    expect(file.locks.map((lock) => lock.text)).toContain('ALTER TABLE users ALTER COLUMN id TYPE numeric');
  });

  it('returns the whole report, without omitted, when it fits', async () => {
    const collector = new CappedReportCollector(1000);
    const result = collector.result(await streamSqlInputs(inputs, options, collector));
    const full = await checkSqlInputs(inputs, options);
    expect(result.truncated).toBe(false);
    expect(result.files[0]?.omitted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(result.files))).toEqual(JSON.parse(JSON.stringify(full.files)));
  });
});
