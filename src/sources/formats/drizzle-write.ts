import { UserError } from '../../errors.js';
import { nextPrefix } from '../../generate/naming.js';
import type { GeneratedFile, MigrationDraft, WriteContext } from '../../generate/types.js';
import { nodeCrypto } from '../../lazy-builtins.js';
import { dirOf, joinRelative } from '../../project/walk.js';
import type { FormatWriter, MigrationScan } from '../types.js';
import { commentLines, terminated } from './comment-lines.js';
import { drizzleSchemaFile } from './drizzle-config.js';
import { editDrizzleSchema } from './drizzle-schema-edit.js';
import { drizzleSnapshot, type SnapshotDialect } from './drizzle-snapshot.js';

const BREAKPOINT = '--> statement-breakpoint';
const NO_SNAPSHOT = '00000000-0000-0000-0000-000000000000';

interface JournalEntry {
  idx: number;
  version: string;
  when: number;
  tag: string;
  breakpoints: boolean;
}

interface Journal {
  version?: string;
  dialect?: string;
  entries: JournalEntry[];
}

/** Statements PostgreSQL and SQLite refuse inside the one transaction drizzle-orm's migrator wraps around a run. */
const OUTSIDE_TRANSACTION =
  /\bCONCURRENTLY\b|^\s*(VACUUM|CREATE\s+DATABASE|DROP\s+DATABASE)\b|^\s*DO\s[\s\S]*\bCOMMIT\b/i;

/**
 * Drizzle Kit: a custom SQL migration `<out>/<prefix>_<name>.sql` (statements split by `--> statement-breakpoint`),
 * registered in meta/_journal.json, with the snapshot of the schema after it (id and prevId chained), plus the schema.ts edit when the change can be said there.
 * Drizzle keeps no downs: the down stays in the generate result.
 */
export const writeDrizzle: FormatWriter = (draft, folder, context) => {
  refuseOutsideTransaction(draft, folder);
  const out = folder.dir.path;
  const journalPath = joinRelative(out, 'meta/_journal.json');
  const journalText = context.read(journalPath);
  const journal: Journal = journalText ? JSON.parse(journalText) : { version: '7', entries: [] };
  const last = journal.entries.at(-1);
  const idx = last ? last.idx + 1 : 0;
  const prefix = nextPrefix(last?.tag, context.now, () => String(idx).padStart(4, '0'));
  const tag = `${prefix}_${draft.name}`;
  const schema = editDrizzleSchema(draft, drizzleSchemaFile(context.read, [dirOf(out), '.']), context);
  const files: GeneratedFile[] = [
    {
      path: joinRelative(out, `${tag}.sql`),
      text: migrationSql(inMigratorTransaction(draft), schema.unsaid),
      edit: false,
    },
  ];
  const snapshot = snapshotFile(out, journal, prefix, tag, draft, context);
  if (snapshot) files.push(snapshot);
  const entry: JournalEntry = {
    idx,
    version: last?.version ?? (journal.dialect === 'postgresql' ? '7' : '6'),
    // drizzle-orm's migrator runs only entries newer than the last one applied: a clock behind the journal's
    // newest entry would leave this one silently unapplied.
    when: Math.max(context.now.getTime(), (last?.when ?? 0) + 1),
    tag,
    breakpoints: true,
  };
  journal.entries.push(entry);
  files.push({ path: journalPath, text: journalJson(journal, journalText), edit: journalText !== undefined });
  if (schema.file) files.push(schema.file);
  return files;
};

function refuseOutsideTransaction(draft: MigrationDraft, folder: MigrationScan): void {
  if (draft.engine === 'mysql' || draft.engine === 'mariadb') return;
  const statement = draft.up.find((candidate) => OUTSIDE_TRANSACTION.test(candidate));
  if (!statement) return;
  throw new UserError(
    'drizzle-no-transaction-opt-out',
    `drizzle-orm's migrator runs every pending migration inside one transaction, and "${statement.slice(0, 80)}" cannot run in a transaction, so no Drizzle migration can carry it.`,
    `Run that statement outside Drizzle (psql, or a deploy step before \`drizzle-kit migrate\`) and generate the rest; or, for a small table where blocking writes during the build is acceptable, pass the index as a raw_sql change (up \`CREATE INDEX IF NOT EXISTS …\`, down \`DROP INDEX IF EXISTS …\`).`,
    { file: folder.dir.path },
  );
}

const OWN_TRANSACTION = /^\s*(BEGIN|COMMIT|PRAGMA\s+foreign_keys\s*=\s*(ON|OFF))\s*$/i;

