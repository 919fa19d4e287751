import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Engine, Migration, Statement } from '../../model.js';
import { ownFilesNamed, type PackageContext } from '../../project/context.js';
import { baseOf, dirOf, joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { type Bookkeeping, configuredTableName, numericKey } from '../bookkeeping.js';
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
import { inlineParameters, placeholderStyle } from './inline-parameters.js';
import {
  baseName,
  configuredValue,
  isScript,
  offlineReadsNote,
  pushWithDownCheck,
  recordDown,
  uncompiled,
} from './js-common.js';
import { codeOnly } from './js-static.js';
import { currentCallSite, withCallSites } from './origin-context.js';
import { conventionalDirs, entry, filesOf, finish, readIndexed } from './scan-common.js';
import { writeTypeorm } from './typeorm-write.js';

export const CONFIG_FILES = [
  'ormconfig.json',
  'ormconfig.ts',
  'ormconfig.js',
  'data-source.ts',
  'data-source.js',
  'src/data-source.ts',
  'src/data-source.js',
  'src/db/data-source.ts',
  'src/database/data-source.ts',
];
const TYPE_ENGINES: Record<string, Engine> = {
  postgres: 'postgresql',
  cockroachdb: 'cockroachdb',
  mysql: 'mysql',
  mariadb: 'mariadb',
  sqlite: 'sqlite',
  'better-sqlite3': 'sqlite',
};

/** The `type` of the project's DataSource, read from its config file as text (never executed). */
function configuredType(root: string): Promise<string | undefined> {
  return configuredValue(root, CONFIG_FILES, 'type', [
    'postgres',
    'cockroachdb',
    'mysql',
    'mariadb',
    'sqlite',
    'better-sqlite3',
  ]);
}

function typeFor(engine: Engine | undefined, configured: string | undefined): string {
  if (engine === 'postgresql' || engine === 'cockroachdb') return 'postgres';
  if (engine === 'mysql') return 'mysql';
  if (engine === 'mariadb') return 'mariadb';
  if (engine === 'sqlite') return 'better-sqlite3';
  if (configured === 'sqlite') return 'better-sqlite3';
  return configured ?? 'postgres';
}

const TRANSACTION = "all pending migrations in one transaction (migrationsTransactionMode 'all', the default)";
const TYPEORM_CODE = /\bMigrationInterface\b|\bqueryRunner\s*:\s*QueryRunner\b/;
/** Kysely migrations share TypeORM's `<unix ms>-Name.ts` naming (immich); their import tells them apart. */
const KYSELY_IMPORT = /from\s+['"]kysely['"]|require\(\s*['"]kysely['"]\s*\)/;

/**
 * The folders in the data source's `migrations` globs; else folders of `<unix ms>-Name.ts` files or TypeORM classes.
 * The folders of one DataSource are one scan: TypeORM loads all their migrations and runs them in timestamp order.
 */
function scanTypeorm(context: PackageContext): MigrationScan[] {
  const isTypeorm = (file: string) => TYPEORM_CODE.test(readIndexed(context, file));
  const isKysely = (file: string) => KYSELY_IMPORT.test(readIndexed(context, file));
  const walked = (dir: string) => context.files.dirs.has(dir);
  const groups: string[][] = [];
  for (const file of ownFilesNamed(
    context,
    /^(ormconfig\.(json|js|ts)|.*data-?source\.(c|m)?(js|ts)|typeorm\.config\.(js|ts))$/i,
  )) {
    const dirs = configuredMigrationGlobs(readIndexed(context, file)).map((glob) => {
      // `__dirname + '/migrations/*.ts'` is relative to the config file; a plain string to the working directory.
      const base = glob.fromConfigFile ? dirOf(file) : context.dir;
      const pattern = glob.pattern.replace(/^\.?\//, '');
      const fixed = pattern.split('/').filter((part) => !/[*{]/.test(part));
      const looksLikeFile = /\.(ts|js)$/.test(fixed.at(-1) ?? '');
      return joinRelative(base, ...(looksLikeFile ? fixed.slice(0, -1) : fixed));
    });
    groups.push(dirs.filter(walked));
  }
  // Configured folders that were not walked (dist/ is skipped): fall back to finding TypeORM-named files.
  if (!groups.some((group) => group.length > 0)) {
    for (const dir of context.ownDirs) {
      const named = context.files.filesIn(dir).some((name) => /^\d{13}-.+\.(ts|js)$/.test(name));
      const modules = filesOf(context, dir, /\.(c|m)?(js|ts)$/);
      if (named && (modules.some(isTypeorm) || (context.tools.has('typeorm') && !modules.some(isKysely))))
        groups.push([dir]);
    }
    for (const dir of conventionalDirs(context)) {
      if (filesOf(context, dir, /^\d+-.+\.(c|m)?(js|ts)$/).some(isTypeorm)) groups.push([dir]);
    }
  }
  const taken = new Set<string>();
  const scans: MigrationScan[] = [];
  for (const group of groups) {
    // The first configured folder names the scan; `check <another one>` narrows the read to that one.
    const dirs = [...new Set(group)].filter((dir) => !taken.has(dir));
    for (const dir of dirs) taken.add(dir);
    const [dir, ...alongside] = dirs;
    if (dir === undefined) continue;
    const scan = finish('typeorm', TRANSACTION, dir, dirs.flatMap(migrationEntries).sort(inTimestampOrder), context);
    if (alongside.length > 0) scan.dir.alongside = alongside;
    scans.push(scan);
  }
  return scans.sort((a, b) => (a.dir.path < b.dir.path ? -1 : a.dir.path > b.dir.path ? 1 : 0));

  function migrationEntries(dir: string) {
    return filesOf(context, dir, /^\d+-.+\.(c|m)?(js|ts)$/)
      .filter((file) => !/\.d\.[cm]?ts$/.test(file))
      .map((file) => {
        const text = readIndexed(context, file);
        const id = baseOf(file).replace(/\.(c|m)?(js|ts)$/, '');
        return entry(
          'typeorm',
          file,
          id,
          id.replace(/^\d+-/, ''),
          /\basync\s+down\s*\([^)]*\)[^{]*\{\s*[^}\s]/.test(text),
          !/transaction\s*=\s*false/.test(text),
        );
      });
  }
}

const inTimestampOrder = (a: { id: string }, b: { id: string }) =>
  Number(/^\d+/.exec(a.id)?.[0]) - Number(/^\d+/.exec(b.id)?.[0]);

interface ConfiguredGlob {
  pattern: string;
  fromConfigFile: boolean;
}

/**
 * The path-like strings of the DataSource's `migrations` value: an array, or a conditional choosing between arrays
 * (both branches are read). A template's `${…}` parts are dropped, so `${isJest ? '' : 'dist/'}src/…` reads as
 * the source folder `src/…`; `${__dirname}` makes the path relative to the config file.
 */
function configuredMigrationGlobs(text: string): ConfiguredGlob[] {
  const key = /\bmigrations['"]?\s*:/.exec(text);
  if (!key) return [];
  const code = codeOnly(text);
  const globs: ConfiguredGlob[] = [];
  let depth = 0;
  for (let index = key.index + key[0].length; index < text.length; index++) {
    const char = code[index];
    if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') {
      if (depth-- === 0) break;
    } else if (char === ',' && depth === 0) break;
    else if (char === '`' || char === '"' || char === "'") {
      const literal = char === '`' ? templateAt(text, code, index) : quotedAt(text, code, index);
      if (/[/*]|\.(c|m)?(js|ts)$/.test(literal.pattern)) globs.push(literal);
      index = literal.end - 1;
    }
  }
  return globs;
}

function quotedAt(text: string, code: string, start: number): ConfiguredGlob & { end: number } {
  const close = code.indexOf(code[start]!, start + 1);
  const end = close === -1 ? text.length : close + 1;
  const fromConfigFile = /__dirname\s*\+\s*$/.test(text.slice(0, start));
  return { pattern: text.slice(start + 1, end - 1), fromConfigFile, end };
}

function templateAt(text: string, code: string, start: number): ConfiguredGlob & { end: number } {
  let pattern = '';
  let fromConfigFile = false;
  let index = start + 1;
  while (index < text.length && text[index] !== '`') {
    if (text[index] === '$' && text[index + 1] === '{') {
      const close = closingBrace(code, index + 1);
      if (text.slice(index + 2, close).trim() === '__dirname') fromConfigFile = true;
      index = close + 1;
    } else {
      const escaped = text[index] === '\\';
      pattern += text[escaped ? index + 1 : index] ?? '';
      index += escaped ? 2 : 1;
    }
  }
  return { pattern, fromConfigFile, end: index + 1 };
}

/** The index of the `}` closing the `{` at `open` (strings are blanked in `code`, so their braces do not count). */
function closingBrace(code: string, open: number): number {
  let depth = 0;
  for (let index = open; index < code.length; index++) {
    if (code[index] === '{') depth++;
    else if (code[index] === '}' && --depth === 0) return index;
  }
  return code.length;
}

/** typeorm/src/migration/MigrationExecutor.ts: "migrations" (id, timestamp bigint, name = the class name). */
const typeormBookkeeping: Bookkeeping = {
  table: 'migrations',
  ownTables: ['migrations', 'typeorm_metadata'],
  async configured(packageDirectory) {
    const table = await configuredTableName(packageDirectory, CONFIG_FILES, 'migrationsTableName');
    return table ? { table, ownTables: [table, 'typeorm_metadata'] } : undefined;
  },
  records: (rows) =>
    rows.map((row) => ({ key: numericKey(row.timestamp), label: String(row.name ?? row.timestamp), state: 'applied' })),
  keyOf: (migration) => numericKey(migration.id),
};

/** TypeORM: migration classes with up/down(queryRunner), applied in the order of the timestamp ending the class name. */
export const typeorm: FormatReader = {
  format: 'typeorm',
  priority: 4,
  codeMigrations: true,
  runsProjectCode: true,
  async nativeAddons(context) {
    return typeFor(context.engine, await configuredType(context.package)) === 'better-sqlite3';
  },
  tool: 'typeorm',
  label: 'TypeORM',
  bookkeeping: typeormBookkeeping,
  scan: scanTypeorm,
  write: writeTypeorm,
  async read(context) {
    const configured = await configuredType(context.package);
    const type = typeFor(context.engine, configured);
    const declared = TYPE_ENGINES[configured ?? ''];
    const all: string[] = [];
    for (const directory of [context.directory, ...(context.alongside ?? [])]) {
      const { files } = await listEntries(directory);
      all.push(...files.filter((file) => isScript(file)).map((file) => path.join(directory, file)));
    }
    const chosen = all.filter((absolute) => selected(context.only, absolute));
    const result: FormatRead = { migrations: [], errors: [], ...(declared ? { engine: declared } : {}) };
    if (!context.executeProjectCode) {
      const byTimestamp = (absolute: string) =>
        Number(/(\d{13})/.exec(path.basename(absolute))?.[1] ?? Number.MAX_SAFE_INTEGER);
      result.migrations = await Promise.all(
        chosen
          .sort((a, b) => byTimestamp(a) - byTimestamp(b))
          .map((absolute) =>
            uncompiled(
              context.root,
              absolute,
              'typeorm',
              String(byTimestamp(absolute)),
              baseName(path.basename(absolute)),
            ),
          ),
      );
      return result;
    }
    const recorder = TypeormRecorder.create(context.package, type);
    // The schema API works on the tables earlier migrations created, so every migration up to the last one
    // asked for is replayed; only the ones asked for are returned.
    const loaded: { absolute: string; migration: MigrationClass; timestamp: number }[] = [];
    for (const absolute of all) {
      if (context.skip?.includes(absolute)) continue;
      context.onFile?.(absolute);
      const relative = relativeToRoot(context.root, absolute);
      const wanted = chosen.includes(absolute);
      try {
        const found = await withTimeLimit(
          async () => migrationClasses(await loadProjectModule(absolute), relative),
          context.timeoutMs,
          relative,
          context.signal,
        );
        for (const migration of found)
          loaded.push({ absolute, migration, timestamp: timestampOf(migration, relative) });
      } catch (error) {
        if (wanted) result.errors.push(readError(relative, error));
      }
    }
    loaded.sort((a, b) => a.timestamp - b.timestamp);
    const last = loaded.map((entry) => chosen.includes(entry.absolute)).lastIndexOf(true);
    for (const { absolute, migration, timestamp } of loaded.slice(0, last + 1)) {
      context.onFile?.(absolute);
      const relative = relativeToRoot(context.root, absolute);
      const wanted = chosen.includes(absolute);
      try {
        const compiled = await withTimeLimit(
          () => compileOne(recorder, context, absolute, migration, timestamp),
          context.timeoutMs,
          relative,
          context.signal,
        );
        if (wanted) pushWithDownCheck(result, compiled);
      } catch (error) {
        if (wanted) result.errors.push(readError(relative, error));
      }
    }
    return result;
  },
};

type MigrationInstance = {
  up?: (queryRunner: unknown) => unknown;
  down?: (queryRunner: unknown) => unknown;
  transaction?: boolean;
  name?: string;
};
type MigrationClass = { name: string; new (): MigrationInstance };

function migrationClasses(module: Record<string, unknown>, relative: string): MigrationClass[] {
  const classes = Object.values(module).filter(
    (value): value is MigrationClass =>
      typeof value === 'function' && typeof (value as { prototype?: MigrationInstance }).prototype?.up === 'function',
  );
  if (classes.length === 0) {
    throw new UserError(
      'typeorm-no-migration-class',
      `${relative} exports no class with an up(queryRunner) method, so TypeORM would not load a migration from it.`,
      'Export the migration class: `export class AddUsers1700000000000 implements MigrationInterface { async up(queryRunner) {…} }`.',
      { file: relative, line: 1, column: 1 },
    );
  }
  return [...new Set(classes)];
}

/** TypeORM takes the last 13 characters of the class name (or `name`) as the JavaScript timestamp. */
function timestampOf(migration: MigrationClass, relative: string): number {
  const name = new migration().name ?? migration.name;
  const timestamp = Number.parseInt(name.slice(-13), 10);
  if (!Number.isFinite(timestamp) || !/\d{13}$/.test(name)) {
    throw new UserError(
      'typeorm-no-timestamp',
      `Migration class ${name} in ${relative} does not end with a 13-digit JavaScript timestamp; TypeORM refuses to run it.`,
      `Rename the class to end with the creation time in milliseconds, e.g. ${name}${Date.UTC(2024, 0, 1)}.`,
      { file: relative },
    );
  }
  return timestamp;
}

async function compileOne(
  recorder: TypeormRecorder,
  context: ReadContext,
  absolute: string,
  migrationClass: MigrationClass,
  timestamp: number,
): Promise<Migration> {
  const relative = relativeToRoot(context.root, absolute);
  const instance = new migrationClass();
  const name = instance.name ?? migrationClass.name;
  const up = await recorder.record(absolute, relative, 'up', instance, { keep: true });
  const notes: string[] = [];
  let down: Statement[] | undefined;
  let downFails: string | undefined;
  if (typeof instance.down === 'function') {
    const recorded = await recordDown(relative, () =>
      recorder.record(absolute, relative, 'down', instance, { keep: false }),
    );
    down = recorded.down;
    downFails = recorded.fails;
    if (recorded.note) notes.push(recorded.note);
  } else notes.push('No down(queryRunner): typeorm migration:revert cannot undo it.');
  const transactional = instance.transaction !== false;
  if (!transactional) {
    notes.push(
      '`transaction = false`: TypeORM runs up() outside a transaction, but migration:revert still wraps down() in one unless run with `--transaction none` (TypeORM 1.1 MigrationExecutor.undoLastMigration).',
    );
  }
  const readsNote = recorder.type === 'better-sqlite3' ? undefined : offlineReadsNote([...up, ...(down ?? [])]);
  if (readsNote) notes.push(readsNote);
  notes.push(
    `Compiled with TypeORM ${recorder.version} (${recorder.source} package), type ${recorder.type}; schema-API calls see the tables earlier migrations created through the schema API (tables created by raw SQL are unknown to it).`,
  );
  return {
    id: String(timestamp),
    name,
    path: relative,
    format: 'typeorm',
    up,
    ...(down ? { down } : {}),
    ...(downFails ? { downFails } : {}),
    transactional,
    notes,
  };
}

interface TypeormModule {
  DataSource: new (
    options: object,
  ) => {
    driver: { createQueryRunner(mode: string): QueryRunnerInternals };
    createQueryRunner(): unknown;
    createEntityManager(queryRunner: unknown): unknown;
  };
}

interface TableLike {
  name: string;
  schema?: string;
  clone(): TableLike;
}

interface QueryRunnerInternals {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
  createTable(table: TableLike, ...rest: unknown[]): Promise<void>;
  dropTable(target: TableLike | string, ...rest: unknown[]): Promise<void>;
  loadTables(names?: string[]): Promise<TableLike[]>;
  hasTable(target: TableLike | string): Promise<boolean>;
  getCurrentSchema(): Promise<string>;
  connect(): Promise<unknown>;
  getCurrentDatabase(): Promise<string>;
  hasEnumType(...args: unknown[]): Promise<boolean>;
  loadedTables: TableLike[];
}

/**
 * A TypeORM QueryRunner of the project's dialect whose query() records instead of executing. The schema API
 * reads table definitions from the database (getCachedTable → loadTables); here they come from the tables the
 * earlier migrations created through the schema API, kept as TypeORM Table objects.
 */
class TypeormRecorder {
  private readonly known = new Map<string, TableLike>();

  private constructor(
    private readonly typeormModule: TypeormModule,
    readonly type: string,
    readonly version: string,
    readonly source: 'project' | 'bundled',
  ) {}

  static create(root: string, type: string): TypeormRecorder {
    const loaded = requireFromProject<TypeormModule>(root, 'typeorm');
    const version = packageVersion(root, 'typeorm');
    return new TypeormRecorder(loaded.module, type, version, loaded.source);
  }

  async record(
    absolute: string,
    relative: string,
    direction: 'up' | 'down',
    instance: MigrationInstance,
    { keep }: { keep: boolean },
  ): Promise<Statement[]> {
    const statements: Statement[] = [];
    const known = keep ? this.known : new Map([...this.known].map(([name, table]) => [name, table.clone()]));
    const runner = this.runner(known, (sql, parameters) => {
      const frame = frameIn(sourceMappedStack(), absolute) ?? frameIn(currentCallSite(), absolute);
      const origin = frame
        ? { file: relative, line: frame.line, column: frame.column }
        : statements[statements.length - 1]?.origin;
      statements.push(compiledStatement(withParameters(sql, parameters, this.type), origin));
    });
    try {
      await instance[direction]?.call(instance, withCallSites(runner));
    } catch (error) {
      throw unknownTableHint(thrownByMigration(absolute, direction, error));
    }
    if (keep) for (const table of runner.loadedTables) known.set(bareName(table.name), table.clone());
    return statements;
  }

  private runner(
    known: Map<string, TableLike>,
    record: (sql: string, parameters?: unknown[]) => void,
  ): QueryRunnerInternals {
    const dataSource = new this.typeormModule.DataSource({
      type: this.type,
      database: this.type === 'better-sqlite3' ? ':memory:' : 'database',
    });
    // A connected PostgresDriver learns its search_path schema; paths in that schema are printed unqualified.
    if (this.type === 'postgres' || this.type === 'cockroachdb')
      Object.assign(dataSource.driver, { searchSchema: 'public' });
    const runner = dataSource.driver.createQueryRunner('master');
    const createTable = runner.createTable.bind(runner);
    const dropTable = runner.dropTable.bind(runner);
    // MySQL and PostgreSQL paths may be qualified ("database.users", "public.users"); the table name is the key.
    const postgres = this.type === 'postgres' || this.type === 'cockroachdb';
    const nameOf = (target: TableLike | string) => bareName(typeof target === 'string' ? target : target.name);
    Object.assign(runner, {
      async query(sql: string, parameters?: unknown[]) {
        record(sql, parameters);
        return [];
      },
      async createTable(table: TableLike, ...rest: unknown[]) {
        await createTable(table, ...rest);
        known.set(nameOf(table), table.clone());
      },
      async dropTable(target: TableLike | string, ...rest: unknown[]) {
        await dropTable(target, ...rest);
        known.delete(nameOf(target));
        runner.loadedTables = runner.loadedTables.filter((table) => nameOf(table) !== nameOf(target));
      },
      async loadTables(names?: string[]) {
        return (names ?? [...known.keys()]).flatMap((name) => {
          const table = known.get(nameOf(name))?.clone();
          // Tables TypeORM loads from PostgreSQL carry their schema, which ends up in DROP INDEX "public"."…".
          if (table && postgres && !table.schema) table.schema = 'public';
          return table ? [table] : [];
        });
      },
      async hasTable(target: TableLike | string) {
        return known.has(nameOf(target));
      },
      async getCurrentSchema() {
        return 'public';
      },
      async getCurrentDatabase() {
        return 'database';
      },
      async hasEnumType() {
        return false;
      },
      // Shared by queryRunner.connection / .manager queries, which release the runner they used after each one.
      async release() {
        return undefined;
      },
      // Nothing reaches a server: a migration asking for the connection itself is told so.
      async connect() {
        throw new UserError(
          'typeorm-connection-refused',
          'The migration asked the QueryRunner for a database connection; recording never connects.',
          'Issue SQL through queryRunner.query or the schema API (createTable, addColumn …).',
        );
      },
    });
    // queryRunner.connection.query(…) and queryRunner.manager.query(…) go through the same recording runner.
    Object.assign(dataSource, { createQueryRunner: () => runner });
    Object.assign(runner, { manager: dataSource.createEntityManager(runner) });
    return runner;
  }
}

/**
 * The SQL with the parameters of `query(sql, parameters)` in place, as the database runs it. Where placeholders
 * are not `$n` or `?` (SQL Server, Oracle) they follow in a block comment, which cannot swallow what comes next.
 */
function withParameters(sql: string, parameters: unknown[] | undefined, type: string): string {
  if (!parameters || parameters.length === 0) return sql;
  if (/postgres|cockroach|mysql|mariadb|sqlite|sqljs|capacitor|cordova|expo|nativescript|react-native/.test(type))
    return inlineParameters(sql, parameters, placeholderStyle(type), type);
  return `${sql} /* parameters: ${JSON.stringify(parameters).replaceAll('*/', '* /')} */`;
}

function bareName(name: string): string {
  return (name.split('.').pop() ?? name).replace(/^[`"]|[`"]$/g, '');
}

/** TypeORM's schema API needs the table definition; say why it may be missing here and what to do. */
function unknownTableHint(error: UserError): UserError {
  const table = /Table "([^"]+)" does not exist/.exec(error.what)?.[1];
  if (!table) return error;
  return new UserError(
    'typeorm-unknown-table',
    `${error.what} TypeORM's schema API reads the table definition from the database; here it comes from the createTable calls of earlier migrations, and none created "${table}" (raw SQL and entities synchronised outside migrations are not replayed).`,
    `Create "${table}" in an earlier migration with queryRunner.createTable, or rehearse the migrations on a shadow database (rehearse_migration), which runs TypeORM against a real schema.`,
    error.where,
  );
}
