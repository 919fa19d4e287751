import type { SchemaDiff } from './types.js';

const SIGN = { safe: '✓', careful: '!', dangerous: '✗' } as const;

/** A readable plan: counts, one line per operation (category, kind, object, reason), the questions to answer. */
export function renderSchemaDiff(diff: SchemaDiff, options: { sql?: boolean; limit?: number } = {}): string {
  if (diff.operations.length === 0 && diff.questions.length === 0) return 'No difference.';
  const lines = [
    `${diff.operations.length} operation(s): ${diff.summary.dangerous} dangerous, ${diff.summary.careful} careful, ${diff.summary.safe} safe`,
  ];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  for (const op of diff.operations.slice(0, limit)) {
    lines.push(`${SIGN[op.safety]} ${op.safety.padEnd(9)} ${op.kind} ${op.object}: ${op.reason}`);
    if (op.dataLoss) lines.push(`    data lost: ${op.dataLoss}`);
    if (options.sql) for (const statement of op.sql) lines.push(`    ${statement.replace(/\n/g, '\n    ')};`);
  }
  if (diff.operations.length > limit) lines.push(`… ${diff.operations.length - limit} more operation(s)`);
  for (const question of diff.questions)
    lines.push(
      `? ${question.kind} ${question.table ? `${question.table}.` : ''}${question.from} → ${question.to} looks renamed (${question.evidence.join('; ')}); answer renames: [${JSON.stringify(question.answer)}]`,
    );
  for (const note of diff.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
