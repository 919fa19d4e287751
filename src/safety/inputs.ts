import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { globToRegExp } from '../glob.js';
import { readFileOnce } from '../project/read-once.js';
import { childPath, relativeToRoot, resolveInsideRoot } from '../root.js';
import { downFileOf, isDownFile, upCandidates } from '../sources/down-files.js';
import { naturalCompare } from '../sources/files.js';

export { globToRegExp };

/**
 * The input stage of `check` and `validate_safety`: turns paths, folders and globs (all inside the project root)
 * into SQL texts in migration order. Paired down migrations (`x.down.sql` beside `x.up.sql`, `down.sql` beside
 * `up.sql`) are attached to their up migration as rollback evidence rather than checked as migrations.
 * Other migration formats (Knex, Prisma, …) plug in here through `extraLoaders`.
 */

export interface SqlInput {
  /** Path relative to the project root ('<stdin>' or '<input>' for text). */
  file: string;
  sql: string;
  /** The paired down migration, when one was found; `fails` when running it fails (a ReferenceError in down()). */
  down?: { file: string; sql: string; fails?: string };
  /** The migration format has no down for this migration (checklist "rollback present" fails). */
  downMissing?: boolean;
  /** The migration tool's own transaction mode for this migration; the option/config default when absent. */
  inTransaction?: boolean;
  /** The tool sends the file as one query that opens its own transaction (see ValidateOptions.oneQuery). */
  oneQuery?: boolean;
  /** For SQL compiled from code (knex, TypeORM …): which lines of `sql` came from which source line. */
  origins?: SourceOrigin[];
  /** What the migration reader said about this migration (format, transaction mode …). */
  notes?: string[];
  /** How the migration's tool runs a statement outside its transaction ("knex: export config …"), for fixes. */
  transactionFix?: string;
  /** The migration folder it was read from (root-relative), when it came from one. */
  folder?: string;
  /** The engine its folder runs on and where that was learned; the project's engine applies when absent. */
  engine?: { name: string; where: string };
  /**
   * Migrations of its folder that run between the previous checked one and this one but are not checked themselves
   * (several files of one folder named): replayed into the schema just before this one is checked.
   */
  before?: Array<{ sql: string; file: string }>;
  /** A migration between the previous input of its folder and this one could not be read or compiled. */
  afterUnread?: boolean;
  /**
   * Its folder is read by its format from the first migration, in apply order: the tables and indexes its earlier
   * migrations did not create do not exist in that folder's database.
   */
  folderFromStart?: boolean;
}

/** Lines `line`..`endLine` of the compiled SQL were produced at `origin` (file:line:column of the source). */
export interface SourceOrigin {
  line: number;
  endLine: number;
  origin: { file: string; line: number; column?: number };
}

/** A loader for a non-SQL migration file; returns undefined when it does not handle the file. */
export type InputLoader = (root: string, absolute: string) => Promise<SqlInput[] | undefined>;

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', 'build', 'coverage']);

