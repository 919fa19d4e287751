import { describe, expect, it } from 'vitest';
import { validatePostgres } from '../../src/safety/engine.js';
import { parseDirectives } from '../../src/safety/ignores.js';
import type { Rule } from '../../src/safety/types.js';
import { extractComments } from '../../src/sql/comments.js';

const meta = {
  title: 'flags every ALTER TABLE',
  category: 'careful' as const,
  defaultSeverity: 'warning' as const,
  engines: ['postgresql' as const],
  locks: [],
  rewritesTable: false,
  scansTable: false,
  breaksOldCode: false,
  why: 'test',
  safeAlternative: 'test',
  examples: { bad: '', good: '' },
};
const ruleA: Rule = {
  meta: { ...meta, id: 'test-rule-a' },
  appliesTo: ['AlterTableStmt'],
  check: () => [{ message: 'a' }],
};
const ruleB: Rule = {
  meta: { ...meta, id: 'test-rule-b' },
  appliesTo: ['AlterTableStmt'],
  check: () => [{ message: 'b' }],
};
const rules = [ruleA, ruleB];

const ids = (report: Awaited<ReturnType<typeof validatePostgres>>) =>
  report.findings.map((f) => `${f.ruleId}@${f.span.start.line}`);

describe('comment extraction', () => {
  it('finds -- and /* */ comments with positions, not comment-like text in strings or $$ bodies', async () => {
    const sql = "-- one\nSELECT '-- no' /* two */;\nDO $$ BEGIN -- not this\nEND $$;\n/* multi\nline */ SELECT 1;";
    const comments = await extractComments(sql);
    expect(comments.map((c) => [c.text, c.span.start.line, c.span.start.column])).toEqual([
      ['one', 1, 1],
      ['two', 2, 16],
      ['multi\nline', 5, 1],
    ]);
    expect(sql.slice(comments[1]?.textOffset, (comments[1]?.textOffset ?? 0) + 3)).toBe('two');
  });

  it('parses rule ids, commas and reasons', async () => {
    const directives = parseDirectives(
      await extractComments(
        '-- dma-ignore test-rule-a, test-rule-b table is empty\n-- dma-ignore-file\n-- dma-ignore x, y reason words\n-- dma-ignore because it is fine\n-- unrelated comment\nSELECT 1;',
      ),
    );
    expect(directives.map((d) => [d.kind, d.ruleIds.map((r) => r.id), d.reason])).toEqual([
      ['statement', ['test-rule-a', 'test-rule-b'], 'table is empty'],
      ['file', [], ''],
      ['statement', ['x', 'y'], 'reason words'],
      ['statement', [], 'because it is fine'],
    ]);
  });
});

describe('ignore directives', () => {
  it('-- dma-ignore applies to the next statement only', async () => {
    const sql =
      'ALTER TABLE t ADD COLUMN a int;\n-- dma-ignore test-rule-a backfilled already\nALTER TABLE t ADD COLUMN b int;\nALTER TABLE t ADD COLUMN c int;';
    const report = await validatePostgres(sql, { rules });
    expect(ids(report)).toEqual(['test-rule-a@1', 'test-rule-b@1', 'test-rule-b@3', 'test-rule-a@4', 'test-rule-b@4']);
    expect(report.suppressed).toEqual([
      { ruleId: 'test-rule-a', statementIndex: 1, line: 3, reason: 'backfilled already' },
    ]);
  });

  it('a trailing comment on a statement applies to the statement after it', async () => {
    const sql = 'ALTER TABLE t ADD COLUMN a int; -- dma-ignore test-rule-a\nALTER TABLE t ADD COLUMN b int;';
    expect(ids(await validatePostgres(sql, { rules }))).toEqual(['test-rule-a@1', 'test-rule-b@1', 'test-rule-b@2']);
  });

  it('-- dma-ignore-file with ids silences them everywhere; without ids silences every rule', async () => {
    const some = await validatePostgres(
      'ALTER TABLE t ADD COLUMN a int;\n-- dma-ignore-file test-rule-b\nALTER TABLE t ADD COLUMN b int;',
      { rules },
    );
    expect(ids(some)).toEqual(['test-rule-a@1', 'test-rule-a@3']);
    const all = await validatePostgres('-- dma-ignore-file reviewed by the DBA\nALTER TABLE t ADD COLUMN a int;', {
      rules,
    });
    expect(all.findings).toEqual([]);
    expect(all.suppressed).toHaveLength(2);
  });

  it('reports unknown rule ids at their exact position, with a suggestion', async () => {
    const sql = 'SELECT 1;\n  -- dma-ignore test-rule-c, test-rule-a\nALTER TABLE t ADD COLUMN a int;';
    const report = await validatePostgres(sql, { rules });
    const unknown = report.findings.find((f) => f.ruleId === 'unknown-ignore');
    expect(unknown?.span).toEqual({ start: { line: 2, column: 17 }, end: { line: 2, column: 28 } });
    expect(unknown?.message).toContain('"test-rule-c"');
    expect(unknown?.message).toContain('did you mean');
    expect(ids(report)).toEqual(['unknown-ignore@2', 'test-rule-b@3']);
  });

  it('-- dma-ignore without ids silences every rule on the next statement', async () => {
    const report = await validatePostgres(
      '-- dma-ignore reviewed\nALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b int;',
      { rules },
    );
    expect(ids(report)).toEqual(['test-rule-a@3', 'test-rule-b@3']);
  });

  it('unknown-ignore findings cannot themselves be silenced by a file-wide ignore', async () => {
    const report = await validatePostgres('-- dma-ignore-file\n-- dma-ignore nope-rule\nSELECT 1;', { rules });
    expect(ids(report)).toEqual(['unknown-ignore@2']);
  });
});
