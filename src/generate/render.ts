import type { GenerateResult } from './generate.js';

/** generate_migration's readable answer: verdict, files, phases with their application changes, the proof. */
export function renderGenerateResult(result: GenerateResult): string {
  const lines: string[] = [];
  const state = result.written ? 'written' : `not written (${result.notWrittenBecause})`;
  lines.push(
    `${result.drafts.length} migration(s) for ${result.format} in ${result.folder} (${result.engine}), ${state}; risk ${result.risk}`,
  );
  for (const reason of result.riskReasons) lines.push(`  - ${reason}`);
  for (const [index, draft] of result.drafts.entries()) {
    const rehearsal = result.rehearsal[index];
    const validation = result.validation[index];
    const phase = draft.phase ? ` [${draft.phase.index}/${draft.phase.of} ${draft.phase.label}]` : '';
    const proof = [
      rehearsal ? `rehearsal ${rehearsal.outcome}${rehearsal.reason ? ` (${rehearsal.reason})` : ''}` : 'not rehearsed',
      validation && validation.risk !== 'NOT CHECKED' ? `validation ${validation.risk}` : undefined,
      draft.transactional ? undefined : 'outside a transaction',
    ].filter(Boolean);
    lines.push(`${index + 1}. ${draft.name}${phase}: ${proof.join(', ')}`);
    for (const file of draft.files) lines.push(`   ${file}`);
    if (draft.applicationChange) lines.push(`   app first: ${draft.applicationChange}`);
  }
  if (result.withheld.length) {
    lines.push('Withheld (destroys data; pass confirmDestructive: true to generate):');
    for (const item of result.withheld) lines.push(`  ✗ ${item.migration}: ${item.drops}`);
  }
  for (const note of result.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
