import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { UserError } from '../../errors.js';
import type { Engine, Migration, Statement } from '../../model.js';
import { configString, ownFilesNamed, type PackageContext } from '../../project/context.js';
import type { Conventions } from '../../project/types.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type Bookkeeping, fileNameOf, recordsByColumn } from '../bookkeeping.js';
import { listEntries, readError, readText, selected } from '../files.js';
import {
  frameIn,
  loadProjectModule,
  packageVersion,
  requireFromProject,
  sourceMappedStack,
  thrownByMigration,
  withTimeLimit,
} from '../loader.js';
import { compiledStatement } from '../statements.js';
import type { FormatRead, FormatReader, MigrationScan, ReadContext } from '../types.js';
import { baseName, pushWithDownCheck, recordDown, stringProperty, uncompiled } from './js-common.js';
import { assumptionsNote, type DataReads, type KnexQuery, OfflineSchema, offlineAnswer } from './knex-offline.js';
import { writeKnex } from './knex-write.js';
import { conventionalDirs, entry, filesOf, finish, JS_DOWN, JS_MIGRATION, readIndexed } from './scan-common.js';

export const KNEXFILES = ['knexfile.ts', 'knexfile.js', 'knexfile.cjs', 'knexfile.mjs', 'knexfile.mts', 'knexfile.cts'];
const DEFAULT_EXTENSIONS = ['.co', '.coffee', '.eg', '.iced', '.js', '.cjs', '.mjs', '.litcoffee', '.ls', '.ts'];

interface KnexSettings {
  client?: string;
  directory?: string;
  loadExtensions?: string[];
  tableName?: string;
  disableTransactions?: boolean;
  knexfile?: string;
}

/** knex/lib/migrations/migrate/table-creator.js: knex_migrations (id, name, batch, migration_time) + its _lock table. */
const knexBookkeeping: Bookkeeping = {
  table: 'knex_migrations',
  ownTables: ['knex_migrations', 'knex_migrations_lock'],
  async configured(packageDirectory) {
    const { tableName } = await knexSettings(packageDirectory);
    return tableName ? { table: tableName, ownTables: [tableName, `${tableName}_lock`] } : undefined;
  },
  records: (rows) => recordsByColumn(rows, 'name'),
  keyOf: fileNameOf,
};

