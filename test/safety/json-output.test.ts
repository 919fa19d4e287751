import { describe, expect, it } from 'vitest';
import { formatResult } from '../../src/safety/format.js';
import { toJsonDocument } from '../../src/safety/output/json.js';
import { jsonDocumentParts } from '../../src/safety/output/json-stream.js';
import { checkSqlInputs } from '../../src/safety/run.js';
import { METAS, TWO_FILES, TWO_FILES_OPTIONS } from '../helpers/json-report.js';

async function result() {
  return checkSqlInputs(TWO_FILES, TWO_FILES_OPTIONS);
}

describe('--format json document', () => {
  it('streams exactly the document it describes (large reports are streamed, small ones indented)', async () => {
    const checked = await result();
    const streamed = JSON.parse(jsonDocumentParts(checked, METAS, 0).join('')) as unknown;
    expect(streamed).toEqual(JSON.parse(JSON.stringify(toJsonDocument(checked, METAS))));
    expect(JSON.parse(formatResult(checked, 'json', { sources: new Map(), rules: METAS }))).toEqual(streamed);
  });

  it('keeps every fact of every finding: rule facts in `rules`, statement text in `statements`', async () => {
    const checked = await result();
    const document = toJsonDocument(checked, METAS);
    expect(document.files).toHaveLength(2);
    for (const [fileIndex, report] of checked.files.entries()) {
      const written = document.files[fileIndex];
      expect(written?.findings).toHaveLength(report.findings.length);
      for (const [index, finding] of report.findings.entries()) {
        const compact = written?.findings[index];
        const rule = document.rules[finding.ruleId];
        expect(rule).toBeDefined();
        // Rebuild the full finding from the compact one, its rule and its statement: nothing is lost.
        const rebuilt = {
          ruleId: compact?.ruleId,
          title: compact?.title ?? rule?.title,
          severity: compact?.severity,
          category: compact?.category ?? rule?.category,
          message: compact?.message,
          why: compact?.why ?? rule?.why,
          file: compact?.file,
          statementIndex: compact?.statementIndex,
          span: compact?.span,
          statement: written?.statements[String(compact?.statementIndex)],
          table: compact?.table,
          locks: compact?.locks ?? rule?.locks,
          rewritesTable: compact?.rewritesTable ?? rule?.rewritesTable,
          scansTable: compact?.scansTable ?? rule?.scansTable,
          breaksOldCode: compact?.breaksOldCode ?? rule?.breaksOldCode,
          fix: compact?.fix,
          estimatedLockSeconds: compact?.estimatedLockSeconds,
        };
        expect(JSON.parse(JSON.stringify(rebuilt))).toEqual(JSON.parse(JSON.stringify(finding)));
      }
      // Only statements with findings are written, each once.
      expect(Object.keys(written?.statements ?? {}).map(Number)).toEqual([
        ...new Set(report.findings.map((finding) => finding.statementIndex)),
      ]);
    }
    expect(Object.keys(document.rules)).toEqual([...Object.keys(document.rules)].sort());
    expect(document.rules['require-concurrent-index-creation']?.safeAlternative).toBe(
      METAS.get('require-concurrent-index-creation')?.safeAlternative,
    );
    expect(document.rules['column-type-change']?.docs).toBe('docs/rules/column-type-change.md');
  });
});
