import path from 'node:path';
import type { Engine, Migration, Statement } from '../../model.js';
import { relativeToRoot } from '../../project/root.js';
import { isFile, listEntries, readText, selected } from '../files.js';
import { splitStatements } from '../statements.js';
import type { FormatRead, FormatReader, MigrationReadError } from '../types.js';
import { type Body, callsIn, codeOnly, functionBody, literalStatements, methodCalls, positionAt } from './js-static.js';
import { engineFromPackages } from './package-engine.js';

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

/**
 * db-migrate: `migrations/<timestamp>-<name>.js` modules with `exports.up = function (db) { … }`, applied in
 * file-name order. The SQL is read without running code: from the `sqls/<timestamp>-<name>-up.sql` file the
 * module loads (the `--sql-file` variant), else from `db.runSql('…')` string literals; builder calls such as
 * `db.createTable(…)` are reported by line as not statically known.
 */
export const dbMigrate: FormatReader = {
  format: 'db-migrate',
  priority: 27,
  async locate(root, candidate) {
    // The sqls/ folder belongs to the migrations folder around it; its files are never migrations of their own.
    if (path.basename(candidate) === 'sqls' && candidate !== root) {
      const parent = path.dirname(candidate);
      return (await dbMigrate.locate(root, parent)) ? parent : undefined;
    }
    const { files, folders } = await listEntries(candidate);
    const modules = files.filter((file) => FILE.test(file));
    if (modules.length === 0) return undefined;
    for (const file of modules.slice(0, 10)) {
      const text = (await readText(path.join(candidate, file))) ?? '';
      if (/\bdbm\b|\bdbmigrate\b|\.runSql\s*\(|\b_meta\b/.test(text)) return candidate;
    }
    return folders.includes('sqls') ? candidate : undefined;
  },
  async read(context) {
    const declared = (await configuredEngine(context.root)) ?? (await engineFromPackages(context.root, DRIVER_ENGINES));
    const engine = context.engine ?? declared;
    const { files } = await listEntries(context.directory);
    const result: FormatRead = { migrations: [], errors: [], ...(declared ? { engine: declared } : {}) };
    for (const file of files.filter((name) => FILE.test(name) && !/\.d\.[cm]?ts$/.test(name)).sort()) {
      const absolute = path.join(context.directory, file);
      const sqlFiles = [
        path.join(context.directory, 'sqls', file.replace(FILE, '$1-$2-up.sql')),
        path.join(context.directory, 'sqls', file.replace(FILE, '$1-$2-down.sql')),
      ];
      if (![absolute, ...sqlFiles].some((candidate) => selected(context.only, candidate))) continue;
      context.signal?.throwIfAborted();
      const read = await readModule(context.root, absolute, engine);
      result.migrations.push(read.migration);
      result.errors.push(...read.errors);
    }
    return result;
  },
};

async function readModule(
  root: string,
  absolute: string,
  engine: Engine | undefined,
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
  const up = upBody ? await directionSql(root, absolute, text, code, upBody, 'up', engine, errors, notes) : [];
  const downBody = functionBody(text, 'down', code);
  let down: Statement[] | undefined;
  if (!downBody) notes.push('No down(db) export: db-migrate down cannot undo it.');
  else {
    const before = errors.length;
    down = await directionSql(root, absolute, text, code, downBody, 'down', engine, errors, notes);
    if (down.length === 0 && errors.length === before)
      notes.push('down() runs no SQL (`return null`): rolling it back leaves the change in place.');
  }
  notes.push("db-migrate's driver wraps each migration in BEGIN/COMMIT unless it is run with --non-transactional.");
  return {
    migration: {
      id,
      name,
      path: relative,
      format: 'db-migrate',
      up,
      ...(down ? { down } : {}),
      transactional: true,
      notes,
    },
    errors,
  };
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
): Promise<Statement[]> {
  const relative = relativeToRoot(root, absolute);
  const sqlFile = /['"`]([^'"`]*-(?:up|down)\.sql)['"`]/.exec(text.slice(body.start, body.end))?.[1];
  if (sqlFile) {
    const file = path.resolve(path.dirname(absolute), 'sqls', path.basename(sqlFile));
    const fileRelative = relativeToRoot(root, file);
    if (!(await isFile(file))) {
      const { line, column } = positionAt(text, body.start);
      errors.push(
        problem(
          relative,
          'db-migrate-sql-missing',
          `${relative}: ${direction}() reads ${fileRelative}, which does not exist.`,
          `Create ${fileRelative} or fix the file name in ${direction}().`,
          line,
          column,
        ),
      );
      return [];
    }
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
        "Write the SQL with db.runSql('…') as a string literal (or in the sqls/ file), or review this statement by hand.",
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
