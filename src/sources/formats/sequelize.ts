import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine, Migration, Statement } from '../../model.js';
import { inPackage, type PackageContext } from '../../project/context.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type Bookkeeping, configuredTableName, fileNameOf, recordsByColumn } from '../bookkeeping.js';
import { listEntries, readError, selected } from '../files.js';
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
import { emptyDatabaseRows } from './empty-database-reads.js';
import { inlineParameters } from './inline-parameters.js';
import {
  baseName,
  configuredValue,
  isScript,
  offlineReadsNote,
  pushWithDownCheck,
  recordDown,
  uncompiled,
} from './js-common.js';
import { currentCallSite, withCallSites } from './origin-context.js';
import { conventionalDirs, entry, filesOf, finish, JS_DOWN, JS_MIGRATION, readIndexed } from './scan-common.js';
import { answerFromMemory, recordingTransaction, SequelizeSchemaMemory } from './sequelize-recording.js';
import { writeSequelize } from './sequelize-write.js';

export const CONFIG_FILES = [
  'config/config.json',
  'config/database.json',
  'src/config/config.json',
  '.sequelizerc',
  'config/config.js',
];
const DIALECT_ENGINES: Record<string, Engine> = {
  postgres: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mariadb',
  sqlite: 'sqlite',
  mssql: 'mssql',
};

/** umzug's SequelizeStorage as sequelize-cli configures it: "SequelizeMeta" (name VARCHAR(255) PRIMARY KEY). */
const sequelizeBookkeeping: Bookkeeping = {
  table: 'SequelizeMeta',
  ownTables: ['SequelizeMeta'],
  async configured(packageDirectory) {
    const table = await configuredTableName(packageDirectory, CONFIG_FILES, 'migrationStorageTableName');
    return table ? { table, ownTables: [table] } : undefined;
  },
  records: (rows) => recordsByColumn(rows, 'name'),
  keyOf: fileNameOf,
};

/** The dialect named in sequelize-cli's config (first environment that names one), read as text. */
function configuredDialect(root: string): Promise<string | undefined> {
  return configuredValue(root, CONFIG_FILES, 'dialect', ['postgres', 'mysql', 'mariadb', 'sqlite', 'mssql']);
}

function dialectFor(engine: Engine | undefined, configured: string | undefined): string {
  if (engine === 'postgresql' || engine === 'cockroachdb') return 'postgres';
  if (engine === 'mysql') return 'mysql';
  if (engine === 'mariadb') return 'mariadb';
  if (engine === 'sqlite') return 'sqlite';
  return configured ?? 'postgres';
}

const TRANSACTION = 'none: sequelize-cli does not wrap migrations; a file must open its own transaction';

