import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine, Migration, Statement } from '../../model.js';
import { configString, ownFilesNamed, type PackageContext } from '../../project/context.js';
import type { MigrationEntry } from '../../project/types.js';
import { dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type Bookkeeping, fileStemOf, recordsByColumn } from '../bookkeeping.js';
import { listEntries, readError, readText, selected } from '../files.js';
import { frameIn, loadProjectModule, sourceMappedStack, thrownByMigration, withTimeLimit } from '../loader.js';
import { compiledStatement } from '../statements.js';
import type { FormatRead, FormatReader, MigrationScan, ReadContext } from '../types.js';
import { offlineReadsNote, pushWithDownCheck, uncompiled } from './js-common.js';
import { writeKysely } from './kysely-write.js';
import { engineFromPackages } from './package-engine.js';
import { importFromProject } from './project-import.js';
import { finish } from './scan-common.js';

/** kysely src/migration/migrator.ts: kysely_migration (name, timestamp) + kysely_migration_lock. */
const kyselyBookkeeping: Bookkeeping = {
  table: 'kysely_migration',
  ownTables: ['kysely_migration', 'kysely_migration_lock'],
  records: (rows) => recordsByColumn(rows, 'name'),
  keyOf: fileStemOf,
};

/** Drivers and Kysely dialect packages, in the order they decide the engine. */
const DIALECT_PACKAGES: [string, Engine][] = [
  ['pg', 'postgresql'],
  ['postgres', 'postgresql'],
  ['kysely-postgres-js', 'postgresql'],
  ['@neondatabase/serverless', 'postgresql'],
  ['@vercel/postgres', 'postgresql'],
  ['mysql2', 'mysql'],
  ['kysely-planetscale', 'mysql'],
  ['better-sqlite3', 'sqlite'],
  ['@libsql/kysely-libsql', 'sqlite'],
  ['kysely-d1', 'sqlite'],
  ['kysely-bun-sqlite', 'sqlite'],
  ['tedious', 'mssql'],
];

/** The adapter, query compiler and introspector class names of each engine, as Kysely exports them. */
const DIALECTS: Partial<Record<Engine, { prefix: string; placeholder: RegExp }>> = {
  postgresql: { prefix: 'Postgres', placeholder: /\$(\d+)/y },
  cockroachdb: { prefix: 'Postgres', placeholder: /\$(\d+)/y },
  mysql: { prefix: 'Mysql', placeholder: /\?/y },
  mariadb: { prefix: 'Mysql', placeholder: /\?/y },
  sqlite: { prefix: 'Sqlite', placeholder: /\?/y },
  mssql: { prefix: 'Mssql', placeholder: /@(\d+)/y },
};

