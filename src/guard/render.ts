import type { ApplyVerdict } from './check-before-apply.js';

/** A verdict in a few lines: what a human (or a hook's message to the agent) reads. */
export function renderVerdict(verdict: ApplyVerdict): string {
  const lines = [
    `${verdict.verdict === 'pass' ? 'PASS' : 'FAIL'} — risk ${verdict.risk}, ${verdict.migrations.length} migration(s): ${verdict.pending}.`,
    ...verdict.reasons.map((reason) => `- ${reason}`),
    ...verdict.migrations.map(
      (migration) => `  ${migration.path}: risk ${migration.risk}, rollback ${migration.rollback}`,
    ),
    `Next: ${verdict.next}`,
  ];
  return lines.join('\n');
}
