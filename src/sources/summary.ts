import { formatLocation } from '../errors.js';
import type { Migration, MigrationFormat, Statement } from '../model.js';
import type { ProjectMigrationsResult } from './index.js';
import type { MigrationReadError, ReadMigrationsResult } from './types.js';

/** How much SQL a listing shows per migration: the first line of each statement, a few statements. */
export const SUMMARY_STATEMENTS = 8;
const SUMMARY_WIDTH = 100;

export interface MigrationListing {
  id: string;
  name: string;
  path: string;
  format: MigrationFormat;
  transactional: boolean;
  hasDown: boolean;
  compiled: boolean;
  upStatements: number;
  downStatements: number;
  /** First line of each up statement (capped), with the source line that produced it when it differs. */
  summary: string[];
  /** The same for the down statements. */
  downSummary: string[];
  notes: string[];
}

export function firstLine(statement: Statement): string {
  const line = statement.sql.split('\n')[0]?.trim() ?? '';
  const short = line.length > SUMMARY_WIDTH ? `${line.slice(0, SUMMARY_WIDTH - 1)}…` : line;
  return statement.sql.includes('\n') && short === line ? `${short} …` : short;
}

function summaryOf(statements: Statement[]): string[] {
  const lines = statements.slice(0, SUMMARY_STATEMENTS).map((statement) => {
    const at = statement.origin ? `${statement.origin.line}` : `${statement.span.start.line}`;
    return `L${at}: ${firstLine(statement)}`;
  });
  if (statements.length > SUMMARY_STATEMENTS) lines.push(`… ${statements.length - SUMMARY_STATEMENTS} more statements`);
  return lines;
}

const isCompiled = (migration: Migration) => migration.compiled !== false;

export function listMigrations(result: ReadMigrationsResult): MigrationListing[] {
  return result.migrations.map((migration) => ({
    id: migration.id,
    name: migration.name,
    path: migration.path,
    format: migration.format,
    transactional: migration.transactional,
    hasDown: migration.down !== undefined,
    compiled: isCompiled(migration),
    upStatements: migration.up.length,
    downStatements: migration.down?.length ?? 0,
    summary: summaryOf(migration.up),
    downSummary: summaryOf(migration.down ?? []),
    notes: migration.notes,
  }));
}

export function formatReadError(error: MigrationReadError): string {
  const where = error.error.where ? formatLocation(error.error.where) : error.path;
  return `${where}: ${error.error.what}\n    fix: ${error.error.fix}`;
}

/** The readable listing shared by the list_migrations tool and the `migrations` command. */
export function summarizeMigrations(result: ReadMigrationsResult, options: { sql?: boolean } = {}): string {
  const lines: string[] = [];
  // The folder's own engine (its format's declaration, else its package's files): each package of a monorepo has one.
  const engine = result.folderEngine
    ? `, ${result.folderEngine.name}${result.folderEngine.name === result.engine ? '' : ` (from ${result.folderEngine.where})`}`
    : result.engine
      ? `, ${result.engine}`
      : '';
  lines.push(
    `${result.migrations.length} ${result.format} migration(s) in ${result.directory}${engine}, in apply order:`,
  );
  for (const note of result.notes ?? []) lines.push(`   note: ${note}`);
  result.migrations.forEach((migration, index) => {
    const flags = [
      migration.transactional ? 'transactional' : 'no transaction',
      migration.down ? `down: ${migration.down.length} stmt` : 'no down',
    ];
    const compiled = isCompiled(migration);
    if (!compiled) flags[1] = migration.down ? 'has down' : 'no down';
    lines.push(
      `${index + 1}. ${migration.path}  [${compiled ? `${migration.up.length} stmt, ` : 'not compiled, '}${flags.join(', ')}]`,
    );
    if (options.sql) {
      for (const statement of migration.up) lines.push(indent(`${originText(statement)}${statement.sql};`));
      if (migration.down && migration.down.length > 0) {
        lines.push('   -- down:');
        for (const statement of migration.down) lines.push(indent(`${originText(statement)}${statement.sql};`));
      }
    } else {
      for (const line of summaryOf(migration.up)) lines.push(`     ${line}`);
      for (const line of summaryOf(migration.down ?? [])) lines.push(`     down ${line}`);
    }
    for (const note of migration.notes.filter((text) => !text.startsWith('Compiled with')))
      lines.push(`     note: ${note}`);
  });
  if (result.errors.length > 0) {
    lines.push('', `${result.errors.length} problem(s):`);
    for (const error of result.errors) lines.push(`  ${formatReadError(error)}`);
  }
  return lines.join('\n');
}

/**
 * The listing of every folder read (package by package, each headed by its package in a monorepo), then the
 * folders that could not be read.
 */
export function summarizeProject(result: ProjectMigrationsResult, options: { sql?: boolean } = {}): string {
  const packages = new Set(result.folders.map((folder) => folder.package));
  const parts = result.folders.map((folder) => {
    const listing = summarizeMigrations(folder, options);
    return packages.size > 1 || folder.package !== '.' ? `package ${folder.package}: ${listing}` : listing;
  });
  if (result.unread.length > 0) {
    const lines = [`${result.unread.length} migration folder(s) not read:`];
    for (const folder of result.unread) lines.push(`  ${folder.directory}: ${folder.what}\n    fix: ${folder.fix}`);
    parts.push(lines.join('\n'));
  }
  for (const warning of result.warnings) parts.push(`warning: ${warning}`);
  return parts.join('\n\n');
}

function originText(statement: Statement): string {
  return statement.origin
    ? `-- ${statement.origin.file}:${statement.origin.line}\n`
    : `-- line ${statement.span.start.line}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `     ${line}`)
    .join('\n');
}
