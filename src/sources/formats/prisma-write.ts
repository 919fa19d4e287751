import type { Change } from '../../generate/changes.js';
import { nextPrefix, timestamp14 } from '../../generate/naming.js';
import { isPlannerSql } from '../../generate/phases.js';
import type { GeneratedFile, MigrationDraft, WriteContext } from '../../generate/types.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import type { FormatWriter, MigrationScan } from '../types.js';
import { commentLines, terminated } from './comment-lines.js';
import { PrismaSchemaEditor } from './prisma-schema-edit.js';
import { prismaStatements } from './prisma-sql.js';
import { prismaStyle } from './prisma-style.js';

/**
 * Prisma Migrate: `prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql` with Prisma's own section headers,
 * plus the schema.prisma edit that makes the schema describe the same database, so `prisma migrate dev` finds
 * no drift and writes no migration of its own.
 *
 * The down goes to `down.sql` beside migration.sql: Prisma's documented down-migration workflow keeps such a file
 * for `prisma db execute --file` after a failed deploy, and `prisma migrate` reads and checksums only
 * migration.sql, so the extra file never runs by accident.
 */
export const writePrisma: FormatWriter = (draft, folder, context) => {
  const { up: planned, down: plannedDown, renames } = withoutFieldRenames(draft);
  // Prisma's own forms where it has them; the planner's SQL said in Prisma's style where it has none.
  const postgres = draft.engine === 'postgresql';
  // The caller's own raw SQL stays exactly as written.
  const raw = draft.changes.flatMap((change) =>
    change.op === 'raw_sql' && !isPlannerSql(change) ? [change.up, change.down] : [],
  );
  const styled = (sql: string) => (raw.some((text) => text.includes(sql)) ? sql : prismaStyle(sql));
  const up = prismaStatements(draft, planned) ?? (postgres ? planned.map(styled) : planned);
  const down = postgres ? plannedDown.map(styled) : plannedDown;
  const files: GeneratedFile[] = [];
  const parts = splitForPrisma(up, down, draft);
  const newest = folder.migrations.at(-1);
  let newestName = newest ? baseOf(newest.path) : undefined;
  parts.forEach((part, index) => {
    const now = new Date(context.now.getTime() + index * 1000);
    const prefix = nextPrefix(newestName, now, timestamp14);
    const name = `${prefix}_${draft.name}${parts.length > 1 ? `_${index + 1}` : ''}`;
    newestName = name;
    const directory = joinRelative(folder.dir.path, name);
    files.push({
      path: joinRelative(directory, 'migration.sql'),
      text: migrationSql(part.up, draft, part.note),
      edit: false,
    });
    if (part.down.length > 0)
      files.push({
        path: joinRelative(directory, 'down.sql'),
        text: downSql(part.down, directory, folder),
        edit: false,
      });
  });
  const schema = schemaEdit(draft, renames, folder, context);
  if (schema) files.push(schema);
  return files;
};

const IDENT = String.raw`(?:"(?:[^"]|"")+"|\x60[^\x60]+\x60|[A-Za-z_][\w$]*)`;

function unquote(name: string): string {
  return name
    .replace(/^"(.*)"$/s, '$1')
    .replace(/""/g, '"')
    .replace(/^`(.*)`$/s, '$1');
}

/**
 * A column rename that needs no column change is said the Prisma way: the field takes the new name and @map keeps
 * the database column, so the RENAME statement (and its reverse) leaves the SQL.
 */
function withoutFieldRenames(draft: MigrationDraft) {
  const renames = draft.changes.filter(
    (change): change is Extract<Change, { op: 'rename_column' }> => change.op === 'rename_column',
  );
  const isRename = (statement: string, table: string, from: string, to: string) => {
    const match = new RegExp(
      String.raw`^ALTER\s+TABLE\s+(${IDENT})\s+RENAME\s+COLUMN\s+(${IDENT})\s+TO\s+(${IDENT})\s*$`,
      'i',
    ).exec(statement.trim());
    return !!match && unquote(match[1]!) === table && unquote(match[2]!) === from && unquote(match[3]!) === to;
  };
  let { up, down } = draft;
  // Only a rename the SQL says as RENAME COLUMN becomes @map; a phased rename (new column, backfill, drop) keeps its SQL.
  const mapped = renames.filter((rename) =>
    up.some((statement) => isRename(statement, rename.table, rename.from, rename.to)),
  );
  for (const rename of mapped) {
    up = up.filter((statement) => !isRename(statement, rename.table, rename.from, rename.to));
    down = down.filter((statement) => !isRename(statement, rename.table, rename.to, rename.from));
  }
  // Only session settings left (lock_timeout for the rename): nothing to migrate.
  const meaningful = (statements: string[]) => statements.filter((statement) => !/^\s*(RE)?SET\s/i.test(statement));
  if (meaningful(up).length === 0) up = [];
  if (meaningful(down).length === 0) down = [];
  return { up, down, renames: mapped };
}