/**
 * A SQLite table rebuild opens its own transaction with foreign keys off around it, which drizzle-orm's migrator
 * cannot run inside its own (SQLite refuses a nested BEGIN, and the PRAGMA is a no-op in a transaction). In the
 * migrator's transaction the rebuild defers the foreign-key checks to its COMMIT instead: dropping the old table
 * then does not trip the rows that reference it, and the check at COMMIT sees them referencing the new one.
 */
function inMigratorTransaction(draft: MigrationDraft): MigrationDraft {
  if (draft.engine !== 'sqlite' || !draft.up.some((statement) => /^\s*BEGIN\s*$/i.test(statement))) return draft;
  return {
    ...draft,
    up: ['PRAGMA defer_foreign_keys = ON', ...draft.up.filter((statement) => !OWN_TRANSACTION.test(statement))],
  };
}

/** The file `drizzle-kit generate --custom` starts, with the statements between breakpoints. */
function migrationSql(draft: MigrationDraft, unsaid: string[]): string {
  const head = ['-- Custom SQL migration file, put your code below! --'];
  if (draft.applicationChange) head.push(...commentLines('-- ', `Before this runs: ${draft.applicationChange}`));
  if (unsaid.length)
    head.push(
      ...commentLines(
        '-- ',
        `schema.ts does not say ${unsaid.join(', ')}: edit it to match, or drizzle-kit generate will propose undoing it.`,
      ),
    );
  const body = draft.up.map(terminated).join(`\n${BREAKPOINT}\n`);
  return `${head.join('\n')}\n${body}\n`;
}

/**
 * `meta/<prefix>_snapshot.json`, chained to the previous one: the schema after the migration in drizzle-kit's format
 * when the shadow's read-back is at hand (so `drizzle-kit generate` proposes nothing more), else the previous
 * snapshot with a new id, as `drizzle-kit generate --custom` leaves it.
 */
function snapshotFile(
  out: string,
  journal: Journal,
  prefix: string,
  tag: string,
  draft: MigrationDraft,
  context: WriteContext,
): GeneratedFile | undefined {
  const last = journal.entries.at(-1);
  const lastPrefix = last ? (/^(\d+)_/.exec(last.tag)?.[1] ?? last.tag) : undefined;
  const previousText = lastPrefix ? context.read(joinRelative(out, `meta/${lastPrefix}_snapshot.json`)) : undefined;
  const previous = previousText ? (JSON.parse(previousText) as Record<string, unknown>) : undefined;
  const ids = { id: uuidFrom(`${tag}\n${context.now.toISOString()}`), prevId: String(previous?.id ?? NO_SNAPSHOT) };
  const dialect = snapshotDialect(journal, draft);
  let snapshot: Record<string, unknown> | undefined;
  if (context.schemaAfter && dialect) snapshot = drizzleSnapshot(context.schemaAfter, dialect, ids);
  else if (previous) snapshot = { ...previous, ...ids };
  if (!snapshot) return undefined;
  return {
    path: joinRelative(out, `meta/${prefix}_snapshot.json`),
    text: `${JSON.stringify(snapshot, null, 2)}\n`,
    edit: false,
  };
}

/** The snapshot layouts we write (drizzle-kit's three dialects; MariaDB projects are `mysql` to it). */
function snapshotDialect(journal: Journal, draft: MigrationDraft): SnapshotDialect | undefined {
  const dialect = journal.dialect ?? (draft.engine === 'mariadb' ? 'mysql' : draft.engine);
  return dialect === 'postgresql' || dialect === 'sqlite' || dialect === 'mysql' ? dialect : undefined;
}

/** A version-4-shaped UUID derived from the tag and time, so the same input writes the same snapshot. */
function uuidFrom(seed: string): string {
  const hex = nodeCrypto().createHash('sha256').update(seed).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The journal in its own layout: drizzle-kit's 2-space JSON, or one entry a line when the file has that shape. */
function journalJson(journal: Journal, original: string | undefined): string {
  const compact = original !== undefined && /^\s*\{\s*"idx"[^\n]*\}\s*,?\s*$/m.test(original);
  if (!compact) return `${JSON.stringify(journal, null, 2)}${original?.endsWith('\n') === false ? '' : '\n'}`;
  const { entries, ...rest } = journal;
  const head = Object.entries(rest).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  const lines = entries.map(
    (entry) =>
      `    { ${Object.entries(entry)
        .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
        .join(', ')} }`,
  );
  return `{\n${[...head, `  "entries": [\n${lines.join(',\n')}\n  ]`].join(',\n')}\n}\n`;
}
