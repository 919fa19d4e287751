import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine, Migration, Statement } from '../../model.js';
import { configString, ownFilesNamed, type PackageContext } from '../../project/context.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type Bookkeeping, numericKey, sha256Hex } from '../bookkeeping.js';
import { listEntries, readError, readText, selected } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatRead, FormatReader, MigrationScan, ReadContext } from '../types.js';
import { writeDrizzle } from './drizzle-write.js';
import { entry, filesOf, finish, readIndexed } from './scan-common.js';
import { engineFor } from './sql-common.js';

const JOURNAL = path.join('meta', '_journal.json');
const BREAKPOINT = '--> statement-breakpoint';
const DIALECTS: Record<string, Engine> = {
  postgresql: 'postgresql',
  pg: 'postgresql',
  mysql: 'mysql',
  sqlite: 'sqlite',
  turso: 'sqlite',
  singlestore: 'mysql',
};

interface JournalEntry {
  idx: number;
  tag: string;
  breakpoints?: boolean;
}

/** The `out` folder named in drizzle.config.*, read as text (the config is never executed). */
async function _configuredOut(root: string): Promise<string | undefined> {
  for (const name of ['drizzle.config.ts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.json']) {
    const text = await readText(path.join(root, name));
    const out = text ? /\bout\s*["']?\s*:\s*["'`]([^"'`]+)["'`]/.exec(text)?.[1] : undefined;
    if (out) return path.resolve(root, out);
  }
  return undefined;
}

const TRANSACTION = 'all pending migrations in one transaction';

/** drizzle.config's `out` (default `drizzle`), and any folder holding meta/_journal.json. */
function scanDrizzle(context: PackageContext): MigrationScan[] {
  const config = ownFilesNamed(context, /^drizzle\.config\.(c|m)?(js|ts|json)$/)[0];
  const outs = new Set<string>();
  if (config || context.tools.has('drizzle')) {
    const base = config ? dirOf(config) : context.dir;
    outs.add(joinRelative(base, (config && configString(readIndexed(context, config), 'out')) ?? 'drizzle'));
  }
  for (const dir of context.ownDirs) {
    if (baseOf(dir) === 'meta' && context.files.filesIn(dir).includes('_journal.json')) outs.add(dirOf(dir));
  }
  return [...outs]
    .filter((out) => context.files.dirs.has(out))
    .sort()
    .map((out) => {
      const journal = context.files.read(joinRelative(out, 'meta/_journal.json'));
      const order = journal ? [...journal.matchAll(/"tag"\s*:\s*"([^"]+)"/g)].map((match) => match[1]!) : [];
      let migrations = filesOf(context, out, /\.sql$/).map((file) => {
        const id = baseOf(file).replace(/\.sql$/, '');
        return entry('drizzle', file, id, id.replace(/^\d+_/, ''), false, true);
      });
      for (const folder of context.files.subdirsOf(out)) {
        if (!context.files.filesIn(folder).includes('migration.sql')) continue;
        const id = baseOf(folder);
        migrations.push(entry('drizzle', folder, id, id.replace(/^\d+_/, ''), false, true));
      }
      if (order.length) {
        const rank = (id: string) => (order.indexOf(id) === -1 ? order.length : order.indexOf(id));
        migrations = migrations.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
      } else migrations.sort((a, b) => a.id.localeCompare(b.id));
      return finish('drizzle', TRANSACTION, out, migrations, context);
    });
}

/**
 * drizzle-orm migrator (pg-core/dialect.ts, mysql-core, sqlite-core): __drizzle_migrations (id, hash = sha256 of
 * the .sql file, created_at = the journal's `when`), in schema "drizzle" on PostgreSQL. Drizzle applies every
 * migration whose `when` is newer than the last row's created_at, so `when` is the key.
 */
const drizzleBookkeeping: Bookkeeping = {
  table: '__drizzle_migrations',
  postgresSchema: 'drizzle',
  ownTables: ['__drizzle_migrations'],
  records: (rows) =>
    rows.map((row) => ({
      key: numericKey(row.created_at),
      label: numericKey(row.created_at),
      state: 'applied',
      checksum: String(row.hash ?? ''),
    })),
  keyOf: (migration, root) => {
    const folder = path.dirname(path.join(root, migration.path));
    const tag = path.basename(migration.path).replace(/\.sql$/, '');
    const journal = readJournalSync(path.join(folder, JOURNAL));
    const when = journal?.entries.find((entry) => entry.tag === tag)?.when;
    return when === undefined ? tag : numericKey(when);
  },
  checksum: sha256Hex,
};

