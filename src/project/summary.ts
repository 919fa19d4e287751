import path from 'node:path';
import type { DetectResult, PackageSetup } from './types.js';

/** A readable Markdown summary of a DetectResult, shared by the detect_setup tool and `db-migration-agent detect`. */
/** `name` is what the heading calls the project; by default the folder's name. */
export function summarizeDetect(result: DetectResult, name = path.basename(result.root)): string {
  const lines: string[] = [];
  const multi = result.packages.length > 1;
  lines.push(
    // The folder's name, not its absolute path: the text is read by people and agents, often in a shared log.
    `# Database setup of ${name}`,
    '',
    `${result.stats.files} files walked in ${result.stats.elapsedMs} ms${result.stats.capped ? ' (capped: see warnings)' : ''}; ${result.packages.length} package${multi ? 's' : ''}.`,
  );
  for (const setup of result.packages) lines.push('', ...summarizePackage(setup, multi));
  if (result.ambiguities.length) {
    lines.push('', '## Ambiguities (not guessed — ask the user)', ...result.ambiguities.map((item) => `- ${item}`));
  }
  if (result.warnings.length) {
    const shown = result.warnings.slice(0, 20);
    lines.push('', '## Warnings', ...shown.map((item) => `- ${item}`));
    if (result.warnings.length > shown.length) lines.push(`- … and ${result.warnings.length - shown.length} more`);
  }
  return lines.join('\n');
}

function summarizePackage(setup: PackageSetup, multi: boolean): string[] {
  const lines: string[] = [];
  lines.push(multi || setup.path !== '.' ? `## ${setup.path}${setup.name ? ` (${setup.name})` : ''}` : '## Setup');
  const tools = setup.orms.map((orm) => `${orm.name}${orm.version ? ` ${orm.version}` : ''}`).join(', ');
  lines.push(`- ORM / migration tool: ${tools || 'none found'}`);
  lines.push(
    setup.engine
      ? `- Engine: ${setup.engine.name}${setup.engine.version ? ` ${setup.engine.version}` : ''} (from ${setup.engine.evidence.map((item) => `${item.file}: ${item.what}`).join('; ')})`
      : '- Engine: not determined',
  );
  if (setup.schemaFiles.length) lines.push(`- Schema files: ${listShort(setup.schemaFiles)}`);
  for (const dir of setup.migrationDirs) {
    const folders = [dir.path, ...(dir.alongside ?? [])];
    const inDir = setup.migrations.filter((migration) =>
      folders.some((folder) => migration.path.startsWith(`${folder}/`)),
    );
    const latest = inDir.at(-1);
    const where = folders.map((folder) => `${folder}/`).join(' + ');
    const together = dir.alongside ? ', applied in one version order' : '';
    lines.push(`- Migrations: ${where} (${dir.tool}, ${dir.count}${latest ? `, latest ${latest.id}` : ''}${together})`);
  }
  for (const convention of setup.conventions) {
    lines.push(
      `- Conventions (${convention.tool}): ${convention.naming}, ${convention.extension}, ${convention.moduleStyle}; down: ${convention.down}; transactions: ${convention.transaction}; e.g. ${convention.example}`,
    );
  }
  if (setup.seeds.length) lines.push(`- Seeds: ${listShort(setup.seeds)}`);
  const commands = Object.entries(setup.commands).map(([action, command]) => `  ${action}: \`${command.command}\``);
  if (commands.length) lines.push('- Commands:', ...commands);
  return lines;
}

function listShort(items: string[]): string {
  return items.length > 6 ? `${items.slice(0, 6).join(', ')} … (+${items.length - 6})` : items.join(', ');
}
