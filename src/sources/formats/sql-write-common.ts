import { UserError } from '../../errors.js';
import { nextPrefix, prefixSeparator, timestamp14 } from '../../generate/naming.js';
import type { GeneratedFile, MigrationDraft, WriteContext } from '../../generate/types.js';
import type { Engine } from '../../model.js';
import type { MigrationEntry } from '../../project/types.js';
import { baseOf, joinRelative } from '../../project/walk.js';
import type { MigrationScan } from '../types.js';

/**
 * What the SQL-file writers (golang-migrate, dbmate, goose, sql-migrate, Flyway, Diesel, Sqitch, Liquibase,
 * multi-dialect folders, Atlas) share: statement text, the header that says which phase a migration is and what
 * the application must do first, and the next file name in the folder's own numbering.
 */

/** Engines whose DDL runs inside a transaction (MySQL/MariaDB commit implicitly around each DDL statement). */
export function hasTransactionalDdl(engine: Engine): boolean {
  return engine === 'postgresql' || engine === 'sqlite' || engine === 'cockroachdb' || engine === 'mssql';
}

/** Statements as a script: each ends with `;` on its own line(s). */
export function sqlScript(statements: string[]): string {
  return statements.map((statement) => `${statement.trim()};`).join('\n');
}

/**
 * True when a statement has a body with semicolons of its own (a function, a DO block, a trigger): tools that
 * split on `;` must be told to keep it whole (goose/sql-migrate StatementBegin/End, Liquibase endDelimiter).
 */
export function hasBody(statement: string): boolean {
  return /\$[A-Za-z_0-9]*\$/.test(statement) || /\bBEGIN\b[\s\S]*;[\s\S]*\bEND\b/i.test(statement);
}

/** The comment lines (without the `-- ` prefix) saying the phase and the application change, if any. */
export function headerText(draft: MigrationDraft): string[] {
  const lines: string[] = [];
  if (draft.phase) lines.push(`Phase ${draft.phase.index} of ${draft.phase.of} (${draft.phase.label}): ${draft.name}`);
  if (draft.applicationChange) lines.push(`Application change before this runs: ${draft.applicationChange}`);
  return lines;
}

/** SQL comment lines, one per text line. */
export function sqlComments(lines: string[], prefix = '-- '): string {
  return lines.map((line) => `${prefix}${line}`.trimEnd()).join('\n');
}

/** Header comment block plus a newline, or nothing when the draft carries no phase and no application change. */
export function sqlHeader(draft: MigrationDraft): string {
  const lines = headerText(draft);
  return lines.length ? `${sqlComments(lines)}\n` : '';
}

/** Base name (file or folder) of the newest migration the scan lists, optionally among those that `keep`. */
export function newestName(
  folder: MigrationScan,
  keep: (entry: MigrationEntry) => boolean = () => true,
): string | undefined {
  const entry = folder.migrations.filter(keep).at(-1);
  return entry ? baseOf(entry.path) : undefined;
}

/** `<prefix><sep><name>` following the newest migration's numbering and separator (timestamp when there is none). */
export function nextStem(
  folder: MigrationScan,
  draft: MigrationDraft,
  context: WriteContext,
  options: { keep?: (entry: MigrationEntry) => boolean; fallback?: (now: Date) => string; separator?: '_' | '-' } = {},
): string {
  const newest = newestName(folder, options.keep);
  const prefix = nextPrefix(newest, context.now, options.fallback ?? timestamp14);
  const separator = newest ? prefixSeparator(newest) : (options.separator ?? '_');
  return `${prefix}${separator}${draft.name}`;
}

/** A new file in the migration folder; refuses to stand in for an existing one (writers never overwrite). */
export function newFile(folder: MigrationScan, context: WriteContext, relative: string, text: string): GeneratedFile {
  return newFileAt(context, joinRelative(folder.dir.path, relative), text);
}

/** A new file at a project-root-relative path; refuses to stand in for an existing one. */
export function newFileAt(context: WriteContext, path: string, text: string): GeneratedFile {
  if (context.read(path) !== undefined) {
    throw new UserError(
      'migration-exists',
      `${path} already exists, so the generated migration would overwrite it.`,
      'Give the migration another name, or remove the existing file if it is a leftover.',
      { file: path },
    );
  }
  return { path, text, edit: false };
}

/** The text a file needs to end with exactly one newline. */
export function withFinalNewline(text: string): string {
  return `${text.replace(/\n+$/, '')}\n`;
}

/**
 * The body of a section in the comment-marked formats (goose, sql-migrate): statements with a body of their own
 * go between the tool's StatementBegin/End markers so its `;` splitter keeps them whole.
 */
export function markedSection(statements: string[], begin: string, end: string): string {
  return statements
    .map((statement) => (hasBody(statement) ? `${begin}\n${statement.trim()};\n${end}` : `${statement.trim()};`))
    .join('\n');
}

/** Up marker line, header comments, up statements, a blank line, down marker line, down statements. */
export function annotatedFile(
  draft: MigrationDraft,
  markers: { up: string; down: string },
  section: (statements: string[]) => string,
  before = '',
): string {
  return `${before}${markers.up}\n${sqlHeader(draft)}${section(draft.up)}\n\n${markers.down}\n${section(draft.down)}\n`;
}
