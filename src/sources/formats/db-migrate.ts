import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Engine, Migration, Statement } from '../../model.js';
import { inPackage, type PackageContext } from '../../project/context.js';
import type { MigrationEntry } from '../../project/types.js';
import { baseOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { isFile, listEntries, readError, readText, selected } from '../files.js';
import { withTimeLimit } from '../loader.js';
import { splitStatements } from '../statements.js';
import type { FormatRead, FormatReader, MigrationReadError, MigrationScan, ReadContext } from '../types.js';
import { DbMigrateRecorder } from './db-migrate-recorder.js';
import { writeDbMigrate } from './db-migrate-write.js';
import { type Body, callsIn, codeOnly, functionBody, literalStatements, methodCalls, positionAt } from './js-static.js';
import { engineFromPackages } from './package-engine.js';
import { finish } from './scan-common.js';

const FILE = /^(\d+)-(.+)\.(js|cjs|mjs|ts)$/;
const DRIVER_ENGINES: [string, Engine][] = [
  ['db-migrate-pg', 'postgresql'],
  ['db-migrate-cockroachdb', 'cockroachdb'],
  ['db-migrate-mysql', 'mysql'],
  ['db-migrate-sqlite3', 'sqlite'],
  ['db-migrate-mssql', 'mssql'],
];
const CONFIG_DRIVERS: Record<string, Engine> = {
  pg: 'postgresql',
  postgres: 'postgresql',
  cockroachdb: 'cockroachdb',
  mysql: 'mysql',
  sqlite3: 'sqlite',
  mssql: 'mssql',
};

/** The engine database.json names (`"driver": "pg"`, in the first environment that names one), read as text. */
async function configuredEngine(root: string): Promise<Engine | undefined> {
  const text = (await readText(path.join(root, 'database.json'))) ?? '';
  const driver = /"driver"\s*:\s*"(\w+)"/.exec(text)?.[1];
  return driver ? CONFIG_DRIVERS[driver] : undefined;
}

/** The `--migrations-dir`/`-m` of a db-migrate script in the project's package.json (`migrations` when none says). */
async function _scriptDirectory(root: string): Promise<string | undefined> {
  const text = (await readText(path.join(root, 'package.json'))) ?? '';
  const scripts = [...text.matchAll(/"[^"]*"\s*:\s*"([^"]*\bdb-migrate\s[^"]*)"/g)].map((match) => match[1] ?? '');
  if (scripts.length === 0) return undefined;
  for (const script of scripts) {
    const flag = /(?:^|\s)(?:-m|--migrations-dir)[\s=]+([^\s"']+)/.exec(script)?.[1];
    if (flag) return flag;
  }
  return 'migrations';
}

/**
 * db-migrate: `migrations/<timestamp>-<name>.js` modules with `exports.up = function (db) { … }`, applied in
 * file-name order. The SQL is read without running code: from the `sqls/<timestamp>-<name>-up.sql` file the
 * module loads (the `--sql-file` variant), else from `db.runSql('…')` string literals; builder calls such as
 * `db.createTable(…)` are reported by line as not statically known.
 */
export const dbMigrate: FormatReader = {
  format: 'db-migrate',
  priority: 19,
  // Only builder calls (db.createTable …) run code, and only with executeProjectCode; the rest is read statically.
  runsProjectCode: true,
  tool: 'db-migrate',
  label: 'db-migrate',
  scan: scanDbMigrate,
  write: writeDbMigrate,
  async read(context) {
    const declared =
      (await configuredEngine(context.package)) ?? (await engineFromPackages(context.package, DRIVER_ENGINES));
    const engine = context.engine ?? declared;
    const { files } = await listEntries(context.directory);
    const result: FormatRead = { migrations: [], errors: [], ...(declared ? { engine: declared } : {}) };
    const sqlFiles = new SqlFileIndex(context.root);
    const recorder = context.executeProjectCode ? DbMigrateRecorder.create(context.package, engine) : undefined;
    for (const file of files.filter((name) => FILE.test(name) && !/\.d\.[cm]?ts$/.test(name)).sort()) {
      const absolute = path.join(context.directory, file);
      const conventional = [
        path.join(context.directory, 'sqls', file.replace(FILE, '$1-$2-up.sql')),
        path.join(context.directory, 'sqls', file.replace(FILE, '$1-$2-down.sql')),
      ];
      if (![absolute, ...conventional].some((candidate) => selected(context.only, candidate))) continue;
      context.signal?.throwIfAborted();
      let read: Awaited<ReturnType<typeof readModule>>;
      try {
        read = await readModule(context.root, absolute, engine, sqlFiles);
      } catch (error) {
        result.errors.push(readError(relativeToRoot(context.root, absolute), error));
        continue;
      }
      try {
        if (read.errors.some((error) => error.error.code === 'sql-not-static'))
          read = await compileWithDriver(context, absolute, read, recorder);
      } catch (error) {
        // Running it failed: what was read statically stays, with the failure and the calls still not checked.
        read.errors.push(readError(relativeToRoot(context.root, absolute), error));
      }
      result.migrations.push(read.migration);
      result.errors.push(...read.errors);
    }
    return result;
  },
};

/**
 * A migration whose SQL is not all literal (builder calls such as db.createTable), run in the project's
 * db-migrate driver when the caller allowed running project code and the driver is installed.
 */
async function compileWithDriver(
  context: ReadContext,
  absolute: string,
  read: { migration: Migration; errors: MigrationReadError[] },
  recorder: DbMigrateRecorder | undefined,
): Promise<{ migration: Migration; errors: MigrationReadError[] }> {
  if (!context.executeProjectCode) return read;
  if (!recorder) {
    read.migration.notes.push(
      "Not compiled: the builder calls need db-migrate's driver for the engine (db-migrate-pg, db-migrate-mysql …) and db-migrate installed in the project (npm install).",
    );
    return read;
  }
  if (context.skip?.includes(absolute)) return read;
  context.onFile?.(absolute);
  const relative = relativeToRoot(context.root, absolute);
  const recorded = await withTimeLimit(
    () => recorder.record(absolute, relative),
    context.timeoutMs,
    relative,
    context.signal,
  );
  const { down: _static, ...rest } = read.migration;
  return {
    migration: {
      ...rest,
      up: recorded.up,
      ...(recorded.down ? { down: recorded.down } : {}),
      notes: [
        ...read.migration.notes.filter((note) => !/runs no SQL|SQL read from/.test(note)),
        ...(recorded.up.length === 0 ? ['up runs no SQL: applying it changes nothing.'] : []),
        ...(recorded.down?.length === 0 ? ['down runs no SQL: rolling it back leaves the change in place.'] : []),
        `Compiled by running the migration with the project's ${recorder.driver} ${recorder.version} in db-migrate's dry-run mode (no database).`,
      ],
    },
    errors: read.errors.filter((error) => error.error.code !== 'sql-not-static'),
  };
}

async function readModule(
  root: string,
  absolute: string,
  engine: Engine | undefined,
  sqlFiles: SqlFileIndex,
): Promise<{ migration: Migration; errors: MigrationReadError[] }> {
  const relative = relativeToRoot(root, absolute);
  const text = (await readText(absolute)) ?? '';
  const code = codeOnly(text);
  const [, id = '', name = ''] = FILE.exec(path.basename(absolute)) ?? [];
  const errors: MigrationReadError[] = [];
  const notes: string[] = [];
  const upBody = functionBody(text, 'up', code);
  if (!upBody) {
    errors.push(
      problem(
        relative,
        'db-migrate-no-up',
        `${relative} exports no up(db) function, so db-migrate would fail to run it.`,
        "Export `exports.up = function (db) { return db.runSql('…'); }`.",
        1,
        1,
      ),
    );
  }
  const upErrors = errors.length;
  const up = upBody
    ? await directionSql(root, absolute, text, code, upBody, 'up', engine, errors, notes, sqlFiles)
    : [];
  if (upBody && up.length === 0 && errors.length === upErrors)
    notes.push('up runs no SQL: applying it changes nothing.');
  const downBody = functionBody(text, 'down', code);
  let down: Statement[] | undefined;
  if (!downBody) notes.push('No down(db) export: db-migrate down cannot undo it.');
  else {
    const before = errors.length;
    down = await directionSql(root, absolute, text, code, downBody, 'down', engine, errors, notes, sqlFiles);
    if (down.length === 0 && errors.length === before)
      notes.push('down runs no SQL: rolling it back leaves the change in place.');
  }
  const outside = OUTSIDE_TRANSACTION.test(code);
  notes.push(
    outside
      ? "Ends db-migrate's transaction before its statements (withoutTransaction): they run outside one."
      : "db-migrate's driver wraps each migration in BEGIN/COMMIT unless it is run with --non-transactional.",
  );
  return {
    migration: {
      id,
      name,
      path: relative,
      format: 'db-migrate',
      up,
      ...(down ? { down } : {}),
      transactional: !outside,
      notes,
    },
    errors,
  };
}

/**
 * The sqls/ file a direction reads: the literal file name in its body, or db-migrate's conventional
 * `<migration>-<direction>.sql` when the body builds the name (`${name}-up.sql`).
 */
function sqlFileOf(body: string, file: string, direction: 'up' | 'down', text = body): string | undefined {
  const literal = /['"`]([^'"`$]*-(?:up|down)\.sql)['"`]/.exec(body)?.[1];
  if (literal) return path.basename(literal);
  // `${file}-up.sql` with `const file = '…'` in the module: the name is known without running anything.
  const template = /`([^`]*-(?:up|down)\.sql)`/.exec(body)?.[1];
  const resolved = template?.replace(/\$\{\s*(\w+)\s*\}/g, (whole, name: string) => {
    const value = new RegExp(`\\b(?:const|let|var)\\s+${name}\\s*=\\s*['"]([^'"]*)['"]`).exec(text)?.[1];
    return value ?? whole;
  });
  if (resolved && !resolved.includes('${')) return path.basename(resolved);
  return new RegExp(`-${direction}\\.sql\\b`).test(body) ? file.replace(FILE, `$1-$2-${direction}.sql`) : undefined;
}

/**
 * Of several files with the name, the ones in the folder the module names (`const dir = 'packages/auth/migrations/sqls'`):
 * the most trailing folder names in common with a path literal of the module.
 */
function closestToNamedFolder(candidates: string[], text: string): string[] {
  if (candidates.length < 2) return candidates;
  const folders = [...text.matchAll(/['"`]([^'"`$\n]*\/[^'"`$\n]*)['"`]/g)].map((match) =>
    (match[1] ?? '').split('/').filter((part) => part && part !== '.'),
  );
  const shared = (candidate: string) => {
    const parts = path.dirname(candidate).split(/[\\/]/);
    let best = 0;
    for (const folder of folders) {
      let count = 0;
      while (count < folder.length && folder[folder.length - 1 - count] === parts[parts.length - 1 - count]) count++;
      best = Math.max(best, count);
    }
    return best;
  };
  const scores = candidates.map(shared);
  const top = Math.max(...scores);
  return top === 0 ? candidates : candidates.filter((_, index) => scores[index] === top);
}

/** The project's .sql files by name, listed once per read when a module's SQL file is not where db-migrate puts it. */
class SqlFileIndex {
  private byName: Promise<Map<string, string[]>> | undefined;

  constructor(private readonly root: string) {}

  async named(name: string): Promise<string[]> {
    this.byName ??= this.list();
    return (await this.byName).get(name) ?? [];
  }

  private async list(): Promise<Map<string, string[]>> {
    const byName = new Map<string, string[]>();
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.sql')) continue;
      const folder = entry.parentPath;
      if (/(^|[\\/])(node_modules|\.git)([\\/]|$)/.test(path.relative(this.root, folder))) continue;
      byName.set(entry.name, [...(byName.get(entry.name) ?? []), path.join(folder, entry.name)]);
    }
    return byName;
  }
}

/** The builder calls of db-migrate's driver API whose SQL is produced by the driver at run time. */
const BUILDER_CALLS =
  /^(createTable|dropTable|renameTable|addColumn|removeColumn|renameColumn|changeColumn|addIndex|removeIndex|addForeignKey|removeForeignKey|insert|createCollection|dropCollection|createDatabase|dropDatabase|switchDatabase|createSequence|dropSequence|createMigrationsTable|all|addMigrationRecord)$/;

async function directionSql(
  root: string,
  absolute: string,
  text: string,
  code: string,
  body: Body,
  direction: 'up' | 'down',
  engine: Engine | undefined,
  errors: MigrationReadError[],
  notes: string[],
  sqlFiles: SqlFileIndex,
): Promise<Statement[]> {
  const relative = relativeToRoot(root, absolute);
  const sqlFile = sqlFileOf(text.slice(body.start, body.end), path.basename(absolute), direction, text);
  if (sqlFile) {
    const conventional = path.resolve(path.dirname(absolute), 'sqls', sqlFile);
    // A module that builds the path at run time (a helper, another folder) is matched by the file's unique name.
    const found = (await isFile(conventional))
      ? [conventional]
      : closestToNamedFolder(await sqlFiles.named(sqlFile), text);
    const file = found[0];
    if (found.length !== 1 || !file) {
      const { line, column } = positionAt(text, body.start);
      errors.push(
        problem(
          relative,
          'db-migrate-sql-missing',
          found.length === 0
            ? `${relative}: ${direction}() runs the SQL file ${sqlFile}, and no file of that name exists in the project (looked in ${relativeToRoot(root, path.dirname(conventional))} first), so its SQL is not checked.`
            : `${relative}: ${direction}() runs the SQL file ${sqlFile}, and ${found.length} files of that name exist (${found.map((candidate) => relativeToRoot(root, candidate)).join(', ')}), so which one runs is not known.`,
          `Keep the SQL in ${relativeToRoot(root, conventional)}, as db-migrate create --sql-file does.`,
          line,
          column,
        ),
      );
      return [];
    }
    const fileRelative = relativeToRoot(root, file);
    notes.push(`${direction}: SQL read from ${fileRelative}.`);
    const sql = (await readText(file)) ?? '';
    return (await splitStatements(sql, engine, fileRelative)).map((statement) => ({
      ...statement,
      origin: { file: fileRelative, line: statement.span.start.line, column: statement.span.start.column },
    }));
  }
  const receiver = body.parameter ?? 'db';
  const literal = new Map(
    callsIn(text, body, `(?<![\\w.$])${receiver}\\s*\\.\\s*runSql`, code).map((call) => [
      `${call.line}:${call.column}`,
      call,
    ]),
  );
  const statements: Statement[] = [];
  for (const call of methodCalls(text, body, receiver, code)) {
    const found = literal.get(`${call.line}:${call.column}`);
    if (found?.sql !== undefined) {
      statements.push(...literalStatements(found, relative, engine));
      continue;
    }
    const reason =
      found?.reason ??
      (BUILDER_CALLS.test(call.name)
        ? `db.${call.name}() builds its SQL in the db-migrate driver when it runs`
        : `db.${call.name}() is not a db-migrate SQL call`);
    errors.push(
      problem(
        relative,
        'sql-not-static',
        `${relative}:${call.line}: the SQL of ${receiver}.${call.name}() in ${direction}() is not statically known (${reason}), so it is not checked.`,
        BUILDER_CALLS.test(call.name) && !found
          ? "Pass executeProjectCode: true (CLI --execute) to record it with the project's db-migrate driver, or write the SQL with db.runSql('…')."
          : "Write the SQL with db.runSql('…') as a string literal (or in the sqls/ file), or review this statement by hand.",
        call.line,
        call.column,
      ),
    );
  }
  return statements;
}

function problem(
  relative: string,
  code: string,
  what: string,
  fix: string,
  line: number,
  column: number,
): MigrationReadError {
  return { path: relative, error: { code, what, fix, where: { file: relative, line, column } } };
}

/** Detect side: the migrations folder (the `-m`/`--migrations-dir` of the project's db-migrate script, else `migrations`). */
/** The helper generated migrations use to end db-migrate's transaction around statements that cannot run in one. */
const OUTSIDE_TRANSACTION = /\bwithoutTransaction\s*\(\s*db\b/;

const TRANSACTION = 'per migration (the driver runs BEGIN/COMMIT around each; `--non-transactional` opts out)';

export function scanDbMigrate(context: PackageContext): MigrationScan[] {
  const script = Object.values(context.node?.scripts ?? {}).find((command) => /\bdb-migrate\b/.test(command));
  // A `migrations` folder is this tool's only when the package uses the tool (dependency, script or config file).
  if (!context.tools.has('db-migrate') && !script && !context.files.filesIn(context.dir).includes('.db-migraterc'))
    return [];
  const configured = script ? /(?:^|\s)(?:-m|--migrations-dir)[\s=]+([^\s"']+)/.exec(script)?.[1] : undefined;
  const dir = inPackage(context, (configured ?? 'migrations').replace(/^\.\//, '').replace(/\/$/, ''));
  if (!context.files.dirs.has(dir)) return [];
  const migrations = context.files
    .filesIn(dir)
    .filter((file) => FILE.test(file) && !/\.d\.[cm]?ts$/.test(file))
    .sort()
    .map((file): MigrationEntry => {
      const [, id = '', name = ''] = FILE.exec(file) ?? [];
      const text = context.files.read(joinRelative(dir, file)) ?? '';
      return {
        id,
        name,
        path: joinRelative(dir, file),
        tool: 'db-migrate',
        hasDown: downRunsSomething(context, dir, file, text),
        transactional: !OUTSIDE_TRANSACTION.test(text),
      };
    });
  return [finish('db-migrate', TRANSACTION, dir, migrations, context)];
}

/** True when down() does more than `return null` (the generated no-op), or its sqls/ file holds SQL. */
function downRunsSomething(context: PackageContext, dir: string, file: string, text: string): boolean {
  const code = codeOnly(text);
  const body = functionBody(text, 'down', code);
  if (!body) return false;
  const sqlFile = sqlFileOf(text.slice(body.start, body.end), file, 'down', text);
  if (sqlFile) {
    const conventional = joinRelative(dir, 'sqls', sqlFile);
    const named = context.files.files.filter((candidate) => baseOf(candidate) === sqlFile);
    const [found] = context.files.files.includes(conventional) ? [conventional] : closestToNamedFolder(named, text);
    const sql = found ? (context.files.read(found) ?? '') : '';
    return sql.replace(/\/\*[\s\S]*?\*\/|--.*$/gm, '').trim() !== '';
  }
  return !/^\s*(return\s+null\s*;?|callback\(\)\s*;?|return\s+callback\(\)\s*;?)?\s*$/.test(
    code.slice(body.start, body.end),
  );
}
