import { rollbackSummary } from './migration-plan-rollback.js';
import type { MigrationPlan } from './migration-plan-types.js';
import { formatMs, renderTerminalTimeline } from './timeline-render.js';

/**
 * The plan for a terminal or a tool result: summary, risk, changes, the lock timeline drawn in text, checklist
 * and impact — short enough to read at a glance; the full plan is the Markdown.
 */

const MARK = { pass: '✓', fail: '✗', unknown: '?' } as const;

export function renderPlanText(plan: MigrationPlan, options: { width?: number } = {}): string {
  const lines: string[] = [];
  lines.push(`Migration plan: ${plan.name} — risk ${plan.risk}`);
  lines.push(plan.summary);
  for (const reason of plan.riskReasons) lines.push(`  risk: ${reason}`);
  lines.push('');
  lines.push('Changes:');
  for (const change of plan.changes.slice(0, 12))
    lines.push(
      `  ${change.migration} #${change.statement} ${change.action} ${change.table}${change.column !== '—' ? `.${change.column}` : ''} — ${change.details}`,
    );
  if (plan.changes.length > 12) lines.push(`  … ${plan.changes.length - 12} more`);
  lines.push('');
  lines.push(renderTerminalTimeline(plan.timeline, 'up', options.width ?? 40));
  lines.push(`  (${plan.timeline.basis})`);
  lines.push('');
  lines.push('Checklist:');
  for (const item of plan.checklist)
    lines.push(
      `  ${MARK[item.status]} ${item.title}: ${item.evidence.map((line) => line.replace(/\.$/, '')).join('; ')}`,
    );
  lines.push('');
  for (const rollback of plan.rollback.map(rollbackSummary))
    lines.push(
      `Rollback ${rollback.migration}: ${rollback.grade}, ${rollback.down} down (${rollback.downStatements} statement(s)), up → down → up ${rollback.proof}${rollback.command ? `; ${rollback.command}` : ''}${rollback.pointsOfNoReturn.length ? `; point of no return: ${rollback.pointsOfNoReturn.map((point) => `${point.phase} #${point.statement}`).join(', ')}` : ''}`,
      ...rollback.findings.map((finding) => `  ${finding}`),
    );
  lines.push(`Downtime: ${plan.impact.downtime}`);
  lines.push(`Lock duration: ${plan.impact.lockDuration} (longest ${formatMs(plan.impact.longestBlockMs)})`);
  lines.push(`Affected tables: ${plan.impact.affectedTables.join(', ') || 'none'}`);
  for (const rehearsal of plan.rehearsals.filter((item) => item.outcome !== 'passed'))
    lines.push(
      `rehearsal ${rehearsal.migration}: ${rehearsal.outcome}${rehearsal.reason ? ` — ${rehearsal.reason}` : ''}`,
    );
  for (const note of plan.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