/** `.sequelizerc`'s migrations-path (default `migrations`); without sequelize evidence, folders using queryInterface. */
function scanSequelize(context: PackageContext): MigrationScan[] {
  const rc = context.ownFiles.find((file) => baseOf(file) === '.sequelizerc' && dirOf(file) === context.dir);
  let dirs: string[] = [];
  if (rc || context.tools.has('sequelize')) {
    let dir = inPackage(context, 'migrations');
    const call = rc ? /['"]migrations-path['"]\s*:\s*path\.resolve\(([^)]*)\)/.exec(readIndexed(context, rc)) : null;
    if (call) {
      const parts = [...call[1]!.matchAll(/['"]([^'"]+)['"]/g)].map((match) => match[1]!);
      dir = joinRelative(context.dir, ...parts);
    }
    dirs = [dir];
  }
  if (!dirs.some((dir) => context.files.dirs.has(dir))) {
    dirs = conventionalDirs(context).filter((dir) =>
      filesOf(context, dir, JS_MIGRATION).some((file) => /\bqueryInterface\b/.test(readIndexed(context, file))),
    );
  }
  return dirs
    .filter((dir) => context.files.dirs.has(dir))
    .map((dir) => {
      const migrations = filesOf(context, dir, JS_MIGRATION).map((file) => {
        const text = readIndexed(context, file);
        const id = baseOf(file).replace(/\.(c|m)?(js|ts)$/, '');
        return entry('sequelize', file, id, id.replace(/^\d+-/, ''), JS_DOWN.test(text), /\.transaction\(/.test(text));
      });
      return finish('sequelize', TRANSACTION, dir, migrations, context);
    });
}

/** Sequelize (sequelize-cli / umzug): `up/down(queryInterface, Sequelize)` modules applied in file-name order. */
export const sequelize: FormatReader = {
  format: 'sequelize',
  priority: 5,
  codeMigrations: true,
  runsProjectCode: true,
  async nativeAddons(context) {
    return dialectFor(context.engine, await configuredDialect(context.package)) === 'sqlite';
  },
  tool: 'sequelize',
  label: 'Sequelize',
  bookkeeping: sequelizeBookkeeping,
  scan: scanSequelize,
  write: writeSequelize,
  async read(context) {
    const configured = await configuredDialect(context.package);
    const dialect = dialectFor(context.engine, configured);
    const declared = DIALECT_ENGINES[configured ?? ''];
    const { files } = await listEntries(context.directory);
    const chosen = files
      .filter((file) => isScript(file))
      .sort()
      .map((file) => path.join(context.directory, file))
      .filter((absolute) => selected(context.only, absolute));
    const result: FormatRead = { migrations: [], errors: [], ...(declared ? { engine: declared } : {}) };
    if (!context.executeProjectCode) {
      result.migrations = await Promise.all(
        chosen.map((absolute) => uncompiled(context.root, absolute, 'sequelize', idOf(absolute), nameOf(absolute))),
      );
      return result;
    }
    const recorder = SequelizeRecorder.create(context.package, dialect);
    for (const absolute of chosen) {
      if (context.skip?.includes(absolute)) continue;
      context.onFile?.(absolute);
      const relative = relativeToRoot(context.root, absolute);
      try {
        pushWithDownCheck(
          result,
          await withTimeLimit(
            () => compileOne(recorder, context, absolute),
            context.timeoutMs,
            relative,
            context.signal,
          ),
        );
      } catch (error) {
        result.errors.push(readError(relative, error));
      }
    }
    return result;
  },
};

const idOf = (absolute: string) => /^(\d+)/.exec(path.basename(absolute))?.[1] ?? baseName(path.basename(absolute));
const nameOf = (absolute: string) =>
  baseName(path.basename(absolute)).replace(/^\d+[-_]?/, '') || baseName(path.basename(absolute));

function oneRowNote(sql: string, row: Record<string, unknown>): string {
  const values = Object.entries(row).map(([column, value]) => `${column} ${value ?? 'NULL'}`);
  return `Recorded without a database: ${sql.trim().slice(0, 60)}… was answered with the one row it returns on an empty database (${values.join(', ')}), so code that branches on it took the empty-database path.`;
}

interface SequelizeMigration {
  up?: (queryInterface: unknown, Sequelize: unknown) => unknown;
  down?: (queryInterface: unknown, Sequelize: unknown) => unknown;
}

async function compileOne(recorder: SequelizeRecorder, context: ReadContext, absolute: string): Promise<Migration> {
  const relative = relativeToRoot(context.root, absolute);
  const loaded = await loadProjectModule(absolute);
  const module = (typeof loaded.up === 'function' ? loaded : (loaded.default ?? loaded)) as SequelizeMigration;
  if (typeof module.up !== 'function') {
    throw new UserError(
      'sequelize-no-up',
      `${relative} exports no up(queryInterface, Sequelize) function, so sequelize-cli would fail to run it.`,
      'Export `module.exports = { async up(queryInterface, Sequelize) { … }, async down(queryInterface, Sequelize) { … } }`.',
      { file: relative, line: 1, column: 1 },
    );
  }
  const up = await recorder.record(absolute, relative, 'up', module.up);
  const notes = [
    'sequelize-cli runs each migration without a transaction unless the migration opens one (queryInterface.sequelize.transaction).',
    `Compiled with Sequelize ${recorder.version} (${recorder.source} package), dialect ${recorder.dialect}.`,
  ];
  let down: Statement[] | undefined;
  let downFails: string | undefined;
  if (typeof module.down === 'function') {
    const run = module.down;
    const recorded = await recordDown(relative, () => recorder.record(absolute, relative, 'down', run));
    down = recorded.down;
    downFails = recorded.fails;
    if (recorded.note) notes.push(recorded.note);
  } else notes.push('No down(): sequelize db:migrate:undo cannot undo it.');
  // Reads answered with a row have their own note (recorder.takeNotes).
  const readsNote = offlineReadsNote(
    [...up, ...(down ?? [])].filter((statement) => !recorder.answeredWithRows.has(statement.sql)),
  );
  if (readsNote) notes.push(readsNote);
  notes.push(...recorder.takeNotes());
  return {
    id: idOf(absolute),
    name: nameOf(absolute),
    path: relative,
    format: 'sequelize',
    up,
    ...(down ? { down } : {}),
    ...(downFails ? { downFails } : {}),
    transactional: false,
    notes,
  };
}

type InjectReplacements = (sql: string, dialect: unknown, replacements: unknown) => string;

interface LegacyUtils {
  format(parts: unknown[], dialect: unknown): string;
  formatNamedParameters(sql: string, parameters: unknown, dialect: unknown): string;
}

interface SequelizeInstance {
  query(
    sql: string | { query: string },
    options?: { type?: string; plain?: boolean; bind?: unknown; replacements?: unknown },
  ): Promise<unknown>;
  transaction: (...args: unknown[]) => Promise<unknown>;
  dialect?: { name?: string };
  getQueryInterface(): object;
  close(): Promise<void>;
  connectionManager: { getConnection(): Promise<unknown> };
}

type SequelizeModule = (new (options: object) => SequelizeInstance) & { Sequelize?: unknown };

/**
 * A Sequelize instance of the project's dialect whose query() records the SQL instead of sending it. The
 * QueryInterface builds its SQL from the arguments (no reads needed on PostgreSQL and MySQL); calls that describe
 * existing tables get empty answers.
 */
class SequelizeRecorder {
  /** The tables the recorded migrations created (describeTable, showAllTables), and what had to be assumed. */
  private readonly memory = new SequelizeSchemaMemory();
  private notes: string[] = [];
  /** The recorded reads answered with a row rather than none (their own note says so). */
  readonly answeredWithRows = new Set<string>();

  takeNotes(): string[] {
    return [...new Set(this.notes.splice(0))];
  }

  /** The rows an empty database answers (on PostgreSQL; other dialects name aggregate columns differently). */
  private emptyDatabaseAnswer(sql: string): Record<string, unknown>[] {
    const rows = this.dialect === 'postgres' ? emptyDatabaseRows(sql) : [];
    if (rows[0]) {
      this.answeredWithRows.add(sql.replace(/;\s*$/, ''));
      this.notes.push(oneRowNote(sql, rows[0]));
    }
    return rows;
  }

  /** Sequelize's own replacement injection (lib/utils/sql, 6.19+; Utils.format* before). */
  injectReplacements(sql: string, instance: SequelizeInstance, replacements: unknown): string {
    const dialect = instance.dialect;
    if (this.inject) return this.inject(sql, dialect, replacements);
    const utils = (this.module as unknown as { Utils?: LegacyUtils }).Utils;
    if (utils && Array.isArray(replacements)) return utils.format([sql, ...replacements], dialect?.name);
    if (utils && replacements && typeof replacements === 'object')
      return utils.formatNamedParameters(sql, replacements, dialect?.name);
    throw new UserError(
      'sequelize-replacements',
      `This Sequelize version offers no way to put replacements into SQL, so the query cannot be recorded.`,
      'Write the values into the SQL, or use Sequelize 6.19 or later.',
    );
  }

  private constructor(
    private readonly module: SequelizeModule,
    readonly dialect: string,
    readonly version: string,
    readonly source: 'project' | 'bundled',
    private readonly inject: InjectReplacements | undefined,
  ) {}

  static create(root: string, dialect: string): SequelizeRecorder {
    const loaded = requireFromProject<SequelizeModule & { Sequelize: SequelizeModule }>(root, 'sequelize');
    let inject: InjectReplacements | undefined;
    try {
      inject = requireFromProject<{ injectReplacements?: InjectReplacements }>(root, 'sequelize/lib/utils/sql').module
        .injectReplacements;
    } catch {
      inject = undefined;
    }
    return new SequelizeRecorder(
      loaded.module.Sequelize ?? loaded.module,
      dialect,
      packageVersion(root, 'sequelize'),
      loaded.source,
      inject,
    );
  }

  /** A Sequelize of the dialect; its driver package (pg, mysql2, sqlite3 …) must be installed, but is never connected. */
  private instance(relative: string): SequelizeInstance {
    try {
      return new this.module({
        dialect: this.dialect,
        logging: false,
        ...(this.dialect === 'sqlite' ? { storage: ':memory:' } : {}),
      });
    } catch (error) {
      throw new UserError(
        'sequelize-driver-missing',
        `Sequelize could not set up the ${this.dialect} dialect to record SQL: ${error instanceof Error ? error.message : String(error)}.`,
        `Install the driver package the project uses for ${this.dialect} in the project (Sequelize loads it even without connecting), or pass the engine the project runs on.`,
        { file: relative },
      );
    }
  }

  async record(
    absolute: string,
    relative: string,
    direction: 'up' | 'down',
    run: (queryInterface: unknown, Sequelize: unknown) => unknown,
  ): Promise<Statement[]> {
    const statements: Statement[] = [];
    const instance = this.instance(relative);
    const push = (text: string) => {
      const frame = frameIn(sourceMappedStack(), absolute) ?? frameIn(currentCallSite(), absolute);
      const origin = frame
        ? { file: relative, line: frame.line, column: frame.column }
        : statements[statements.length - 1]?.origin;
      statements.push(compiledStatement(text.replace(/;\s*$/, ''), origin));
    };
    instance.query = async (sql, options) => {
      let text = typeof sql === 'string' ? sql : sql.query;
      // Sequelize puts replacements (`:name`, `?`) into the SQL itself and sends `bind` ($1, $name) to the driver.
      if (options?.replacements) text = this.injectReplacements(text, instance, options.replacements);
      if (options?.bind) text = inlineParameters(text, options.bind as unknown[], 'dollar', this.dialect);
      push(text);
      const rows = this.emptyDatabaseAnswer(text);
      // A `plain` SELECT asks for one row: no row is null (Sequelize's ensureEnums creates the enum type on null).
      if (options?.type === 'SELECT') return options.plain ? (rows[0] ?? null) : rows;
      // [rows, metadata]; the PostgreSQL dialect reads metadata.rows (its type-OID refresh after CREATE TYPE).
      return [rows, { rows, rowCount: rows.length, affectedRows: 0 }];
    };
    // Nothing may reach a server: a transaction is recorded as BEGIN … COMMIT, and a connection is never opened.
    instance.connectionManager.getConnection = async () => {
      throw new UserError(
        'sequelize-connection-refused',
        'The migration asked Sequelize for a database connection; recording never connects.',
        'Issue queries through queryInterface or queryInterface.sequelize.query, not a connection of your own.',
        { file: relative },
      );
    };
    instance.transaction = recordingTransaction(push);
    const queryInterface = instance.getQueryInterface() as Record<string, unknown>;
    answerFromMemory(queryInterface, this.memory, {
      dialect: this.dialect,
      track: direction === 'up',
      relative,
      note: (text) => this.notes.push(text),
    });
    try {
      await run(withCallSites(queryInterface), this.module);
    } catch (error) {
      throw thrownByMigration(absolute, direction, error);
    } finally {
      await instance.close().catch(() => undefined);
    }
    return statements;
  }
}
