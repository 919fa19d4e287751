import type { RollbackPlan } from './rollback.js';

/** The rollback plan as a short text a human reviews: verdict first, then what to run and what to check. */
export function renderRollbackPlan(plan: RollbackPlan): string {
  const lines = [
    `Rollback plan for ${plan.migration.path} (${plan.migration.format}, ${plan.engine}): ${plan.grade.toUpperCase()}`,
  ];
  for (const item of plan.evidence)
    lines.push(
      `  ${item.phase}${item.statement ? ` #${item.statement}` : ''}: ${item.why}${item.sql ? ` — ${oneLine(item.sql)}` : ''}`,
    );
  for (const loss of plan.lost) lines.push(`  lost (${loss.by}): ${loss.object}: ${loss.what}`);
  lines.push('', proofLine(plan));
  for (const finding of plan.findings) lines.push(`finding: ${finding}`);
  const downFrom =
    plan.down.source === 'project'
      ? `the project's own (${plan.down.file ?? plan.migration.path})`
      : plan.down.matchesEarlierSchema === false
        ? "derived from the up (the project's own does not give back the earlier schema)"
        : 'derived from the up (the project has none)';
  lines.push('', `Down: ${downFrom}, ${plan.down.statements.length} statement(s)`);
  if (plan.down.validation)
    lines.push(
      `  validate_safety: ${plan.down.validation.risk}${plan.down.validation.findings.map((finding) => `\n  ${finding.severity} #${finding.statement} ${finding.rule}: ${finding.message}`).join('')}`,
    );
  lines.push('', `Automatic rollback (${plan.command.source}):`);
  lines.push(`  ${plan.command.command ?? 'none: use the manual steps'}`);
  for (const note of plan.command.notes) lines.push(`  note: ${note}`);
  if (plan.pointsOfNoReturn.length > 0) {
    lines.push('', 'Point of no return:');
    for (const point of plan.pointsOfNoReturn)
      lines.push(
        `  ${point.phase} #${point.statement} ${oneLine(point.sql)}`,
        `    loses: ${point.lost}`,
        `    backup first: ${point.backup}`,
      );
  }
  lines.push('', 'Manual rollback (when the automatic one fails):');
  plan.manual.steps.forEach((step, index) => {
    lines.push(`  ${index + 1}. ${step}`);
    if (step.startsWith('run the down SQL')) for (const sql of plan.down.statements) lines.push(`     ${sql};`);
  });
  lines.push('', 'Verify afterwards:');
  for (const query of plan.manual.verify) lines.push(`  -- ${query.check}`, `  ${oneLine(query.sql)};`);
  for (const caveat of plan.caveats) lines.push(`caveat: ${caveat}`);
  for (const note of plan.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

export function proofLine(plan: RollbackPlan): string {
  const proof = plan.proof;
  if (proof.status === 'skipped') return `Proof: not rehearsed (${proof.reason ?? 'no shadow'})`;
  const where = `${proof.shadow}, ${proof.rowsPerTable} synthetic row(s) per table, ${proof.down} down`;
  if (proof.status === 'passed') return `Proof: up → down → up passed on ${where}`;
  const failed = proof.failedAt;
  return failed
    ? `Proof: FAILED at ${failed.phase} statement ${failed.statement} (${failed.location}): ${failed.message} — on ${where}`
    : `Proof: FAILED — the down leaves ${(proof.schemaDifference ?? []).join('; ')} — on ${where}`;
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}…` : flat;
}