export async function loadSqlInputs(
  root: string,
  paths: string[],
  extraLoaders: InputLoader[] = [],
): Promise<SqlInput[]> {
  if (paths.length === 0) {
    throw new UserError(
      'no-input',
      'No SQL files or folders were given.',
      'Pass one or more .sql files, folders or globs (inside the project), or `-` to read standard input.',
    );
  }
  const files: string[] = [];
  const named = new Set<string>();
  for (const target of paths) {
    const matched = hasGlob(target) ? expandGlob(root, target) : [expandPath(root, target)].flat();
    if (!hasGlob(target) && matched.length === 1 && matched[0] === resolveInsideRoot(root, target))
      named.add(matched[0]);
    if (matched.length === 0) {
      throw new UserError(
        'no-match',
        `No .sql files match ${target}.`,
        'Check the pattern; it is matched against paths relative to the project root (e.g. "migrations/**/*.sql").',
        { file: target },
      );
    }
    files.push(...matched);
  }
  const ordered = [...new Set(files)].sort((a, b) => naturalCompare(relativeToRoot(root, a), relativeToRoot(root, b)));
  const byPath = new Set(ordered);
  const inputs: SqlInput[] = [];
  for (const absolute of ordered) {
    let handled: SqlInput[] | undefined;
    for (const loader of extraLoaders) {
      handled = await loader(root, absolute);
      if (handled) break;
    }
    if (handled) {
      inputs.push(...handled);
      continue;
    }
    if (isDownFile(relativeToRoot(root, absolute))) {
      // A down file is the rollback of its up migration, never a forward migration; checked as one only when
      // the caller named it (alone or with no up among the inputs).
      if (upCandidates(absolute).some((up) => byPath.has(up))) continue;
      if (!named.has(absolute)) continue;
    }
    const input: SqlInput = { file: relativeToRoot(root, absolute), sql: readText(absolute, root) };
    const down = isDownFile(relativeToRoot(root, absolute)) ? undefined : downFileOf(absolute, { has: exists });
    if (down) input.down = { file: relativeToRoot(root, down), sql: readText(down, root) };
    inputs.push(input);
  }
  return inputs;
}

function readText(absolute: string, root: string): string {
  try {
    return readFileOnce(absolute);
  } catch (error) {
    throw new UserError(
      'read-failed',
      `Cannot read ${relativeToRoot(root, absolute)}: ${(error as Error).message}`,
      'Check that the file exists and is readable.',
      { file: relativeToRoot(root, absolute) },
    );
  }
}

function exists(absolute: string): boolean {
  try {
    return statSync(absolute).isFile();
  } catch {
    return false;
  }
}

/** Every .sql file a path names (the file itself, or the .sql files below a folder), absolute. */
export function listSqlFiles(root: string, target: string): string[] {
  return expandPath(root, target).filter((file) => file.toLowerCase().endsWith('.sql'));
}

function expandPath(root: string, target: string): string[] {
  const absolute = resolveInsideRoot(root, target);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(absolute);
  } catch {
    throw new UserError(
      'not-found',
      `${target} does not exist.`,
      'Pass an existing .sql file or folder inside the project (paths are relative to the project root).',
      { file: target },
    );
  }
  if (stats.isFile()) return [absolute];
  return walkSql(absolute);
}

/**
 * The .sql files below `folder`, which resolveInsideRoot has checked. Entries are taken only when they are real
 * files and folders (a symlink is neither), so each file is the checked folder's own and needs no realpath of
 * its own: one realpath per file was most of `check` on a history of hundreds of migration folders.
 */
function walkSql(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const absolute = childPath(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) found.push(...walkSql(absolute));
    } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.sql')) {
      found.push(absolute);
    }
  }
  return found;
}

function hasGlob(target: string): boolean {
  return /[*?[{]/.test(target);
}

/** Matches a glob (`*`, `**`, `?`, `[abc]`, `{a,b}`) against files under the root. */
function expandGlob(root: string, pattern: string): string[] {
  const normalized = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  if (path.isAbsolute(normalized)) resolveInsideRoot(root, normalized.split(/[*?[{]/)[0] ?? normalized);
  const relativePattern = path.isAbsolute(normalized) ? relativeToRoot(root, normalized) : normalized;
  if (relativePattern.startsWith('..')) resolveInsideRoot(root, relativePattern);
  const staticPrefix = relativePattern
    .split('/')
    .filter((_, index, parts) => !parts.slice(0, index + 1).some(hasGlob))
    .join('/');
  const start = resolveInsideRoot(root, staticPrefix || '.');
  const matcher = globToRegExp(relativePattern);
  const candidates: string[] = [];
  const walk = (folder: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const absolute = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(absolute);
      } else if (entry.isFile() && matcher.test(relativeToRoot(root, absolute))) {
        candidates.push(resolveInsideRoot(root, absolute));
      }
    }
  };
  walk(start);
  return candidates;
}