interface Part {
  up: string[];
  down: string[];
  note?: string;
}

/** Statements PostgreSQL refuses inside a transaction block, which a multi-statement script implicitly is. */
const OUTSIDE_TRANSACTION =
  /\bCONCURRENTLY\b|^\s*(VACUUM|CREATE\s+DATABASE|DROP\s+DATABASE)\b|^\s*DO\s[\s\S]*\bCOMMIT\b/i;

/**
 * Prisma sends migration.sql as one script, which PostgreSQL runs as one implicit transaction. A statement that
 * cannot run in a transaction (CREATE INDEX CONCURRENTLY, a batched backfill that commits) must be the only
 * statement of its file, so a non-transactional draft becomes one migration per such statement.
 */
function splitForPrisma(up: string[], down: string[], draft: MigrationDraft): Part[] {
  if (up.length === 0) return [];
  const postgres = draft.engine === 'postgresql' || draft.engine === 'cockroachdb';
  if (draft.transactional || !postgres || !up.some((statement) => OUTSIDE_TRANSACTION.test(statement)))
    return [{ up, down }];
  const groups: string[][] = [];
  let current: string[] = [];
  for (const statement of up) {
    if (/^\s*(RE)?SET\s/i.test(statement)) continue;
    if (OUTSIDE_TRANSACTION.test(statement)) {
      if (current.length) groups.push(current);
      groups.push([statement]);
      current = [];
    } else current.push(statement);
  }
  if (current.length) groups.push(current);
  const downs = down.filter((statement) => !/^\s*(RE)?SET\s/i.test(statement));
  const note =
    'No lock_timeout here: Prisma runs migration.sql as one script, and this statement must be its only one.';
  // One down statement per up statement, in reverse: each part gets its own; otherwise the last part holds them all.
  const paired = groups.every((group) => group.length === 1) && downs.length === groups.length;
  return groups.map((group, index) => ({
    up: group,
    down: paired ? [downs[downs.length - 1 - index]!] : index === groups.length - 1 ? downs : [],
    ...(group.length === 1 && OUTSIDE_TRANSACTION.test(group[0]!) ? { note } : {}),
  }));
}

const HEADERS: [RegExp, string][] = [
  [/^CREATE\s+TYPE\b/i, 'CreateEnum'],
  [/^ALTER\s+TYPE\b/i, 'AlterEnum'],
  [/^DROP\s+TYPE\b/i, 'DropEnum'],
  [/^CREATE\s+(UNLOGGED\s+|TEMPORARY\s+)?TABLE\b/i, 'CreateTable'],
  [/^DROP\s+TABLE\b/i, 'DropTable'],
  [/^CREATE\s+(UNIQUE\s+)?INDEX\b/i, 'CreateIndex'],
  [/^DROP\s+INDEX\b/i, 'DropIndex'],
  [/^ALTER\s+INDEX\b[\s\S]*\bRENAME\b/i, 'RenameIndex'],
  [/^ALTER\s+TABLE\b[\s\S]*\bADD\s+CONSTRAINT\b[\s\S]*\bFOREIGN\s+KEY\b/i, 'AddForeignKey'],
  [/^ALTER\s+TABLE\b[\s\S]*\bDROP\s+(CONSTRAINT|FOREIGN\s+KEY)\b[\s\S]*_fkey\W*$/i, 'DropForeignKey'],
  [/^ALTER\s+TABLE\s+\S+\s+RENAME\s+TO\b/i, 'RenameTable'],
  [/^ALTER\s+TABLE\b/i, 'AlterTable'],
  [/^(UPDATE|INSERT|DELETE|DO)\b/i, 'DataMigration'],
];

function header(statement: string): string | undefined {
  return HEADERS.find(([pattern]) => pattern.test(statement.trim()))?.[1];
}

const DESTRUCTIVE: [RegExp, (match: RegExpExecArray) => string][] = [
  [
    new RegExp(String.raw`^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(${IDENT})`, 'i'),
    (m) => `You are about to drop the \`${unquote(m[1]!)}\` table. All the data in the table will be lost.`,
  ],
  [
    new RegExp(String.raw`^ALTER\s+TABLE\s+(${IDENT})\s+DROP\s+COLUMN\s+(?:IF\s+EXISTS\s+)?(${IDENT})`, 'i'),
    (m) =>
      `You are about to drop the column \`${unquote(m[2]!)}\` on the \`${unquote(m[1]!)}\` table. All the data in the column will be lost.`,
  ],
];