function readJournalSync(file: string): { entries: { tag: string; when: number }[] } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Drizzle Kit: `<out>/<tag>.sql` split at `--> statement-breakpoint`, in the order of meta/_journal.json. */
export const drizzle: FormatReader = {
  format: 'drizzle',
  priority: 2,
  tool: 'drizzle',
  label: 'Drizzle',
  bookkeeping: drizzleBookkeeping,
  scan: scanDrizzle,
  write: writeDrizzle,
  async read(context) {
    const journalPath = path.join(context.directory, JOURNAL);
    const journalRelative = relativeToRoot(context.root, journalPath);
    const text = (await readText(journalPath)) ?? '';
    let journal: { dialect?: string; entries?: JournalEntry[] };
    const problems: FormatRead['errors'] = [];
    try {
      journal = JSON.parse(text);
      if (!Array.isArray(journal.entries)) {
        throw new UserError(
          'drizzle-journal-malformed',
          `${journalRelative} has no "entries" array, so the migration order is unknown.`,
          'Restore meta/_journal.json from version control or regenerate it with `drizzle-kit generate`.',
          { file: journalRelative, line: 1, column: 1 },
        );
      }
    } catch (error) {
      // The files are still read, in tag order (drizzle-kit numbers tags 0000_, 0001_ …), with the problem reported.
      problems.push(
        readError(journalRelative, error instanceof UserError ? error : malformed(journalRelative, text, error)),
      );
      const { files } = await listEntries(context.directory);
      journal = {
        entries: files
          .filter((file) => file.endsWith('.sql'))
          .sort()
          .map((file, idx) => ({ idx, tag: file.replace(/\.sql$/, ''), breakpoints: true })),
      };
    }
    const declared = journal.dialect ? DIALECTS[journal.dialect] : undefined;
    const engine = engineFor(context, declared);
    const result: FormatRead = { migrations: [], errors: problems, ...(declared ? { engine: declared } : {}) };
    const entries = [...(journal.entries ?? [])].sort((a, b) => a.idx - b.idx);
    if (problems.length === 0) setAsideUnjournaled(result, await listEntries(context.directory), entries, context);
    for (const entry of entries) {
      const absolute = path.join(context.directory, `${entry.tag}.sql`);
      if (!selected(context.only, absolute) && !selected(context.only, journalPath)) continue;
      const relative = relativeToRoot(context.root, absolute);
      try {
        result.migrations.push(await readEntry(entry, absolute, relative, engine));
      } catch (error) {
        result.errors.push(readError(relative, error));
      }
    }
    return result;
  },
};

/**
 * A .sql file of the folder that meta/_journal.json does not list is never applied by drizzle-kit migrate
 * (dokploy has 0130_abandoned_dagger.sql beside the journal's 0130_perpetual_screwball): named, not checked.
 */
function setAsideUnjournaled(
  result: FormatRead,
  listing: { files: string[] },
  entries: JournalEntry[],
  context: ReadContext,
): void {
  const tags = new Set(entries.map((entry) => entry.tag));
  const orphans = listing.files.filter(
    (file) =>
      file.endsWith('.sql') &&
      !tags.has(file.slice(0, -4)) &&
      selected(context.only, path.join(context.directory, file)),
  );
  if (orphans.length === 0) return;
  result.setAside = orphans.map((file) => relativeToRoot(context.root, path.join(context.directory, file)));
  result.notes = orphans.map(
    (file) =>
      `${file} is not in meta/_journal.json, so drizzle-kit migrate never applies it (a leftover of a merge or a deleted migration?); it was not checked. Delete it, or regenerate the journal if it should run.`,
  );
}

async function readEntry(
  entry: JournalEntry,
  absolute: string,
  relative: string,
  engine: Engine | undefined,
): Promise<Migration> {
  const text = await readText(absolute);
  if (text === undefined) {
    throw new UserError(
      'drizzle-file-missing',
      `meta/_journal.json lists "${entry.tag}" but ${relative} does not exist.`,
      'Restore the file from version control, or remove the entry by regenerating with drizzle-kit.',
      { file: relative },
    );
  }
  const up: Statement[] = [];
  let start = 0;
  while (start <= text.length) {
    const next = entry.breakpoints === false ? -1 : text.indexOf(BREAKPOINT, start);
    const end = next === -1 ? text.length : next;
    if (text.slice(start, end).trim() !== '')
      up.push(...(await splitStatements(text, engine, relative, { start, end })));
    if (next === -1) break;
    start = next + BREAKPOINT.length;
  }
  const [, id = entry.tag, name = entry.tag] = /^(\d+)_(.+)$/.exec(entry.tag) ?? [];
  return {
    id,
    name,
    path: relative,
    format: 'drizzle',
    up,
    transactional: true,
    notes: [
      'Drizzle migrations have no down; the rollback plan derives one.',
      'drizzle-orm migrate() applies all pending migrations in one transaction (PostgreSQL, SQLite); MySQL DDL commits implicitly.',
    ],
  };
}

function malformed(file: string, text: string, error: unknown): UserError {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message)?.[1];
  let where: { file: string; line?: number; column?: number } = { file };
  if (position !== undefined) {
    const before = text.slice(0, Number(position));
    const lines = before.split('\n');
    where = { file, line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
  }
  return new UserError(
    'drizzle-journal-malformed',
    `${file} is not valid JSON (${message}), so the migration order is unknown.`,
    'Restore meta/_journal.json from version control or regenerate it with `drizzle-kit generate`.',
    where,
  );
}
