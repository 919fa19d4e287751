import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine, Migration } from '../../model.js';
import type { PackageContext } from '../../project/context.js';
import type { MigrationScan } from '../../project/migrations.js';
import type { MigrationEntry } from '../../project/types.js';
import { joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { listEntries, readError, selected } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatRead, FormatReader, ReadContext } from '../types.js';
import { readTemplated, templateOptions } from './go-template.js';
import { writeMultiDialectSql } from './multi-dialect-sql-write.js';
import { isBlankSql, staticScan, versionNaming } from './static-scan.js';

/**
 * Multi-dialect SQL folders (gobuffalo/pop and Ory's popx file migrator): `<version>_<name>.<dialect>.up.sql`
 * and `.down.sql`, one file per dialect side by side, plus dialect-less files that apply to every engine.
 * `.autocommit` before the direction runs the file outside a transaction.
 */
const FILE = /^(\d+)_([^.]+)(?:\.([a-z0-9]+))?(\.autocommit)?\.(up|down)\.(sql|fizz)$/;

/** Dialect names as the tools write them, to our engines. */
const DIALECTS: Record<string, Engine> = {
  postgres: 'postgresql',
  postgresql: 'postgresql',
  pg: 'postgresql',
  cockroach: 'cockroachdb',
  cockroachdb: 'cockroachdb',
  crdb: 'cockroachdb',
  mysql: 'mysql',
  mariadb: 'mariadb',
  sqlite3: 'sqlite',
  sqlite: 'sqlite',
  mssql: 'mssql',
  sqlserver: 'mssql',
};

/** When the caller names no engine and several dialects are present, this order picks one (and says so). */
const PREFERENCE: Engine[] = ['postgresql', 'cockroachdb', 'mysql', 'mariadb', 'sqlite', 'mssql'];

interface DialectFile {
  name: string;
  version: string;
  title: string;
  /** Canonical dialect (`all` for dialect-less files). */
  dialect: string;
  engine?: Engine;
  autocommit: boolean;
  direction: 'up' | 'down';
  fizz: boolean;
}

function parseName(name: string): DialectFile | undefined {
  const match = FILE.exec(name);
  if (!match) return undefined;
  const [, version = '', title = '', rawDialect, autocommitFlag, direction, kind] = match;
  // `<v>_<name>.autocommit.up.sql`: the optional dialect group took `autocommit`.
  const autocommit = Boolean(autocommitFlag) || rawDialect === 'autocommit';
  const dialect = !rawDialect || rawDialect === 'autocommit' ? 'all' : rawDialect;
  const engine = DIALECTS[dialect];
  if (dialect !== 'all' && !engine) return undefined;
  return {
    name,
    version,
    title,
    dialect: engine ? canonical(engine) : 'all',
    ...(engine ? { engine } : {}),
    autocommit,
    direction: direction === 'down' ? 'down' : 'up',
    fizz: kind === 'fizz',
  };
}

function canonical(engine: Engine): string {
  switch (engine) {
    case 'postgresql':
      return 'postgres';
    case 'cockroachdb':
      return 'cockroach';
    case 'sqlite':
      return 'sqlite3';
    default:
      return engine;
  }
}

function dialectFiles(names: string[]): DialectFile[] {
  return names.map(parseName).filter((file): file is DialectFile => file !== undefined);
}

/** A folder is multi-dialect when at least one file names a known dialect (plain golang-migrate names none). */
function isMultiDialect(files: DialectFile[]): boolean {
  return files.some((file) => file.dialect !== 'all');
}

function countByDialect(files: DialectFile[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of files) counts.set(file.dialect, (counts.get(file.dialect) ?? 0) + 1);
  return counts;
}

function chooseEngine(given: Engine | undefined, files: DialectFile[]): { engine: Engine; guessed: boolean } {
  if (given) return { engine: given === 'mariadb' ? 'mariadb' : given, guessed: false };
  const present = new Set(files.flatMap((file) => (file.engine ? [file.engine] : [])));
  const engine = PREFERENCE.find((candidate) => present.has(candidate)) ?? 'postgresql';
  return { engine, guessed: present.size > 1 };
}

