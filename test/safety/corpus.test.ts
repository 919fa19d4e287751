import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePostgres } from '../../src/safety/engine.js';
import { formatResult } from '../../src/safety/format.js';
import { RULES } from '../../src/safety/rules/index.js';
import { checkSqlInputs } from '../../src/safety/run.js';
import { parsePostgres } from '../../src/sql/postgres.js';

const CORPUS = path.join(import.meta.dirname, '../fixtures/pg-corpus');
const files = readdirSync(CORPUS)
  .filter((name) => name.endsWith('.sql'))
  .sort()
  .map((name) => ({ file: name, sql: readFileSync(path.join(CORPUS, name), 'utf8') }));

describe('valid PostgreSQL corpus through the whole rule set', () => {
  it('has a varied corpus', () => {
    const all = files.map((f) => f.sql).join('\n');
    for (const feature of [
      '$$',
      'DO $$',
      'COPY',
      'PARTITION OF',
      'MERGE INTO',
      'WITH RECURSIVE',
      'GRANT',
      'CREATE TRIGGER',
      'CREATE OR REPLACE VIEW',
      'CREATE TYPE',
      'CREATE DOMAIN',
      '/*',
      '--',
    ]) {
      expect(all).toContain(feature);
    }
  });

  for (const { file, sql } of files) {
    it(`${file}: every statement is located exactly and no rule crashes`, async () => {
      const statements = await parsePostgres(sql, file);
      for (const statement of statements) {
        expect(sql.slice(statement.offset.start, statement.offset.end)).toBe(statement.sql);
        expect(statement.sql).not.toMatch(/^\s|;\s*$/);
      }
      for (const options of [
        {},
        { assumeInTransaction: true },
        { pgVersion: 11, rowCounts: { users: 5_000_000, measurements: 90_000_000 } },
      ]) {
        const report = await validatePostgres(sql, { file, ...options });
        expect(report.ruleErrors).toEqual([]);
        expect(report.statementCount).toBe(statements.length);
        expect(report.checklist).toHaveLength(7);
        for (const finding of report.findings) {
          expect(finding.span.start.line).toBeGreaterThanOrEqual(1);
          expect(finding.statement.length).toBeGreaterThan(0);
        }
      }
    });
  }

  it('runs the files in order as one history and renders every format', async () => {
    const result = await checkSqlInputs(files, { rowCounts: { users: 2_000_000 } });
    expect(result.errors).toEqual([]);
    expect(result.files).toHaveLength(files.length);
    expect(result.files.flatMap((report) => report.ruleErrors)).toEqual([]);
    const sources = new Map(files.map((f) => [f.file, f.sql]));
    const rules = new Map(RULES.map((rule) => [rule.meta.id, rule.meta]));
    for (const format of ['text', 'json', 'sarif', 'github', 'markdown'] as const) {
      expect(formatResult(result, format, { sources, rules }).length).toBeGreaterThan(100);
    }
  });
});