/** migration.sql the way Prisma writes it: a Warnings block for data loss, a `-- Header` per step, `;` and a blank line. */
function migrationSql(statements: string[], draft: MigrationDraft, note: string | undefined): string {
  const warnings = statements.flatMap((statement) =>
    DESTRUCTIVE.flatMap(([pattern, say]) => {
      const match = pattern.exec(statement.trim());
      return match ? [`  - ${say(match)}`] : [];
    }),
  );
  const blocks: string[] = [];
  if (warnings.length) blocks.push(['/*', '  Warnings:', '', ...warnings, '', '*/'].join('\n'));
  if (draft.applicationChange)
    blocks.push(commentLines('-- ', `Before this runs: ${draft.applicationChange}`).join('\n'));
  if (note) blocks.push(`-- ${note}`);
  for (const statement of statements) {
    const title = header(statement);
    blocks.push(`${title ? `-- ${title}\n` : ''}${terminated(statement)}`);
  }
  return `${blocks.join('\n\n')}\n`;
}

function downSql(statements: string[], directory: string, folder: MigrationScan): string {
  const schema = joinRelative(dirOf(folder.dir.path), 'schema.prisma');
  return [
    `-- Down of ${baseOf(directory)}. prisma migrate never runs this file (it reads only migration.sql).`,
    `-- To undo a failed deploy: prisma db execute --file ${joinRelative(directory, 'down.sql')} --schema ${schema}`,
    `--   then: prisma migrate resolve --rolled-back ${baseOf(directory)}`,
    '',
    ...statements.map(terminated),
    '',
  ].join('\n');
}

/** The schema.prisma next to the migrations folder (or the usual places), edited to match the migration. */
function schemaEdit(
  draft: MigrationDraft,
  renames: Extract<Change, { op: 'rename_column' }>[],
  folder: MigrationScan,
  context: WriteContext,
): GeneratedFile | undefined {
  const candidates = [joinRelative(dirOf(folder.dir.path), 'schema.prisma'), 'prisma/schema.prisma', 'schema.prisma'];
  const path = candidates.find((candidate) => context.read(candidate) !== undefined);
  if (!path) return undefined;
  const original = context.read(path)!;
  const editor = new PrismaSchemaEditor(original, draft.engine);
  for (const change of draft.changes) applyChange(editor, change, renames);
  for (const statement of draft.up) applyIndexStatement(editor, statement);
  editor.alignChanged(original);
  return editor.text === original ? undefined : { path, text: editor.text, edit: true };
}

function applyChange(
  editor: PrismaSchemaEditor,
  change: Change,
  renames: Extract<Change, { op: 'rename_column' }>[],
): void {
  switch (change.op) {
    case 'create_table':
      editor.createTable(change.table, change.columns, change.primaryKey);
      break;
    case 'drop_table':
      editor.dropTable(change.table);
      break;
    case 'rename_table':
      editor.renameTable(change.from, change.to);
      break;
    case 'add_column':
      editor.addColumn(change.table, change.column);
      break;
    case 'drop_column':
      editor.dropColumn(change.table, change.column);
      break;
    case 'rename_column':
      if (renames.includes(change)) editor.renameField(change.table, change.from, change.to);
      break;
    case 'alter_column':
      editor.alterColumn(change.table, change.column, change);
      break;
    case 'drop_index':
      editor.dropIndex(change.name, change.table);
      break;
    case 'add_foreign_key':
      editor.addRelation(change.table, change.columns, change.references, undefined, change.name);
      break;
    case 'add_unique':
      editor.addIndex(
        change.table,
        change.columns,
        change.name ?? `${change.table}_${change.columns.join('_')}_key`,
        true,
      );
      break;
    case 'drop_constraint':
      editor.dropConstraint(change.table, change.name);
      break;
    case 'create_enum':
      editor.createEnum(change.name, change.values);
      break;
    case 'add_enum_value':
      editor.addEnumValue(change.name, change.value, change.before, change.after);
      break;
    case 'drop_enum':
      editor.dropEnum(change.name);
      break;
    // add_index comes from the SQL (which also holds the planner's foreign-key indexes); checks and raw SQL have
    // no Prisma schema form.
    default:
      break;
  }
}

const CREATE_INDEX = new RegExp(
  String.raw`^CREATE\s+(UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(${IDENT})\s+ON\s+(?:ONLY\s+)?(${IDENT})\s*(?:USING\s+(\w+)\s*)?\(((?:\s*${IDENT}\s*,)*\s*${IDENT}\s*)\)\s*$`,
  'i',
);

/** Every plain-column index the migration creates (asked for, or the planner's index on a foreign key) as @@index / @@unique. */
function applyIndexStatement(editor: PrismaSchemaEditor, statement: string): void {
  const match = CREATE_INDEX.exec(statement.trim());
  if (!match) return;
  const columns = match[5]!.split(',').map((column) => unquote(column.trim()));
  editor.addIndex(unquote(match[3]!), columns, unquote(match[2]!), !!match[1], match[4]);
}
