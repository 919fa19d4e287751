import { createRequire } from 'node:module';
import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine, Statement } from '../../model.js';
import { frameIn, loadProjectModule, packageVersion, sourceMappedStack, thrownByMigration } from '../loader.js';
import { compiledStatement } from '../statements.js';
import { currentCallSite, withCallSites } from './origin-context.js';

/** The db-migrate driver package of each engine. */
const DRIVER_PACKAGES: Partial<Record<Engine, string>> = {
  postgresql: 'db-migrate-pg',
  cockroachdb: 'db-migrate-pg',
  mysql: 'db-migrate-mysql',
  mariadb: 'db-migrate-mysql',
  sqlite: 'db-migrate-sqlite3',
};

type Connect = (
  config: { db: unknown },
  intern: object,
  callback: (error: unknown, driver: Record<string, unknown>) => void,
) => void;

interface DbMigrateModule {
  setup?: (options: object, seedLink: unknown) => void;
  up?: (db: unknown, callback?: (error?: unknown) => void) => unknown;
  down?: (db: unknown, callback?: (error?: unknown) => void) => unknown;
}

/**
 * Runs a db-migrate migration against the project's own driver (db-migrate-pg …) in db-migrate's dry-run mode:
 * builder calls such as `db.createTable` produce their SQL through the driver, which logs it instead of sending
 * it; reads are answered with no rows by a connection object that reaches no database.
 */
export class DbMigrateRecorder {
  private constructor(
    private readonly connect: Connect,
    private readonly dataType: object,
    readonly driver: string,
    readonly version: string,
  ) {}

  /** Undefined when the project has no db-migrate driver for the engine installed (or no db-migrate-shared). */
  static create(root: string, engine: Engine | undefined): DbMigrateRecorder | undefined {
    const name = DRIVER_PACKAGES[engine ?? 'postgresql'];
    if (!name) return undefined;
    const projectRequire = createRequire(path.join(root, 'package.json'));
    try {
      const driverPath = projectRequire.resolve(name);
      const connect = (projectRequire(driverPath) as { connect?: Connect }).connect;
      // db-migrate's data types come with db-migrate itself (db-migrate-shared), next to the driver.
      const shared = createRequire(driverPath)('db-migrate-shared') as { dataType?: object };
      if (typeof connect !== 'function' || !shared.dataType) return undefined;
      return new DbMigrateRecorder(connect, shared.dataType, name, packageVersion(root, name));
    } catch {
      return undefined;
    }
  }

  async record(absolute: string, relative: string): Promise<{ up: Statement[]; down?: Statement[] }> {
    const module = (await loadProjectModule(absolute)) as DbMigrateModule;
    if (typeof module.up !== 'function') {
      throw new UserError(
        'db-migrate-no-up',
        `${relative} exports no up(db) function, so db-migrate would fail to run it.`,
        "Export `exports.up = function (db) { return db.runSql('…'); }`.",
        { file: relative, line: 1, column: 1 },
      );
    }
    module.setup?.({ dbmigrate: { dataType: this.dataType }, Promise }, undefined);
    const up = await this.run(absolute, relative, 'up', module.up);
    const down =
      typeof module.down === 'function' ? await this.run(absolute, relative, 'down', module.down) : undefined;
    return { up, ...(down ? { down } : {}) };
  }

  private async run(
    absolute: string,
    relative: string,
    direction: 'up' | 'down',
    migration: NonNullable<DbMigrateModule['up']>,
  ): Promise<Statement[]> {
    const statements: Statement[] = [];
    const record = (sql: unknown, ...params: unknown[]) => {
      if (typeof sql !== 'string') return;
      const frame = frameIn(currentCallSite() ?? sourceMappedStack(), absolute);
      const text = params.length && Array.isArray(params[0]) ? inlineParameters(sql, params[0]) : sql;
      statements.push(
        compiledStatement(text.trim().replace(/;\s*$/, ''), frame ? { file: relative, ...frame } : undefined),
      );
    };
    const quiet = () => undefined;
    const log = { sql: record, info: quiet, verbose: quiet, warn: quiet, error: quiet, silence: quiet, debug: quiet };
    const intern = { mod: { log, type: this.dataType }, dryRun: true, notransactions: true };
    const connection = {
      connect: (callback?: (error?: unknown) => void) => callback?.(),
      query: (...args: unknown[]) => {
        const callback = args[args.length - 1];
        if (typeof callback === 'function') callback(null, { rows: [], rowCount: 0 });
      },
      end: quiet,
      on: quiet,
    };
    const driver = await new Promise<Record<string, unknown>>((resolve, reject) =>
      this.connect({ db: connection }, intern, (error, created) => (error ? reject(error) : resolve(created))),
    );
    try {
      const db = withCallSites(driver);
      if (migration.length >= 2)
        await new Promise<void>((resolve, reject) => {
          Promise.resolve(migration(db, (error) => (error ? reject(error) : resolve()))).catch(reject);
        });
      else await migration(db);
    } catch (error) {
      throw thrownByMigration(absolute, direction, error);
    }
    return statements;
  }
}

/** db-migrate's `?` placeholders (or pg's `$n` after the driver rewrote them) with their values written in. */
function inlineParameters(sql: string, values: unknown[]): string {
  const literal = (value: unknown) =>
    value === null || value === undefined
      ? 'NULL'
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : `'${String(value instanceof Date ? value.toISOString() : value).replace(/'/g, "''")}'`;
  let next = 0;
  return sql.replace(/\$(\d+)|\?/g, (match, index: string | undefined) => {
    const value = index ? values[Number(index) - 1] : values[next++];
    return value === undefined && !(index ? Number(index) - 1 < values.length : next - 1 < values.length)
      ? match
      : literal(value);
  });
}