/** The knexfile's migration settings, read as text: the knexfile is never executed here. */
async function knexSettings(root: string): Promise<KnexSettings> {
  for (const name of KNEXFILES) {
    const text = await readText(path.join(root, name));
    if (text === undefined) continue;
    const extensions = /\bloadExtensions\s*:\s*\[([^\]]*)\]/.exec(text)?.[1];
    const settings: KnexSettings = { knexfile: name };
    const client = stringProperty(text, 'client');
    const directory = stringProperty(text, 'directory');
    const tableName = stringProperty(text, 'tableName');
    if (client) settings.client = client;
    if (directory) settings.directory = directory;
    if (tableName) settings.tableName = tableName;
    if (extensions)
      settings.loadExtensions = [...extensions.matchAll(/["'`]([^"'`]+)["'`]/g)].map((match) => match[1] ?? '');
    if (/\bdisableTransactions\s*:\s*true\b/.test(text)) settings.disableTransactions = true;
    return settings;
  }
  return {};
}

const CLIENT_ENGINES: Record<string, Engine> = {
  pg: 'postgresql',
  postgres: 'postgresql',
  postgresql: 'postgresql',
  pgnative: 'postgresql',
  cockroachdb: 'cockroachdb',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mariadb',
  sqlite3: 'sqlite',
  sqlite: 'sqlite',
  'better-sqlite3': 'sqlite',
};

function clientFor(settings: KnexSettings, engine: Engine | undefined): string {
  if (engine === 'postgresql' || engine === 'cockroachdb') return 'pg';
  if (engine === 'mysql' || engine === 'mariadb') return 'mysql2';
  if (engine === 'sqlite') return 'better-sqlite3';
  const client = settings.client ?? 'pg';
  if (client === 'sqlite3' || client === 'sqlite') return 'better-sqlite3';
  if (client === 'mysql') return 'mysql2';
  if (client === 'postgres' || client === 'postgresql' || client === 'pgnative') return 'pg';
  return client;
}

/** knex's transaction convention, its opt-out written in the migrations' own module style. */
function transactionConvention(moduleStyle: Conventions['moduleStyle'] | undefined): string {
  const optOut =
    moduleStyle === 'cjs' ? 'exports.config = { transaction: false }' : 'export const config = { transaction: false }';
  return `per migration (opt out per file with \`${optOut}\`)`;
}
const KNEX_CODE = /\bknex\.(schema|raw)\b|\bKnex\b/;

/** The knexfile's migrations.directory (default `migrations`); without a knexfile, migration folders that use knex. */
function scanKnex(context: PackageContext): MigrationScan[] {
  const knexfile = ownFilesNamed(context, /^knexfile\.(c|m)?(js|ts)$/)[0];
  let dirs: string[] = [];
  if (knexfile || context.tools.has('knex')) {
    const base = knexfile ? dirOf(knexfile) : context.dir;
    const source = knexfile ? readIndexed(context, knexfile) : '';
    const block = /migrations\s*:\s*\{([^}]*)\}/.exec(source)?.[1] ?? '';
    dirs = [joinRelative(base, configString(block, 'directory') ?? 'migrations')];
  }
  if (!dirs.some((dir) => context.files.dirs.has(dir))) {
    // Without a knexfile the folder is named in code; `knex_migrations` (knex's own table name) is a common choice.
    const named = context.ownDirs.filter((dir) => /^knex[-_]migrations$/i.test(baseOf(dir)));
    dirs = [...conventionalDirs(context), ...named].filter((dir) =>
      filesOf(context, dir, JS_MIGRATION).some((file) => KNEX_CODE.test(readIndexed(context, file))),
    );
  }
  return dirs
    .filter((dir) => context.files.dirs.has(dir))
    .map((dir) => {
      const migrations = filesOf(context, dir, JS_MIGRATION).map((file) => {
        const text = readIndexed(context, file);
        const id = baseOf(file).replace(/\.(c|m)?(js|ts)$/, '');
        // `exports.config = {…}`, `export const config = {…}` or `module.exports = { config: {…} }`, not in a comment.
        const code = text.replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/[^\n]*/g, '$1');
        const transactional = !/\bconfig\s*[:=]\s*\{[^}]*transaction\s*:\s*false/.test(code);
        return entry('knex', file, id, id.replace(/^\d+[_-]/, ''), JS_DOWN.test(text), transactional);
      });
      const scan = finish('knex', transactionConvention(undefined), dir, migrations, context);
      if (scan.conventions) scan.conventions.transaction = transactionConvention(scan.conventions.moduleStyle);
      return scan;
    });
}

/** Knex: `up(knex)`/`down(knex)` modules in the knexfile's migrations.directory, in file-name order. */
export const knex: FormatReader = {
  format: 'knex',
  priority: 3,
  codeMigrations: true,
  runsProjectCode: true,
  async nativeAddons(context) {
    const client = clientFor(await knexSettings(context.package), context.engine);
    return client === 'better-sqlite3' || client === 'sqlite3';
  },
  tool: 'knex',
  label: 'knex',
  bookkeeping: knexBookkeeping,
  scan: scanKnex,
  write: writeKnex,
  async read(context) {
    const settings = await knexSettings(context.package);
    const declared = settings.client ? CLIENT_ENGINES[settings.client] : undefined;
    const extensions = settings.loadExtensions ?? DEFAULT_EXTENSIONS;
    const { files } = await listEntries(context.directory);
    const ordered = files
      .filter((file) => extensions.some((extension) => file.endsWith(extension)) && !/\.d\.[cm]?ts$/.test(file))
      .sort();
    const result: FormatRead = { migrations: [], errors: [], ...(declared ? { engine: declared } : {}) };
    const chosen = ordered
      .map((file) => path.join(context.directory, file))
      .filter((absolute) => selected(context.only, absolute));
    if (!context.executeProjectCode) {
      result.migrations = await Promise.all(
        chosen.map((absolute) => uncompiled(context.root, absolute, 'knex', idOf(absolute), nameOf(absolute))),
      );
      return result;
    }
    const client = clientFor(settings, context.engine);
    if (!context.engine && !settings.client) {
      result.notes = [
        "No knexfile client and no engine given: the SQL was recorded in knex's PostgreSQL dialect. Pass the engine (MCP engine, CLI --engine) to record another.",
      ];
    }
    const recorder = await KnexRecorder.create(context.package, client);
    // SQLite compiles against the schema so far, so a narrowed read still replays the migrations before it.
    const all = ordered.map((file) => path.join(context.directory, file));
    const replay = recorder.needsHistory ? all.slice(0, all.indexOf(chosen[chosen.length - 1] ?? '') + 1) : chosen;
    try {
      for (const absolute of replay) {
        context.signal?.throwIfAborted();
        if (context.skip?.includes(absolute)) continue;
        context.onFile?.(absolute);
        const relative = relativeToRoot(context.root, absolute);
        const wanted = chosen.includes(absolute);
        try {
          const migration = await withTimeLimit(
            () => compileOne(recorder, context, absolute, settings),
            context.timeoutMs,
            relative,
            context.signal,
          );
          if (wanted) pushWithDownCheck(result, migration);
        } catch (error) {
          // On SQLite a failed migration may leave its partial changes; later migrations compile against them.
          if (wanted) result.errors.push(readError(relative, error));
        }
      }
    } finally {
      await recorder.close();
    }
    return result;
  },
};

const idOf = (absolute: string) => /^(\d+)/.exec(path.basename(absolute))?.[1] ?? baseName(path.basename(absolute));
const nameOf = (absolute: string) =>
  baseName(path.basename(absolute)).replace(/^\d+[_-]?/, '') || baseName(path.basename(absolute));

interface KnexMigrationModule {
  up?: (knex: Knex) => unknown;
  down?: (knex: Knex) => unknown;
  config?: { transaction?: boolean };
}

async function compileOne(
  recorder: KnexRecorder,
  context: ReadContext,
  absolute: string,
  settings: KnexSettings,
): Promise<Migration> {
  const relative = relativeToRoot(context.root, absolute);
  const loaded = await loadProjectModule(absolute);
  const module = (typeof loaded.up === 'function' ? loaded : (loaded.default ?? loaded)) as KnexMigrationModule;
  if (typeof module.up !== 'function') {
    throw new UserError(
      'knex-no-up',
      `${relative} exports no up(knex) function, so knex would fail to run it.`,
      'Export `up(knex)` (and `down(knex)`) from the migration: `export async function up(knex) { … }` or `exports.up = …`.',
      { file: relative, line: 1, column: 1 },
    );
  }
  const transactional = module.config?.transaction !== false && settings.disableTransactions !== true;
  const up = await recorder.record(absolute, relative, 'up', module.up, { keep: true, transaction: transactional });
  const notes: string[] = [];
  let down: Statement[] | undefined;
  let downFails: string | undefined;
  if (typeof module.down === 'function') {
    const run = module.down;
    const recorded = await recordDown(relative, () =>
      recorder.record(absolute, relative, 'down', run, { keep: false, transaction: transactional }),
    );
    down = recorded.down;
    downFails = recorded.fails;
    if (recorded.note) notes.push(recorded.note);
  } else notes.push('No down(knex) export: knex migrate:rollback cannot undo it.');
  if (!transactional)
    notes.push(
      module.config?.transaction === false
        ? '`config.transaction = false`: knex runs it outside a transaction.'
        : 'The knexfile sets disableTransactions: knex runs migrations outside transactions.',
    );
  const readsNote = recorder.needsHistory ? undefined : assumptionsNote(recorder.takeAssumptions());
  if (readsNote) notes.push(readsNote);
  notes.push(
    `Compiled with knex ${recorder.version} (${recorder.source} package), client ${recorder.client}; ledger table ${settings.tableName ?? 'knex_migrations'}.`,
  );
  return {
    id: idOf(absolute),
    name: nameOf(absolute),
    path: relative,
    format: 'knex',
    up,
    ...(down ? { down } : {}),
    ...(downFails ? { downFails } : {}),
    transactional,
    notes,
  };
}

type KnexFactory = ((config: Knex.Config) => Knex) & { knex?: (config: Knex.Config) => Knex };
type SqliteDatabase = Database.Database;

/**
 * Runs knex migrations against a knex instance of the project's client that records every query with the
 * stack of the builder call that produced it. PostgreSQL and MySQL compile without a connection (queries are
 * answered with empty results); SQLite runs on an in-memory database holding the schema so far, because knex
 * compiles its alterTable from PRAGMA table_info.
 */
class KnexRecorder {
  private database: SqliteDatabase | undefined;

  /** True when statements depend on the schema so far (SQLite), so earlier migrations must run first. */
  get needsHistory(): boolean {
    return this.database !== undefined;
  }

  private constructor(
    private readonly factory: KnexFactory,
    readonly client: string,
    readonly version: string,
    readonly source: 'project' | 'bundled',
    private readonly openDatabase: ((from?: Buffer) => SqliteDatabase) | undefined,
  ) {
    this.database = openDatabase?.();
  }

  static async create(root: string, client: string): Promise<KnexRecorder> {
    const loaded = requireFromProject<KnexFactory>(root, 'knex');
    const version = packageVersion(root, 'knex');
    let openDatabase: ((from?: Buffer) => SqliteDatabase) | undefined;
    if (client === 'better-sqlite3' || client === 'sqlite3') {
      const BetterSqlite = requireFromProject<typeof Database>(root, 'better-sqlite3').module;
      openDatabase = (from) => (from ? new BetterSqlite(from) : new BetterSqlite(':memory:'));
    }
    return new KnexRecorder(loaded.module.knex ?? loaded.module, client, version, loaded.source, openDatabase);
  }

  /**
   * Runs `run(knex)` as knex's migrator does (inside knex.transaction unless the migration opts out) and returns
   * the statements it issued, without the wrapper's BEGIN/COMMIT; `keep` keeps SQLite changes for later migrations.
   */
  async record(
    absolute: string,
    relative: string,
    direction: 'up' | 'down',
    run: (knex: Knex) => unknown,
    options: { keep: boolean; transaction: boolean },
  ): Promise<Statement[]> {
    const assumedBefore = this.assumed.length;
    const restoreSchema = this.offlineSchema.snapshot();
    try {
      return await this.recordOnce(absolute, relative, direction, run, options, 'placeholder');
    } catch (error) {
      const placeholderRead = this.assumed.slice(assumedBefore).some((entry) => entry.placeholder);
      if (this.openDatabase || !placeholderRead) throw error;
      // The placeholder row can fail code that validates rows; an empty database runs such code to the end.
      this.assumed.splice(assumedBefore);
      restoreSchema();
      return await this.recordOnce(absolute, relative, direction, run, options, 'empty').catch(() => {
        throw error;
      });
    }
  }

  private async recordOnce(
    absolute: string,
    relative: string,
    direction: 'up' | 'down',
    run: (knex: Knex) => unknown,
    { keep, transaction }: { keep: boolean; transaction: boolean },
    reads: DataReads,
  ): Promise<Statement[]> {
    const database =
      this.openDatabase && this.database
        ? keep
          ? this.database
          : this.openDatabase(this.database.serialize())
        : undefined;
    const instance = this.instance(database, reads);
    const statements: Statement[] = [];
    this.lastAt = relative;
    instance.on('query', (query: { sql: string; bindings?: unknown[]; __origin?: string }) => {
      const frame = frameIn(query.__origin, absolute);
      const sql = this.inline(instance, query.sql, query.bindings);
      // knex's own helper queries (SQLite's table rebuild) belong to the builder call that is running.
      const origin = frame
        ? { file: relative, line: frame.line, column: frame.column }
        : statements[statements.length - 1]?.origin;
      statements.push(compiledStatement(sql, origin));
      this.lastAt = origin ? `${origin.file}:${origin.line}` : relative;
      if (keep) this.offlineSchema.observe(sql);
    });
    try {
      if (transaction) {
        await instance.transaction(async (trx) => {
          await run(trx);
        });
        if (/^BEGIN;?$/i.test(statements[0]?.sql ?? '')) statements.shift();
        if (/^COMMIT;?$/i.test(statements[statements.length - 1]?.sql ?? '')) statements.pop();
      } else await run(instance);
    } catch (error) {
      throw thrownByMigration(absolute, direction, error);
    } finally {
      await instance.destroy();
      if (database && !keep) database.close();
    }
    return statements;
  }

  /** Tables recorded statements created so far (hasTable answers), and the reads answered by assumption. */
  private readonly offlineSchema = new OfflineSchema();
  private assumed: { what: string; at: string; placeholder?: boolean }[] = [];
  private lastAt = '';

  /** The assumptions made while recording the current migration, cleared for the next one. */
  takeAssumptions(): { what: string; at: string }[] {
    return this.assumed.splice(0).map(({ what, at }) => ({ what, at }));
  }

  async close(): Promise<void> {
    this.database?.close();
  }

  /**
   * A knex instance whose client is a subclass of the dialect's own Client: builders remember the stack of the
   * call that created them, and queries are answered without a server (or by the in-memory SQLite database).
   * A subclass, not instance patches, because knex builds transaction clients from the class prototype.
   */
  private instance(database: SqliteDatabase | undefined, reads: DataReads): Knex {
    const Base = this.dialectClient();
    const answer = (query: KnexQuery) => {
      const answered = offlineAnswer(this.client, query, this.offlineSchema, reads);
      if (answered.assumption)
        this.assumed.push({ what: answered.assumption, at: this.lastAt, placeholder: answered.placeholder });
      return answered.response;
    };
    const tag = <T extends object>(builder: T): T => {
      (builder as { __origin?: string }).__origin = sourceMappedStack();
      return builder;
    };
    class RecordingClient extends Base {
      override schemaBuilder(...args: unknown[]) {
        return tag(super.schemaBuilder(...args));
      }
      override raw(...args: unknown[]) {
        return tag(super.raw(...args));
      }
      override queryBuilder(...args: unknown[]) {
        return tag(super.queryBuilder(...args));
      }
      override runner(builder: { __origin?: string }) {
        const runner = super.runner(builder);
        const query = runner.query;
        runner.query = function (this: unknown, object: { __origin?: string }) {
          object.__origin = builder.__origin;
          return query.call(this, object);
        };
        return runner;
      }
      override positionBindings(sql: string) {
        return sql;
      }
    }
    if (database) {
      class SqliteRecordingClient extends RecordingClient {
        override async acquireRawConnection() {
          return database;
        }
        override async destroyRawConnection() {
          return undefined;
        }
      }
      return this.factory({
        client: SqliteRecordingClient as unknown as string,
        connection: { filename: ':memory:' },
        useNullAsDefault: true,
      });
    }
    class OfflineRecordingClient extends RecordingClient {
      override async acquireConnection() {
        return { __knexUid: 'db-migration-agent-recorder' };
      }
      override async releaseConnection() {
        return undefined;
      }
      override async _query(_connection: unknown, object: KnexQuery & { response?: unknown }) {
        object.response = answer(object);
        return object;
      }
    }
    return this.factory({ client: OfflineRecordingClient as unknown as string, useNullAsDefault: true });
  }

  private base: (new (config: object) => KnexClientInternals) | undefined;

  /** The dialect's own Client class (pg, mysql2, better-sqlite3 …), as this knex version defines it. */
  private dialectClient(): new (config: object) => KnexClientInternals {
    this.base ??= (
      this.factory({ client: this.client, useNullAsDefault: true }).client as {
        constructor: new (config: object) => KnexClientInternals;
      }
    ).constructor;
    return this.base;
  }

  private inline(instance: Knex, sql: string, bindings: unknown[] | undefined): string {
    const client = instance.client as KnexClientInternals;
    // knex's pg client rewrites every query's placeholders, raw ones without bindings too: `\?` is a literal `?`.
    if ((!bindings || bindings.length === 0) && client.dialect === 'postgresql')
      return sql.replace(/(\\*)\?/g, (match, escapes: string) => (escapes.length % 2 === 1 ? '?' : match));
    if (!bindings || bindings.length === 0) return sql;
    let index = 0;
    return sql.replace(/\\?\?/g, (match) => {
      if (match === '\\?') return '?';
      if (index >= bindings.length) return match;
      return client._escapeBinding(bindings[index++], {});
    });
  }
}

interface KnexClientInternals {
  dialect?: string;
  schemaBuilder(...args: unknown[]): object;
  raw(...args: unknown[]): object;
  queryBuilder(...args: unknown[]): object;
  runner(builder: { __origin?: string }): { query: (object: { __origin?: string }) => unknown };
  positionBindings(sql: string): string;
  acquireRawConnection(): Promise<unknown>;
  destroyRawConnection(): Promise<unknown>;
  acquireConnection(): Promise<unknown>;
  releaseConnection(): Promise<unknown>;
  _query(connection: unknown, object: { response?: unknown }): Promise<unknown>;
  _escapeBinding(value: unknown, options: object): string;
}
