import { describe, expect, it } from 'vitest';
import { validatePostgres } from '../../src/safety/engine.js';
import { CHUNK_CHARS, PIECES_ABOVE_CHARS } from '../../src/sql/chunks.js';

/**
 * Fix builders read expressions out of the statement text through the statement's own parse tree, its
 * locations shifted to the statement (no second parse). Multi-byte text before and inside the statement, and a
 * file parsed in several pieces, must not move what they cut out.
 */

function fixSqlOf(report: Awaited<ReturnType<typeof validatePostgres>>, ruleId: string): string[] {
  return report.findings
    .filter((finding) => finding.ruleId === ruleId)
    .flatMap((finding) => finding.fix?.steps.map((step) => step.sql) ?? []);
}

describe('expressions cut out of statements for fixes', () => {
  const filler = "SELECT 'ünïcødé 🚀; still a string';\n".repeat(
    Math.ceil((PIECES_ABOVE_CHARS + CHUNK_CHARS * 3) / 36),
  );

  it('finds the CHECK body of a statement deep in a large multi-byte file', async () => {
    const report = await validatePostgres(
      `${filler}ALTER TABLE orders ADD CONSTRAINT orders_note_short CHECK (char_length(note) < 10);\n`,
    );
    expect(fixSqlOf(report, 'check-constraint-not-valid')).toContain(
      "SET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_note_short CHECK (char_length(note) < 10) NOT VALID;",
    );
  });

  it('finds the CHECK body when the statement itself holds multi-byte text', async () => {
    const report = await validatePostgres(
      `${filler}ALTER TABLE orders ADD CONSTRAINT orders_note_known CHECK (note <> 'café ☕' AND note <> 'x');\n`,
    );
    expect(fixSqlOf(report, 'check-constraint-not-valid')).toContain(
      "SET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_note_known CHECK (note <> 'café ☕' AND note <> 'x') NOT VALID;",
    );
  });

  it('finds the new type and USING expression of a type change after multi-byte statements', async () => {
    const report = await validatePostgres(
      `${filler}ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2) USING total::numeric(12, 2);\n`,
    );
    const steps = fixSqlOf(report, 'column-type-change');
    expect(steps[0]).toBe("SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN total_new numeric(12, 2);");
    expect(steps.join('\n')).toContain('total_new = total::numeric(12, 2)');
  });
});
