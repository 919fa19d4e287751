import type { PackageContext } from '../../project/context.js';
import type { Conventions, DownPresence, MigrationEntry, ToolName } from '../../project/types.js';
import { baseOf, joinRelative } from '../../project/walk.js';
import type { MigrationScan } from '../types.js';

/**
 * What the format modules' `scan` members share: they look at the walked file index of one package (never at
 * the disk directly, never running project code) and describe each migration folder the way detect_setup reports
 * it — entries in apply order and the conventions a new migration must follow.
 */

export function entry(
  tool: ToolName,
  path: string,
  id: string,
  name: string,
  hasDown: boolean,
  transactional: boolean,
): MigrationEntry {
  return { id, name, path, tool, hasDown, transactional };
}

/** A scanned folder with its conventions; `transaction` says in words how the tool wraps migrations. */
export function finish(
  tool: ToolName,
  transaction: string,
  dir: string,
  migrations: MigrationEntry[],
  context: PackageContext,
): MigrationScan {
  const scan: MigrationScan = { dir: { path: dir, tool, count: migrations.length }, migrations };
  if (migrations.length) scan.conventions = conventionsOf(tool, transaction, migrations, context);
  return scan;
}

/** Files of `dir` whose names match, sorted by name, as project-root paths. */
export function filesOf(context: PackageContext, dir: string, pattern: RegExp): string[] {
  return context.files
    .filesIn(dir)
    .filter((name) => pattern.test(name))
    .sort()
    .map((name) => joinRelative(dir, name));
}

export function readIndexed(context: PackageContext, file: string): string {
  return context.files.read(file) ?? '';
}

/**
 * Folders of the package where a tool keeps migrations by convention (`migrations`, `db/migrate`,
 * `supabase/migrations`, `migrations-sqlite` …): content-based recognition looks only there, so a folder of scripts elsewhere that
 * happens to mention `queryInterface` is not taken for migrations.
 */
export function conventionalDirs(context: PackageContext): string[] {
  return context.ownDirs.filter((dir) => /^(migrations?([-_][a-z0-9]+)?|migrate|versions|drizzle)$/i.test(baseOf(dir)));
}

