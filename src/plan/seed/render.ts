import type { SeedResult } from './index.js';

/** The readable summary of a seed: what was seeded, the proof, the files and how to run them. */
export function renderSeedResult(result: SeedResult): string {
  const lines = [
    `Seed (${result.format}, ${result.engine}, seed ${result.seed}) from ${result.schema}: ${result.provenRows} rows proven on ${result.shadow}.`,
  ];
  for (const table of result.tables)
    lines.push(
      `- ${table.name}: ${table.rows} rows${table.reason === 'parent' ? ' (parent of a requested table)' : ''}${
        table.explicitIds.length > 0 ? `, explicit ${table.explicitIds.join(', ')}` : ''
      }`,
    );
  for (const file of result.files) lines.push(`${result.written ? 'Wrote' : 'File (not written)'}: ${file.path}`);
  lines.push(`Run: \`${result.run}\``);
  for (const hint of result.hints) lines.push(`Hint: ${hint}`);
  for (const note of result.notes) lines.push(`Note: ${note}`);
  return lines.join('\n');
}
