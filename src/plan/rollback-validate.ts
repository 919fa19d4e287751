import type { Engine, Migration } from '../model.js';

/**
 * The down checked by validate_safety's engine as the next migration after the up: a down is a migration too, and
 * it runs under pressure, so its locks and failures matter. validate_safety reads PostgreSQL only.
 */

export interface DownValidation {
  risk: string;
  findings: { statement: number; rule: string; severity: string; message: string }[];
}

const MAX_FINDINGS = 8;

export async function validateDown(
  engine: Engine,
  statements: string[],
  root: string,
  history: Migration[],
  file: string,
): Promise<DownValidation | undefined> {
  if (engine !== 'postgresql' || statements.length === 0) return undefined;
  const { checkSqlInputs } = await import('../safety/run.js');
  const result = await checkSqlInputs([{ file, sql: statements.map((sql) => `${sql};`).join('\n') }], {
    root,
    history: history.map((migration) => ({
      sql: migration.up.map((statement) => `${statement.sql};`).join('\n'),
      file: migration.path,
    })),
  });
  // Infos (statement_timeout, re-runnable statements) are the same for every down: only what can hurt is kept.
  const findings = result.files.flatMap((report) => report.findings).filter((finding) => finding.severity !== 'info');
  return {
    risk: result.risk,
    findings: findings.slice(0, MAX_FINDINGS).map((finding) => ({
      statement: finding.statementIndex + 1,
      rule: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
    })),
  };
}