/** Body of a Python function (until the next top-level statement), without comments, docstrings and `pass`. */
export function pythonBody(source: string, functionName: string): string {
  const start = new RegExp(`def ${functionName}\\s*\\([^)]*\\)[^:]*:`).exec(source);
  if (!start) return '';
  const rest = source.slice(start.index + start[0].length);
  const end = rest.search(/\n(?=\S)/);
  return (end === -1 ? rest : rest.slice(0, end))
    .replace(/"""[\s\S]*?"""|'''[\s\S]*?'''/g, '')
    .replace(/#.*$/gm, '')
    .replace(/\bpass\b/g, '')
    .trim();
}

/** Text after a marker line up to the next marker (or the end), comments and blanks removed. */
export function sqlSection(source: string, marker: RegExp, nextMarker: RegExp): string | undefined {
  const start = marker.exec(source);
  if (!start) return undefined;
  const rest = source.slice(start.index + start[0].length);
  const end = rest.search(nextMarker);
  return (end === -1 ? rest : rest.slice(0, end)).replace(/--.*$/gm, '').trim();
}

/** Orders nodes after their dependencies (stable: ties keep the input order). */
export function topologicalOrder<T>(nodes: T[], key: (node: T) => string, dependsOn: (node: T) => string[]): T[] {
  const byKey = new Map(nodes.map((node) => [key(node), node]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: T[] = [];
  const visit = (node: T) => {
    const id = key(node);
    if (done.has(id) || visiting.has(id)) return;
    visiting.add(id);
    for (const dependency of dependsOn(node)) {
      const target = byKey.get(dependency);
      if (target) visit(target);
    }
    visiting.delete(id);
    done.add(id);
    order.push(node);
  };
  for (const node of nodes) visit(node);
  return order;
}

export const JS_MIGRATION = /^(?!.*\.d\.ts$)(?!.*\.map$).+\.(c|m)?(js|ts)$/;
export const JS_DOWN =
  /(export\s+(async\s+)?function\s+down\b|exports\.down\s*=|\bdown\s*[:=]\s*(async\s*)?(function|\()|\basync\s+down\s*\(|^\s*down\s*\()/m;

// ---------------------------------------------------------------------------------------------- conventions

const NAMING: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^\d{4}-\d{2}-\d{2}-\d{6}_/, () => 'YYYY-MM-DD-HHMMSS_name'],
  [/^\d{14}_/, () => 'YYYYMMDDHHMMSS_name'],
  [/^\d{14}-/, () => 'YYYYMMDDHHMMSS-name'],
  [/^\d{13}-/, () => '<unix ms>-Name'],
  [/^\d{13}_/, () => '<unix ms>_name'],
  [/^\d{4}_\d{2}_\d{2}_/, () => 'YYYY_MM_DD_name'],
  [/^Migration\d{14}/, () => 'MigrationYYYYMMDDHHMMSS'],
  [/^V\d+(?:[._]\d+)*__/, () => 'V<version>__name'],
  [/^\d+_\d{14}_/, () => '<n>_YYYYMMDDHHMMSS_name'],
  [/^\d{10}_/, () => '<unix s>_name'],
  [/^(\d+)_/, (match) => (match[1]!.length > 1 ? `${'0'.repeat(match[1]!.length - 1)}1_name` : '<n>_name')],
  [/^[0-9a-f]{8,}_/, () => '<revision>_name'],
];

function namingOf(base: string): string {
  for (const [pattern, label] of NAMING) {
    const match = pattern.exec(base);
    if (match) return label(match);
  }
  return 'name';
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

function conventionsOf(
  tool: ToolName,
  transaction: string,
  migrations: MigrationEntry[],
  context: PackageContext,
): Conventions {
  const bases = migrations.map((migration) => baseOf(migration.path));
  const newest = migrations.filter((migration) => !migration.id.startsWith('R:')).at(-1) ?? migrations.at(-1)!;
  const folderFormat = tool === 'prisma' || tool === 'diesel' || !/\.\w+$/.test(baseOf(newest.path));
  const extension = folderFormat
    ? tool === 'diesel'
      ? 'up.sql + down.sql'
      : 'migration.sql'
    : mostCommon(bases.map((base) => /\.(\w+)$/.exec(base)?.[0] ?? ''));
  const downs = migrations.filter((migration) => migration.hasDown).length;
  const down: DownPresence = downs === migrations.length ? 'always' : downs === 0 ? 'never' : 'sometimes';
  return {
    tool,
    naming: namingOf(baseOf(newest.path)),
    example: baseOf(newest.path),
    extension,
    moduleStyle: moduleStyleOf(extension, migrations, context),
    down,
    transaction,
  };
}

function moduleStyleOf(
  extension: string,
  migrations: MigrationEntry[],
  context: PackageContext,
): Conventions['moduleStyle'] {
  if (extension.includes('sql')) return 'sql';
  if (extension === '.py') return 'python';
  if (extension === '.go') return 'go';
  if (extension === '.ts' || extension === '.mts' || extension === '.cts') return 'ts';
  if (extension === '.cjs') return 'cjs';
  if (extension === '.mjs') return 'esm';
  if (extension === '.js') {
    const text = readIndexed(context, migrations.at(-1)!.path);
    if (/\bmodule\.exports\b|\bexports\.\w+\s*=/.test(text)) return 'cjs';
    if (/^\s*export\s/m.test(text)) return 'esm';
  }
  return 'none';
}

/** Folders of the package with .sql files (and .go files when asked) that `recognise` accepts. */
export function sqlFolders(
  context: PackageContext,
  recognise: (names: string[], dir: string) => boolean,
  withGo = false,
): { dir: string; names: string[] }[] {
  const found: { dir: string; names: string[] }[] = [];
  for (const dir of context.ownDirs) {
    const all = context.files.filesIn(dir);
    if (!all.some((name) => name.endsWith('.sql'))) continue;
    const names = all.filter((name) => name.endsWith('.sql') || (withGo && name.endsWith('.go'))).sort();
    if (recognise(names, dir)) found.push({ dir, names });
  }
  return found;
}
