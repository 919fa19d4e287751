import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Migration, MigrationFormat, Statement } from '../../model.js';
import { relativeToRoot } from '../../root.js';
import { readText } from '../files.js';
import { failedOnBrokenCode } from '../loader.js';
import type { FormatRead } from '../types.js';

export const SCRIPT_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'];

export function isScript(file: string, extensions = SCRIPT_EXTENSIONS): boolean {
  return (
    extensions.some((extension) => file.endsWith(extension)) &&
    !/\.d\.[cm]?ts$/.test(file) &&
    !/\.(test|spec)\./.test(file)
  );
}

/**
 * The migration as listed without running its code (executeProjectCode is false): whether it defines a down and
 * opts out of the transaction is read from the text; its SQL is not known (`up` stays empty, `down` is [] when
 * a down exists).
 */
export async function uncompiled(
  root: string,
  absolute: string,
  format: MigrationFormat,
  id: string,
  name: string,
): Promise<Migration> {
  const text = (await readText(absolute)) ?? '';
  const hasDown = /\bdown\s*(\(|=|:)|exports\.down\b/.test(text);
  return {
    id,
    name,
    path: relativeToRoot(root, absolute),
    format,
    up: [],
    ...(hasDown ? { down: [] } : {}),
    transactional: !/\btransaction\s*[:=]\s*false\b/.test(text),
    compiled: false,
    notes: [
      `Not compiled: turning a ${format} migration into SQL runs its code; pass executeProjectCode: true (CLI --execute) to record its SQL.`,
    ],
  };
}

/**
 * The first `key: '<one of values>'` in the project's config files (in the order given), read as text, never
 * executed: enough to learn the dialect without running the project's configuration code.
 */
export async function configuredValue(
  root: string,
  files: readonly string[],
  key: string,
  values: readonly string[],
): Promise<string | undefined> {
  const pattern = new RegExp(`["']?${key}["']?\\s*:\\s*["'\`](${values.join('|')})["'\`]`);
  for (const file of files) {
    const text = await readText(path.join(root, file));
    const value = text ? pattern.exec(text)?.[1] : undefined;
    if (value) return value;
  }
  return undefined;
}

/** The string value of `key: '…'` in source text, read without executing it. */
export function stringProperty(text: string, key: string): string | undefined {
  return new RegExp(`\\b${key}\\s*:\\s*["'\`]([^"'\`]+)["'\`]`).exec(text)?.[1];
}

export function baseName(file: string): string {
  return file.replace(/\.[cm]?[jt]s$/, '');
}

const ROLLBACK_COMMANDS: Partial<Record<MigrationFormat, string>> = {
  knex: 'knex migrate:rollback',
  typeorm: 'typeorm migration:revert',
  sequelize: 'sequelize db:migrate:undo',
  'node-pg-migrate': 'node-pg-migrate down',
  kysely: 'Migrator.migrateDown()',
};

/**
 * Adds a compiled code migration; one without a down is still returned, with a per-file error, because the
 * tool's rollback command calls down() and fails on that migration.
 */
export function pushWithDownCheck(result: FormatRead, migration: Migration): void {
  result.migrations.push(migration);
  if (migration.down) return;
  result.errors.push({
    path: migration.path,
    error: {
      code: 'missing-down',
      what: `${migration.path} defines no down(), so \`${ROLLBACK_COMMANDS[migration.format] ?? 'rollback'}\` fails on it and the change cannot be rolled back by the tool.`,
      fix: 'Add a down() that reverses up(), or record in the plan that this step is irreversible.',
      where: { file: migration.path, line: 1, column: 1 },
    },
  });
}

/**
 * Compiled without a database, reads get empty answers (no rows, no tables, no foreign keys). When a migration
 * read something, code that branches on the answer took the "empty database" path: say so.
 */
export function offlineReadsNote(statements: { sql: string }[]): string | undefined {
  const reads = statements.filter((statement) => /^\s*(select|show|pragma|with)\b/i.test(statement.sql));
  if (reads.length === 0) return undefined;
  return `Recorded without a database: ${reads.length} read(s) (e.g. ${reads[0]?.sql.slice(0, 60)}…) were answered with no rows, so code that branches on them took the empty-database path; rehearse on a shadow database to see the real run.`;
}

/**
 * Records down(); a down() that throws is the "this migration is irreversible" idiom, not a broken migration:
 * its up() is still checked, and the down is empty (undoes nothing) with a note saying where it threw. A down()
 * that fails on broken code (a ReferenceError, TypeError …) is no idiom: `fails` says where, for the checklist.
 */
export async function recordDown(
  relative: string,
  record: () => Promise<Statement[]>,
): Promise<{ down: Statement[]; note?: string; fails?: string }> {
  try {
    return { down: await record() };
  } catch (error) {
    if (!(error instanceof UserError) || error.code !== 'migration-threw') throw error;
    const where = error.where?.line !== undefined ? ` at ${relative}:${error.where.line}` : '';
    const thrown = error.what.replace(/^down\(\) threw while its SQL was recorded: /, '');
    if (failedOnBrokenCode(error)) {
      const fails = `down() fails${where} (${thrown})`;
      return {
        down: [],
        fails,
        note: `${fails}: broken code, not the irreversible idiom: rolling back fails there, after whatever down() ran before it; fix down().`,
      };
    }
    return {
      down: [],
      note: `down() throws${where} (${thrown}): the migration is irreversible by design; rolling back stops here.`,
    };
  }
}
