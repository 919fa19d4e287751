import type { MigrationPlan, PlanChecklistItem, PlanRollback, TimelineEntry } from './migration-plan-types.js';
import { proofLine } from './rollback-render.js';
import { formatMs, renderGantt } from './timeline-render.js';

/**
 * The plan as Markdown, section for section the seed's plan template (Summary, Risk Level, Changes, Migration
 * File, Rollback, Safety Checklist, Deployment Steps, Estimated Impact), plus the lock timeline as a Mermaid
 * gantt chart GitHub renders in a pull-request comment.
 */

const MARK: Record<PlanChecklistItem['status'], string> = { pass: '[x]', fail: '[ ]', unknown: '[ ]' };

export function renderPlanMarkdown(plan: MigrationPlan): string {
  const out: string[] = [];
  out.push(`## Migration Plan: ${plan.name}`, '');
  out.push('### Summary', '', plan.summary, '');
  out.push(`### Risk Level: ${plan.risk}`, '');
  for (const reason of plan.riskReasons) out.push(`- ${reason}`);
  out.push('');
  out.push('### Changes', '', '| Action | Table | Column | Details |', '|--------|-------|--------|---------|');
  for (const change of plan.changes)
    out.push(`| ${cell(change.action)} | ${cell(change.table)} | ${cell(change.column)} | ${cell(change.details)} |`);
  out.push('');
  out.push(plan.migrations.length > 1 ? '### Migration Files' : '### Migration File', '');
  for (const file of plan.migrations) {
    out.push(
      `\`${file.path}\` — ${file.format}, ${file.statements} statement(s), ${file.transactional ? 'one transaction' : file.oneQuery ? 'sent as one query (one implicit transaction)' : 'no wrapping transaction'}`,
      '',
    );
    if (file.source !== undefined) out.push(fence(file.source, language(file.path)), '', 'Compiles to:', '');
    out.push(fence(file.sql, 'sql'), '');
  }
  out.push('### Rollback', '');
  for (const rollback of plan.rollback) out.push(...rollbackSection(rollback, plan.rollback.length > 1));
  const down = plan.timeline.entries.filter((entry) => entry.phase === 'down');
  if (down.length) out.push('Locks while rolling back:', '', fence(renderGantt(plan.timeline, 'down'), 'mermaid'), '');
  out.push('### Safety Checklist', '');
  for (const item of plan.checklist)
    out.push(
      `- ${MARK[item.status]} ${item.title}${item.status === 'unknown' ? ' (not verified)' : ''} — ${item.evidence.map((line) => line.replace(/\.$/, '')).join('; ')}`,
    );
  out.push('');
  out.push(
    '### Lock Timeline',
    '',
    `Durations: ${plan.timeline.basis}; lock_timeout ${formatMs(plan.timeline.lockTimeoutMs)}.`,
    '',
  );
  const up = plan.timeline.entries.filter((entry) => entry.phase === 'up');
  if (up.length) {
    out.push(fence(renderGantt(plan.timeline, 'up'), 'mermaid'), '');
    out.push('| Statement | Table | Lock | Blocks | From | For |', '|---|---|---|---|---:|---:|');
    for (const entry of up) out.push(timelineRow(entry));
    out.push('');
  } else out.push('No lock on an existing table was observed.', '');
  out.push('### Deployment Steps', '');
  let number = 0;
  for (const step of plan.deployment) {
    number++;
    out.push(`${number}. **${step.environment}** — ${step.title}${step.detail ? `. ${step.detail}` : ''}`);
    if (step.commands.length) out.push('', indent(fence(step.commands.join('\n'), commandLanguage(step.commands)), 3));
    out.push('');
  }
  out.push('### Estimated Impact', '');
  out.push(`- **Downtime**: ${plan.impact.downtime}`);
  out.push(`- **Lock duration**: ${plan.impact.lockDuration}`);
  out.push(`- **Affected tables**: ${plan.impact.affectedTables.join(', ') || 'none'}`);
  if (plan.notes.length) {
    out.push('');
    for (const note of plan.notes) out.push(`> ${note}`);
  }
  return `${out.join('\n')}\n`;
}

/** rollback_plan's answer as Markdown: the verdict and proof, what to run, where it turns lossy, how to check. */
function rollbackSection(rollback: PlanRollback, several: boolean): string[] {
  const out: string[] = several ? [`**${rollback.migration}**`, ''] : [];
  const plan = rollback.plan;
  if (!plan) return [...out, `No rollback plan: ${rollback.error ?? 'unknown reason'}.`, ''];
  out.push(`**${plan.grade.toUpperCase()}**. ${proofLine(plan)}.`, '');
  for (const item of plan.evidence)
    out.push(`- ${item.phase}${item.statement ? ` #${item.statement}` : ''}: ${item.why}`);
  for (const loss of plan.lost) out.push(`- lost (${loss.by}): ${loss.object}: ${loss.what}`);
  for (const finding of plan.findings) out.push(`- finding: ${finding}`);
  if (plan.evidence.length + plan.lost.length + plan.findings.length) out.push('');
  out.push(`Automatic rollback (${plan.command.source}):`, '');
  out.push(plan.command.command ? fence(plan.command.command, 'bash') : 'none: use the manual steps.', '');
  for (const note of plan.command.notes) out.push(`> ${note}`);
  if (plan.command.notes.length) out.push('');
  const from =
    plan.down.source === 'project'
      ? `the project's own (${plan.down.file ?? plan.migration.path})`
      : 'derived from the schema before and after the up';
  out.push(`Down: ${from}, ${plan.down.statements.length} statement(s):`, '');
  if (plan.down.statements.length)
    out.push(fence(plan.down.statements.map((statement) => `${statement};`).join('\n'), 'sql'), '');
  if (plan.pointsOfNoReturn.length) {
    out.push('Point of no return:', '');
    for (const point of plan.pointsOfNoReturn)
      out.push(
        `- ${point.phase} #${point.statement} \`${oneLine(point.sql)}\`: loses ${point.lost}; back up first: \`${point.backup}\``,
      );
    out.push('');
  } else out.push('Point of no return: none — the down gives back every table and column.', '');
  out.push('Manual rollback, when the automatic one fails:', '');
  out.push(...plan.manual.steps.map((step, index) => `${index + 1}. ${step}`));
  out.push('', 'Verify afterwards:', '');
  out.push(fence(plan.manual.verify.map((query) => `-- ${query.check}\n${oneLine(query.sql)};`).join('\n'), 'sql'), '');
  for (const note of [...plan.caveats, ...plan.notes]) out.push(`> ${note}`);
  if (plan.caveats.length + plan.notes.length) out.push('');
  return out;
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

function timelineRow(entry: TimelineEntry): string {
  return `| ${cell(`${entry.migration} #${entry.statement} ${entry.sql}`)} | ${cell(entry.table)} | ${entry.mode} | ${entry.blocks} | ${formatMs(entry.startMs)} | ${formatMs(entry.durationMs)}${entry.exceedsLockTimeout ? ' ⚠' : ''} (${entry.source}) |`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fence(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${text.replace(/\n+$/, '')}\n${ticks}`;
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n');
}

function language(file: string): string {
  if (/\.tsx?$/.test(file)) return 'ts';
  if (/\.[cm]?js$/.test(file)) return 'js';
  if (file.endsWith('.py')) return 'python';
  return '';
}

function commandLanguage(commands: string[]): string {
  return commands.every((command) => /^(SELECT|SET|PRAGMA|--)/i.test(command)) ? 'sql' : 'bash';
}
