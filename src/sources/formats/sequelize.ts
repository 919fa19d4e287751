import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine, Migration, Statement } from '../../model.js';
import { relativeToRoot } from '../../project/root.js';
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
import type { FormatRead, FormatReader, ReadContext } from '../types.js';
import {
  baseName,
  configuredValue,
  isScript,
  offlineReadsNote,
  pushWithDownCheck,
  scriptsContaining,
  uncompiled,
} from './js-common.js';
import { currentCallSite, withCallSites } from './origin-context.js';

const CONFIG_FILES = [
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

/** Sequelize (sequelize-cli / umzug): `up/down(queryInterface, Sequelize)` modules applied in file-name order. */
export const sequelize: FormatReader = {
  format: 'sequelize',
  priority: 26,
  runsProjectCode: true,
  async nativeAddons(context) {
    return dialectFor(context.engine, await configuredDialect(context.root)) === 'sqlite';
  },
  async locate(_root, candidate) {
    return (await scriptsContaining(candidate, /\bqueryInterface\b/)) > 0 ? candidate : undefined;
  },
  async read(context) {
    const configured = await configuredDialect(context.root);
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
    const recorder = SequelizeRecorder.create(context.root, dialect);
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
  const recordedUp = await recorder.record(absolute, relative, 'up', module.up);
  const up = recordedUp.statements;
  const notes = [
    recordedUp.openedTransaction
      ? 'up() opens a transaction (queryInterface.sequelize.transaction): its statements run in it.'
      : 'sequelize-cli runs each migration without a transaction unless the migration opens one (queryInterface.sequelize.transaction).',
    `Compiled with Sequelize ${recorder.version} (${recorder.source} package), dialect ${recorder.dialect}.`,
  ];
  let down: Statement[] | undefined;
  if (typeof module.down === 'function')
    down = (await recorder.record(absolute, relative, 'down', module.down)).statements;
  else notes.push('No down(): sequelize db:migrate:undo cannot undo it.');
  const readsNote = offlineReadsNote([...up, ...(down ?? [])]);
  if (readsNote) notes.push(readsNote);
  return {
    id: idOf(absolute),
    name: nameOf(absolute),
    path: relative,
    format: 'sequelize',
    up,
    ...(down ? { down } : {}),
    transactional: recordedUp.openedTransaction,
    notes,
  };
}

interface SequelizeInstance {
  query(
    sql: string | { query: string },
    options?: { type?: string; bind?: unknown; replacements?: unknown },
  ): Promise<unknown>;
  getQueryInterface(): object;
  close(): Promise<void>;
  transaction(options?: unknown, autoCallback?: unknown): Promise<unknown>;
  connectionManager: { getConnection(): Promise<unknown> };
}

interface TransactionLike {
  _afterCommitHooks?: ((transaction: unknown) => unknown)[];
  finished?: string;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

type SequelizeModule = (new (
  options: object,
) => SequelizeInstance) & {
  Sequelize?: unknown;
  Transaction?: new (sequelize: SequelizeInstance, options: object) => TransactionLike;
};

/**
 * A Sequelize instance of the project's dialect whose query() records the SQL instead of sending it. The
 * QueryInterface builds its SQL from the arguments (no reads needed on PostgreSQL and MySQL); calls that describe
 * existing tables get empty answers.
 */
class SequelizeRecorder {
  private constructor(
    private readonly module: SequelizeModule,
    readonly dialect: string,
    readonly version: string,
    readonly source: 'project' | 'bundled',
  ) {}

  static create(root: string, dialect: string): SequelizeRecorder {
    const loaded = requireFromProject<SequelizeModule & { Sequelize: SequelizeModule }>(root, 'sequelize');
    return new SequelizeRecorder(
      loaded.module.Sequelize ?? loaded.module,
      dialect,
      packageVersion(root, 'sequelize'),
      loaded.source,
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
  ): Promise<{ statements: Statement[]; openedTransaction: boolean }> {
    const statements: Statement[] = [];
    const instance = this.instance(relative);
    let openedTransaction = false;
    instance.query = async (sql, options) => {
      const text = typeof sql === 'string' ? sql : sql.query;
      const frame = frameIn(sourceMappedStack(), absolute) ?? frameIn(currentCallSite(), absolute);
      const origin = frame
        ? { file: relative, line: frame.line, column: frame.column }
        : statements[statements.length - 1]?.origin;
      statements.push(compiledStatement(text.replace(/;\s*$/, ''), origin));
      return options?.type === 'SELECT' ? [] : [[], 0];
    };
    // Nothing may reach a server: a transaction is a recording object, and a connection is never opened.
    instance.connectionManager.getConnection = async () => {
      throw new UserError(
        'sequelize-connection-refused',
        'The migration asked Sequelize for a database connection; recording never connects.',
        'Issue queries through queryInterface or queryInterface.sequelize.query, not a connection of your own.',
        { file: relative },
      );
    };
    instance.transaction = async (options?: unknown, autoCallback?: unknown) => {
      const callback = typeof options === 'function' ? options : autoCallback;
      openedTransaction = true;
      const transaction = this.recordingTransaction(instance, typeof options === 'object' && options ? options : {});
      if (typeof callback !== 'function') return transaction;
      try {
        const result = await (callback as (transaction: unknown) => unknown)(transaction);
        await transaction.commit();
        return result;
      } catch (error) {
        await transaction.rollback();
        throw error;
      }
    };
    try {
      await run(withCallSites(instance.getQueryInterface()), this.module);
    } catch (error) {
      throw thrownByMigration(absolute, direction, error);
    } finally {
      await instance.close().catch(() => undefined);
    }
    return { statements, openedTransaction };
  }

  /**
   * A real Sequelize Transaction (queries check `instanceof Transaction`) that never takes a connection:
   * commit and rollback only finish it, and commit runs the afterCommit hooks as Sequelize does.
   */
  private recordingTransaction(instance: SequelizeInstance, options: object): TransactionLike {
    const transaction: TransactionLike = this.module.Transaction
      ? new this.module.Transaction(instance, options)
      : { commit: async () => undefined, rollback: async () => undefined };
    transaction.commit = async () => {
      transaction.finished = 'commit';
      for (const hook of transaction._afterCommitHooks ?? []) await hook(transaction);
    };
    transaction.rollback = async () => {
      transaction.finished = 'rollback';
    };
    return transaction;
  }
}
