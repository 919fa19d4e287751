import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_RULES } from './builtin.js';
import { RULES } from './rules/index.js';
import { allSafetyEngines, SAFETY_ENGINE_NAMES } from './safety-engines.js';
import type { RuleMeta } from './types.js';

/**
 * Rule documentation generated from rule metadata: the rule catalog (MCP resource), `check --explain`, and
 * docs/rules/<id>.md + docs/rules/README.md. Run `npx tsx src/safety/docs.ts` to rewrite docs/rules/;
 * a test fails when the committed docs differ from the metadata.
 */

/**
 * Every rule's metadata: PostgreSQL's rules, then its engine's own findings, then each other engine's rules
 * (safety-engines.ts order), each group sorted by id.
 */
export async function allRuleMeta(): Promise<RuleMeta[]> {
  const ids = new Set(RULES.map((rule) => rule.meta.id));
  const byId = (a: RuleMeta, b: RuleMeta) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const others = (await allSafetyEngines())
    .filter((engine) => engine.name !== 'postgresql')
    .flatMap((engine) => engine.ruleMeta().sort(byId));
  return [
    ...RULES.map((rule) => rule.meta).sort(byId),
    ...ENGINE_RULES.filter((meta) => !ids.has(meta.id)).sort(byId),
    ...others,
  ];
}

/** The rule catalog as served by the `db-migration-agent://rules` resource. */
export async function ruleCatalogJson(): Promise<string> {
  return `${JSON.stringify({ engines: SAFETY_ENGINE_NAMES, rules: await allRuleMeta() }, null, 2)}\n`;
}

function lockLines(meta: RuleMeta): string[] {
  if (meta.locks.length === 0) return ['- Locks: none of its own'];
  return meta.locks.map((lock) => `- Lock: \`${lock.mode}\` on the ${lock.on} — blocks ${lock.blocks}`);
}

function peerLine(meta: RuleMeta): string | undefined {
  const peers = Object.entries(meta.peers ?? {});
  if (peers.length === 0) return undefined;
  return `- Same check elsewhere: ${peers.map(([tool, name]) => `${tool} \`${name}\``).join(', ')}`;
}

/** docs/rules/<id>.md */
export function renderRuleDoc(meta: RuleMeta): string {
  const facts = [
    `- Category: **${meta.category}** · default severity: **${meta.defaultSeverity}** · engines: ${meta.engines.join(', ')}`,
    ...lockLines(meta),
    `- Rewrites the table: ${meta.rewritesTable ? 'yes' : 'no'} · scans the table: ${meta.scansTable ? 'yes' : 'no'} · breaks old application code: ${meta.breaksOldCode ? 'yes' : 'no'}`,
  ];
  const peers = peerLine(meta);
  if (peers) facts.push(peers);
  return [
    `<!-- Generated from the rule metadata by src/safety/docs.ts; do not edit by hand. -->`,
    `# ${meta.id}`,
    '',
    `**${meta.title}**`,
    '',
    ...facts,
    '',
    '## Why',
    '',
    meta.why,
    '',
    '## Instead',
    '',
    meta.safeAlternative,
    '',
    '## Example',
    '',
    'Flagged:',
    '',
    '```sql',
    meta.examples.bad,
    '```',
    '',
    'Safe:',
    '',
    '```sql',
    meta.examples.good,
    '```',
    '',
    '## Ignoring it',
    '',
    `Per statement: \`-- dma-ignore ${meta.id} <reason>\` on the line before. Per file: \`-- dma-ignore-file ${meta.id}\`. Project-wide: \`"rules": { "${meta.id}": "off" }\` in \`db-migration-agent.config.json\`.`,
    '',
  ].join('\n');
}

/** docs/rules/README.md */
export function renderRuleIndex(metas: RuleMeta[]): string {
  const rows = metas.map(
    (meta) =>
      `| [\`${meta.id}\`](${meta.id}.md) | ${meta.title.replace(/\|/g, '\\|')} | ${meta.engines.join(', ')} | ${meta.category} | ${meta.defaultSeverity} | ${meta.locks.map((lock) => lock.mode).join(', ') || '—'} |`,
  );
  return [
    `<!-- Generated from the rule metadata by src/safety/docs.ts; do not edit by hand. -->`,
    '# Safety rules',
    '',
    `${metas.length} checks run by \`db-migration-agent check\` and the \`validate_safety\` MCP tool, for PostgreSQL, MySQL/MariaDB and SQLite. Each page says why the statement is dangerous, the lock it takes, and the safe sequence to use instead.`,
    '',
    '| Rule | What it catches | Engines | Category | Default | Lock |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** Plain-text documentation for `check --explain <rule>`. */
export function explainRule(meta: RuleMeta): string {
  const peers = peerLine(meta);
  return [
    `${meta.id} — ${meta.title}`,
    '',
    `Category: ${meta.category}   Default severity: ${meta.defaultSeverity}   Engines: ${meta.engines.join(', ')}`,
    ...lockLines(meta).map((line) => line.replace(/^- /, '').replace(/`/g, '')),
    `Rewrites the table: ${meta.rewritesTable ? 'yes' : 'no'}   Scans the table: ${meta.scansTable ? 'yes' : 'no'}   Breaks old code: ${meta.breaksOldCode ? 'yes' : 'no'}`,
    ...(peers ? [peers.replace(/^- /, '').replace(/`/g, '')] : []),
    '',
    'Why:',
    `  ${meta.why}`,
    '',
    'Instead:',
    `  ${meta.safeAlternative}`,
    '',
    'Flagged:',
    ...meta.examples.bad.split('\n').map((line) => `  ${line}`),
    '',
    'Safe:',
    ...meta.examples.good.split('\n').map((line) => `  ${line}`),
    '',
    `Ignore once: -- dma-ignore ${meta.id} <reason>`,
    '',
  ].join('\n');
}

/** Every generated file, path relative to the repository root → content. */
export async function generatedRuleDocs(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const metas = await allRuleMeta();
  files.set('docs/rules/README.md', renderRuleIndex(metas));
  for (const meta of metas) files.set(`docs/rules/${meta.id}.md`, renderRuleDoc(meta));
  return files;
}

function existingRuleDocs(repositoryRoot: string): string[] {
  try {
    return readdirSync(path.join(repositoryRoot, 'docs/rules'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/rules/${name}`);
  } catch {
    return [];
  }
}

/** Files whose content differs from the metadata (missing ones, and pages of rules that no longer exist). */
export async function staleRuleDocs(repositoryRoot: string): Promise<string[]> {
  const generated = await generatedRuleDocs();
  const stale: string[] = existingRuleDocs(repositoryRoot).filter((relative) => !generated.has(relative));
  for (const [relative, content] of generated) {
    let current: string | undefined;
    try {
      current = readFileSync(path.join(repositoryRoot, relative), 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== content) stale.push(relative);
  }
  return stale;
}

export async function writeRuleDocs(repositoryRoot: string): Promise<string[]> {
  const written: string[] = [];
  const generated = await generatedRuleDocs();
  for (const relative of existingRuleDocs(repositoryRoot)) {
    if (!generated.has(relative)) rmSync(path.join(repositoryRoot, relative));
  }
  for (const [relative, content] of generated) {
    const target = path.join(repositoryRoot, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    written.push(relative);
  }
  return written;
}

// `npx tsx src/safety/docs.ts` regenerates docs/rules/ in this repository.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const written = await writeRuleDocs(root);
  process.stdout.write(`wrote ${written.length} files under docs/rules/\n`);
}