/** The file a migration uses for an engine: its own dialect's, else the dialect-less one. MariaDB uses mysql files. */
function fileFor(files: DialectFile[], engine: Engine, direction: 'up' | 'down'): DialectFile | undefined {
  const wanted = canonical(engine === 'mariadb' ? 'mysql' : engine);
  const own = files.filter((file) => file.direction === direction);
  return own.find((file) => file.dialect === wanted) ?? own.find((file) => file.dialect === 'all');
}

export const multiDialectSql: FormatReader = {
  format: 'multi-dialect-sql',
  priority: 18,
  tool: 'multi-dialect-sql',
  label: 'multi-dialect SQL folders',
  scan: scanMultiDialectSql,
  write: writeMultiDialectSql,
  async read(context) {
    return readMultiDialect(context);
  },
};

async function readMultiDialect(context: ReadContext): Promise<FormatRead> {
  const { files: names } = await listEntries(context.directory);
  const files = dialectFiles(names);
  const { engine, guessed } = chooseEngine(context.engine, files);
  const wanted = canonical(engine === 'mariadb' ? 'mysql' : engine);
  const counts = countByDialect(files);
  const others = [...counts.entries()]
    .filter(([dialect]) => dialect !== wanted && dialect !== 'all')
    .map(([dialect, count]) => `${dialect} ${count}`);
  const notes = [
    `Read the ${wanted} files${counts.has('all') ? ' and the dialect-less ones' : ''} (${counts.get(wanted) ?? 0} + ${counts.get('all') ?? 0} files)${others.length ? `; not read, other dialects: ${others.join(', ')} files` : ''}.`,
  ];
  if (guessed)
    notes.push(`No engine was given: read ${wanted} files. Pass the project's engine to read another dialect.`);
  const byVersion = new Map<string, DialectFile[]>();
  for (const file of files) byVersion.set(file.version, [...(byVersion.get(file.version) ?? []), file]);
  const versions = [...byVersion.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  const result: FormatRead = { migrations: [], errors: [], engine, notes };
  const skipped: string[] = [];
  for (const version of versions) {
    const group = byVersion.get(version) ?? [];
    const up = fileFor(group, engine, 'up');
    const down = fileFor(group, engine, 'down');
    const absolute = (file: DialectFile) => path.join(context.directory, file.name);
    const chosen = [up, down].filter((file): file is DialectFile => file !== undefined);
    if (!up) {
      if (group.some((file) => selected(context.only, absolute(file)))) skipped.push(version);
      result.setAside = [
        ...(result.setAside ?? []),
        ...group.map((file) => relativeToRoot(context.root, absolute(file))),
      ];
      continue;
    }
    // The other dialects' files of this version are the same migration for another engine: not read, and said so.
    const otherDialects = group.filter((file) => file !== up && file !== down);
    if (otherDialects.length > 0)
      result.setAside = [
        ...(result.setAside ?? []),
        ...otherDialects.map((file) => relativeToRoot(context.root, absolute(file))),
      ];
    if (!chosen.some((file) => selected(context.only, absolute(file)))) continue;
    context.signal?.throwIfAborted();
    const upPath = relativeToRoot(context.root, absolute(up));
    try {
      const fizz = chosen.find((file) => file.fizz);
      if (fizz) {
        throw new UserError(
          'fizz-not-supported',
          `${relativeToRoot(context.root, absolute(fizz))} is a fizz migration; its DSL is not translated to SQL here.`,
          'Write this migration as SQL (`.up.sql` / `.down.sql`) to have it checked, or check it by hand.',
          { file: relativeToRoot(context.root, absolute(fizz)), line: 1, column: 1 },
        );
      }
      result.migrations.push(await migrationOf(context, engine, up, down, group, wanted));
    } catch (error) {
      result.errors.push(readError(upPath, error));
    }
  }
  if (skipped.length) {
    notes.push(
      `No ${wanted} or dialect-less up file for version(s) ${skipped.join(', ')}: the tool skips them on ${engine}.`,
    );
  }
  return result;
}

async function migrationOf(
  context: ReadContext,
  engine: Engine,
  up: DialectFile,
  down: DialectFile | undefined,
  group: DialectFile[],
  wanted: string,
): Promise<Migration> {
  const upAbsolute = path.join(context.directory, up.name);
  const upPath = relativeToRoot(context.root, upAbsolute);
  const downAbsolute = down ? path.join(context.directory, down.name) : undefined;
  const downPath = downAbsolute ? relativeToRoot(context.root, downAbsolute) : undefined;
  // popx runs autocommit files, and every file on CockroachDB and MySQL, outside a transaction.
  const transactional = !up.autocommit && engine !== 'cockroachdb' && engine !== 'mysql' && engine !== 'mariadb';
  const notes: string[] = [];
  if (up.autocommit) notes.push('`.autocommit` file: runs outside a transaction.');
  else if (!transactional) notes.push(`The tool runs migrations outside a transaction on ${engine}.`);
  if (up.dialect === 'all') notes.push('Dialect-less file: the same SQL runs on every engine.');
  const otherDialects = [...new Set(group.map((file) => file.dialect))].filter((d) => d !== wanted && d !== 'all');
  if (otherDialects.length) notes.push(`Also written for: ${otherDialects.join(', ')} (not read).`);
  if (!down) notes.push(`No ${wanted} or dialect-less down file: this version cannot be rolled back on ${engine}.`);
  const configured = templateOptions(context.root);
  const upText = await readTemplated(upAbsolute, upPath, configured, notes);
  const downText =
    downAbsolute && downPath ? await readTemplated(downAbsolute, downPath, configured, notes) : undefined;
  if (isBlankSql(upText)) notes.push('The up file is empty: a no-op.');
  if (downText !== undefined && isBlankSql(downText)) notes.push('The down file is empty: rolling back runs nothing.');
  return {
    id: up.version,
    name: up.title,
    path: upPath,
    format: 'multi-dialect-sql',
    up: isBlankSql(upText) ? [] : await splitStatements(upText, engine, upPath),
    ...(downText !== undefined && downPath
      ? { down: isBlankSql(downText) ? [] : await splitStatements(downText, engine, downPath) }
      : {}),
    transactional,
    notes,
  };
}

/** detect_setup: folders of multi-dialect files, one entry per version (the project's dialects counted in the id). */
export function scanMultiDialectSql(context: PackageContext): MigrationScan[] {
  const scans: MigrationScan[] = [];
  for (const dir of context.ownDirs) {
    const files = dialectFiles(context.files.filesIn(dir));
    if (!isMultiDialect(files)) continue;
    const byVersion = new Map<string, DialectFile[]>();
    for (const file of files) byVersion.set(file.version, [...(byVersion.get(file.version) ?? []), file]);
    const entries: MigrationEntry[] = [...byVersion.entries()]
      .sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0))
      .map(([version, group]) => {
        const first = group.find((file) => file.direction === 'up') ?? group[0]!;
        return {
          id: version,
          name: first.title,
          path: joinRelative(dir, first.name),
          tool: 'multi-dialect-sql',
          hasDown: group.some((file) => file.direction === 'down'),
          transactional: !group.some((file) => file.autocommit),
        };
      });
    const dialects = [...countByDialect(files).keys()].filter((dialect) => dialect !== 'all').sort();
    const newest = entries.at(-1);
    scans.push(
      staticScan('multi-dialect-sql', dir, entries, {
        naming: `${versionNaming(newest ? `${newest.id}_` : '')}.<dialect>.up.sql`,
        extension: `.<dialect>.up.sql + .<dialect>.down.sql (dialects: ${dialects.join(', ')})`,
        moduleStyle: 'sql',
        transaction:
          'per migration on PostgreSQL and SQLite; none on CockroachDB and MySQL; `.autocommit.` files never',
      }),
    );
  }
  return scans;
}