/** What a Kysely migration module contains: the Kysely type or an import of kysely. */
const KYSELY_MIGRATION = /\bKysely\s*<|from\s+['"]kysely['"]|require\(\s*['"]kysely['"]\s*\)/;
/** Exports up() or down() at module level, in any module style. */
const DEFINES_MIGRATION =
  /\bexport\s+(?:async\s+)?function\s+(?:up|down)\b|\bexport\s+(?:const|let|var)\s+(?:up|down)\b|\bexports\.(?:up|down)\b|\bmodule\.exports\s*=\s*\{[^}]*\b(?:up|down)\b|\bexport\s*\{[^}]*\b(?:up|down)\b|\bexport\s+default\s*\{/;
const MIGRATION_FILE = /^(?!.*\.d\.m?ts$).+\.(js|ts|mjs|mts)$/;

/**
 * Kysely: modules exporting `up(db: Kysely<any>)` / `down(db)`, loaded by FileMigrationProvider and applied in
 * name order (file name without extension, plain string order as Migrator sorts). Their SQL is compiled by the
 * project's own Kysely against a driver that records each query instead of sending it.
 */
export const kysely: FormatReader = {
  format: 'kysely',
  priority: 16,
  runsProjectCode: true,
  tool: 'kysely',
  label: 'Kysely',
  bookkeeping: kyselyBookkeeping,
  scan: scanKysely,
  write: writeKysely,
  async read(context) {
    const declared = await engineFromPackages(context.package, DIALECT_PACKAGES);
    const engine = context.engine ?? declared ?? 'postgresql';
    const assumed =
      context.engine || declared
        ? undefined
        : 'The project names no engine (no pg, mysql2, better-sqlite3 … dependency): compiled with the PostgreSQL query compiler; pass the engine to change it.';
    const { files } = await listEntries(context.directory);
    const candidates = files
      .filter((file) => MIGRATION_FILE.test(file))
      .sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
    const texts = await Promise.all(candidates.map((file) => readText(path.join(context.directory, file))));
    // FileMigrationProvider passes over modules without up(); an index.ts or a custom provider beside the
    // migrations is not one (a module that defines down() but no up() is still reported below).
    const chosen = candidates
      .filter((_, index) => DEFINES_MIGRATION.test(texts[index] ?? ''))
      .map((file) => path.join(context.directory, file))
      .filter((absolute) => selected(context.only, absolute));
    const result: FormatRead = { migrations: [], errors: [], ...(declared ? { engine: declared } : {}) };
    const recorder = context.executeProjectCode ? await KyselyRecorder.create(context.package, engine) : undefined;
    if (!recorder) {
      result.migrations = await Promise.all(
        chosen.map(async (absolute) => {
          const migration = await uncompiled(
            context.root,
            absolute,
            'kysely',
            keyOf(path.basename(absolute)),
            nameOf(absolute),
          );
          if (context.executeProjectCode)
            migration.notes = [
              "Not compiled: kysely is not installed in the project (npm install), and its SQL is what the project's own Kysely compiles.",
            ];
          return { ...migration, transactional: transactionalFor(engine) };
        }),
      );
      return result;
    }
    for (const absolute of chosen) {
      context.signal?.throwIfAborted();
      if (context.skip?.includes(absolute)) continue;
      context.onFile?.(absolute);
      const relative = relativeToRoot(context.root, absolute);
      try {
        const migration = await withTimeLimit(
          () => compileOne(recorder, context, absolute),
          context.timeoutMs,
          relative,
          context.signal,
        );
        if (assumed) migration.notes.push(assumed);
        pushWithDownCheck(result, migration);
      } catch (error) {
        result.errors.push(readError(relative, error));
      }
    }
    return result;
  },
};

const keyOf = (file: string) => file.slice(0, file.lastIndexOf('.'));
const nameOf = (absolute: string) =>
  keyOf(path.basename(absolute)).replace(/^[\d_-]+/, '') || keyOf(path.basename(absolute));
/** Array.prototype.sort's default order (UTF-16 code units), which Kysely's Migrator uses. */
const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Kysely's Migrator wraps the whole run in one transaction where the adapter supports transactional DDL. */
function transactionalFor(engine: Engine): boolean {
  return engine === 'postgresql' || engine === 'cockroachdb' || engine === 'mssql';
}

interface KyselyModule {
  up?: (db: unknown) => unknown;
  down?: (db: unknown) => unknown;
}

async function compileOne(recorder: KyselyRecorder, context: ReadContext, absolute: string): Promise<Migration> {
  const relative = relativeToRoot(context.root, absolute);
  const loaded = await loadProjectModule(absolute);
  const module = (typeof loaded.up === 'function' ? loaded : (loaded.default ?? loaded)) as KyselyModule;
  if (typeof module.up !== 'function') {
    throw new UserError(
      'kysely-no-up',
      `${relative} exports no up(db) function, so Kysely's FileMigrationProvider skips it.`,
      'Export `async function up(db: Kysely<any>)` (and `down(db)`) from the migration.',
      { file: relative, line: 1, column: 1 },
    );
  }
  const up = await recorder.record(absolute, relative, 'up', module.up);
  const down =
    typeof module.down === 'function' ? await recorder.record(absolute, relative, 'down', module.down) : undefined;
  const transactional = transactionalFor(recorder.engine);
  const notes = [
    transactional
      ? "Kysely's Migrator runs all pending migrations in one transaction (the adapter supports transactional DDL; disableTransactions turns it off)."
      : `Kysely's Migrator runs ${recorder.engine} migrations without a transaction (no transactional DDL).`,
  ];
  const readsNote = offlineReadsNote([...up, ...(down ?? [])]);
  if (readsNote) notes.push(readsNote);
  notes.push(`Compiled with the project's kysely ${recorder.version} (${recorder.dialect} query compiler).`);
  return {
    id: keyOf(path.basename(absolute)),
    name: nameOf(absolute),
    path: relative,
    format: 'kysely',
    up,
    ...(down ? { down } : {}),
    transactional,
    notes,
  };
}

interface CompiledQuery {
  sql: string;
  parameters: readonly unknown[];
}

type KyselyExports = Record<string, unknown> & { Kysely: new (config: object) => { destroy(): Promise<void> } };

/**
 * A Kysely instance of the project's engine whose driver records every compiled query (with the stack of the
 * migration line that awaited it) and answers it with no rows: nothing reaches a database.
 */
class KyselyRecorder {
  private constructor(
    private readonly exports: KyselyExports,
    readonly engine: Engine,
    readonly dialect: string,
    readonly version: string,
  ) {}

  static async create(root: string, engine: Engine): Promise<KyselyRecorder | undefined> {
    const loaded = await importFromProject<KyselyExports>(root, 'kysely');
    if (!loaded) return undefined;
    const exports = (
      typeof loaded.module.Kysely === 'function' ? loaded.module : loaded.module.default
    ) as KyselyExports;
    const dialect = DIALECTS[engine];
    if (!dialect) {
      throw new UserError(
        'kysely-engine-unsupported',
        `Kysely has no built-in query compiler for ${engine}.`,
        'Pass the engine the project uses (postgresql, mysql, sqlite or mssql).',
      );
    }
    return new KyselyRecorder(exports, engine, dialect.prefix, loaded.version);
  }

  async record(
    absolute: string,
    relative: string,
    direction: 'up' | 'down',
    run: (db: unknown) => unknown,
  ): Promise<Statement[]> {
    const statements: Statement[] = [];
    const inline = (query: CompiledQuery) => this.inline(query);
    const connection = {
      async executeQuery(query: CompiledQuery) {
        const frame = frameIn(sourceMappedStack(), absolute);
        statements.push(compiledStatement(inline(query), frame ? { file: relative, ...frame } : undefined));
        return { rows: [] };
      },
      async *streamQuery() {},
    };
    const driver = {
      async init() {},
      async acquireConnection() {
        return connection;
      },
      async beginTransaction() {},
      async commitTransaction() {},
      async rollbackTransaction() {},
      async savepoint() {},
      async rollbackToSavepoint() {},
      async releaseSavepoint() {},
      async releaseConnection() {},
      async destroy() {},
    };
    const construct = (suffix: string, ...args: unknown[]) => {
      const Class = this.exports[`${this.dialect}${suffix}`] as new (...parameters: unknown[]) => object;
      return new Class(...args);
    };
    const db = new this.exports.Kysely({
      dialect: {
        createAdapter: () => construct('Adapter'),
        createDriver: () => driver,
        createIntrospector: (instance: unknown) => construct('Introspector', instance),
        createQueryCompiler: () => construct('QueryCompiler'),
      },
    });
    try {
      await run(db);
    } catch (error) {
      throw thrownByMigration(absolute, direction, error);
    } finally {
      await db.destroy();
    }
    return statements;
  }

  /** The query with its parameters written in as literals, so the statement is the SQL the server runs. */
  private inline(query: CompiledQuery): string {
    if (query.parameters.length === 0) return query.sql;
    const placeholder = DIALECTS[this.engine]?.placeholder;
    if (!placeholder) return query.sql;
    let out = '';
    let quote: string | undefined;
    let next = 0;
    for (let index = 0; index < query.sql.length; index++) {
      const char = query.sql[index] ?? '';
      if (quote) {
        if (char === quote) quote = undefined;
        out += char;
        continue;
      }
      if (char === "'" || char === '"' || char === '`') {
        quote = char;
        out += char;
        continue;
      }
      placeholder.lastIndex = index;
      const match = placeholder.exec(query.sql);
      if (!match) {
        out += char;
        continue;
      }
      const position = match[1] ? Number(match[1]) - (this.dialect === 'Mssql' ? 0 : 1) : next++;
      out += position < query.parameters.length ? literal(query.parameters[position], this.engine) : match[0];
      index += match[0].length - 1;
    }
    return out;
  }
}

function literal(value: unknown, engine: Engine): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return engine === 'sqlite' ? (value ? '1' : '0') : value ? 'true' : 'false';
  if (value instanceof Date) return quoted(value.toISOString(), engine);
  if (value instanceof Uint8Array) {
    const hex = Buffer.from(value).toString('hex');
    return engine === 'postgresql' || engine === 'cockroachdb' ? `'\\x${hex}'` : `X'${hex}'`;
  }
  return quoted(typeof value === 'string' ? value : JSON.stringify(value), engine);
}

function quoted(text: string, engine: Engine): string {
  const escaped = engine === 'mysql' || engine === 'mariadb' ? text.replace(/\\/g, '\\\\') : text;
  return `'${escaped.replace(/'/g, "''")}'`;
}

/**
 * Detect side: the kysely-ctl config's migrationFolder, else each `migrations` folder of the package whose
 * modules import Kysely and export up().
 */
const TRANSACTION =
  "all pending migrations in one transaction where the engine has transactional DDL (PostgreSQL, MSSQL); none on MySQL/SQLite; Migrator's disableTransactions turns it off";

export function scanKysely(context: PackageContext): MigrationScan[] {
  const config = ownFilesNamed(context, /^kysely\.config\.(c|m)?(js|ts)$/)[0];
  const configured = config ? configString(context.files.read(config) ?? '', 'migrationFolder') : undefined;
  const candidates = configured
    ? [joinRelative(dirOf(config ?? ''), configured.replace(/^\.\//, ''))]
    : context.ownDirs.filter((dir) => /(^|\/)migrations?$/i.test(dir));
  const scans: MigrationScan[] = [];
  for (const dir of candidates) {
    if (!context.files.dirs.has(dir)) continue;
    const files = context.files
      .filesIn(dir)
      .filter((file) => MIGRATION_FILE.test(file))
      .sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
    const all = files.map((file) => context.files.read(joinRelative(dir, file)) ?? '');
    if (!all.some((text) => KYSELY_MIGRATION.test(text) && /\bup\s*\(/.test(text))) continue;
    const texts = all.filter((text) => DEFINES_MIGRATION.test(text));
    const migrations = files
      .filter((_, index) => DEFINES_MIGRATION.test(all[index] ?? ''))
      .map(
        (file, index): MigrationEntry => ({
          id: keyOf(file),
          name: nameOf(file),
          path: joinRelative(dir, file),
          tool: 'kysely',
          hasDown: /\bfunction\s+down\s*\(|\bdown\s*[:=]/.test(texts[index] ?? ''),
          transactional: true,
        }),
      );
    scans.push(finish('kysely', TRANSACTION, dir, migrations, context));
  }
  return scans;
}
