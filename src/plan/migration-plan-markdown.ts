import type { MigrationPlan, PlanChecklistItem, TimelineEntry } from './migration-plan-types.js';
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
  for (const rollback of plan.rollback) {
    if (plan.rollback.length > 1) out.push(`**${rollback.migration}**`, '');
    if (rollback.command)
      out.push(`Automatic rollback (${rollback.command.source}):`, '', fence(rollback.command.command, 'bash'), '');
    const origin =
      rollback.source === 'migration'
        ? "The migration's own down"
        : rollback.source === 'derived'
          ? 'Down derived from the schema before and after the migration'
          : 'No down migration could be found or derived';
    out.push(`${origin}; up → down → up on the shadow: **${rollback.tested}**.`, '');
    if (rollback.statements.length)
      out.push(fence(rollback.statements.map((statement) => `${statement};`).join('\n'), 'sql'), '');
    if (rollback.pointsOfNoReturn.length) {
      out.push('Point of no return:', '');
      for (const point of rollback.pointsOfNoReturn) out.push(`- ${point.object}: ${point.lost}`);
      out.push('');
    } else out.push('Point of no return: none — the down gives back every table and column.', '');
    for (const note of rollback.notes) out.push(`> ${note}`);
    if (rollback.notes.length) out.push('');
  }
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
