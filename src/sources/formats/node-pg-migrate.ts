import path from 'node:path';
import { UserError } from '../../errors.js';
import type { Migration, Statement } from '../../model.js';
import { inPackage, type PackageContext } from '../../project/context.js';
import type { MigrationEntry } from '../../project/types.js';
import { joinRelative } from '../../project/walk.js';
import { relativeToRoot } from '../../root.js';
import { splitSql } from '../../sql/split.js';
import { type Bookkeeping, fileStemOf, recordsByColumn } from '../bookkeeping.js';
import { listEntries, readError, readText, selected } from '../files.js';
import { frameIn, loadProjectModule, sourceMappedStack, thrownByMigration, withTimeLimit } from '../loader.js';
import { compiledStatement, splitStatements } from '../statements.js';
import type { FormatRead, FormatReader, MigrationScan, ReadContext } from '../types.js';
import { readAnnotated } from './annotated.js';
import { offlineReadsNote, uncompiled } from './js-common.js';
import { writeNodePgMigrate } from './node-pg-migrate-write.js';
import { importFromProject } from './project-import.js';
import { finish } from './scan-common.js';

const FILE = /^(\d+)[_-]?(.*)\.(js|cjs|mjs|ts|cts|mts|sql)$/;
const SQL_MARKERS = { up: /^--[\s-]*up\s+migration/i, down: /^--[\s-]*down\s+migration/i, tool: 'node-pg-migrate' };
const TRANSACTION_NOTE =
  'node-pg-migrate (CLI default --single-transaction) runs all pending migrations in one transaction; a migration that calls pgm.noTransaction() commits it before and opens a new one after.';

/** The migrations folder named in the project's scripts (`node-pg-migrate -m <dir>`), else `migrations`. */
async function _configuredDirectory(root: string): Promise<string> {
  const text = (await readText(path.join(root, 'package.json'))) ?? '';
  const flag = /node-pg-migrate[^"]*?(?:-m|--migrations-dir)[\s=]+([^\s"']+)/.exec(text)?.[1];
  const rc = /"migrations-dir"\s*:\s*"([^"]+)"/.exec((await readText(path.join(root, '.pgmigraterc'))) ?? '')?.[1];
  return flag ?? rc ?? 'migrations';
}

/** node-pg-migrate's --decamelize (script flag or `decamelize: true` in its config) turns camelCase names into snake_case. */
async function decamelizes(root: string): Promise<boolean> {
  const manifest = (await readText(path.join(root, 'package.json'))) ?? '';
  const rc = (await readText(path.join(root, '.pgmigraterc'))) ?? '';
  return /node-pg-migrate[^"]*--decamelize\b/.test(manifest) || /"decamelize"\s*:\s*true/.test(rc);
}

/** node-pg-migrate src/migration.ts + runner.ts: pgmigrations (id, name = file name without extension, run_on). */
const nodePgMigrateBookkeeping: Bookkeeping = {
  table: 'pgmigrations',
  ownTables: ['pgmigrations'],
  records: (rows) => recordsByColumn(rows, 'name'),
  keyOf: fileStemOf,
};

/**
 * node-pg-migrate: `<timestamp>_<name>.{js,ts,sql}` in `migrations/`, ordered by numeric prefix. JS/TS files
 * export `up(pgm)`/`down(pgm)`; their SQL is what the project's own MigrationBuilder generates (no database is
 * needed to build it). SQL files are read as they are, split at `-- Up Migration` / `-- Down Migration`.
 */
export const nodePgMigrate: FormatReader = {
  format: 'node-pg-migrate',
  priority: 17,
  runsProjectCode: true,
  tool: 'node-pg-migrate',
  label: 'node-pg-migrate',
  bookkeeping: nodePgMigrateBookkeeping,
  scan: scanNodePgMigrate,
  write: writeNodePgMigrate,
  async read(context) {
    const { files } = await listEntries(context.directory);
    const { units, errors } = migrationUnits(files.filter((file) => FILE.test(file) && !/\.d\.[cm]?ts$/.test(file)));
    const result: FormatRead = { migrations: [], errors: [], engine: 'postgresql' };
    for (const problem of errors) {
      const relative = relativeToRoot(context.root, path.join(context.directory, problem.file));
      result.errors.push({
        path: relative,
        error: {
          code: 'node-pg-migrate-sql-pair',
          what: `${relative}: ${problem.what}`,
          fix: problem.fix,
          where: { file: relative, line: 1, column: 1 },
        },
      });
    }
    const absoluteOf = (file: string) => path.join(context.directory, file);
    const isWanted = (unit: Unit) => unit.files.some((file) => selected(context.only, absoluteOf(file)));
    const lastWanted = units.findLastIndex(isWanted);
    const builder = context.executeProjectCode
      ? await BuilderFactory.create(context.package, await decamelizes(context.package))
      : undefined;
    // Shorthands exported by a migration apply to every later one, so a narrowed read still loads the earlier files.
    let shorthands: Record<string, unknown> = {};
    for (const [index, unit] of units.entries()) {
      const wanted = isWanted(unit);
      if (!wanted && !(builder && index < lastWanted && unit.kind === 'script')) continue;
      const absolute = absoluteOf(unit.files[0] ?? '');
      const relative = relativeToRoot(context.root, absolute);
      context.signal?.throwIfAborted();
      try {
        if (unit.kind === 'sql') {
          result.migrations.push(await readSqlUnit(context, unit));
          continue;
        }
        if (context.skip?.includes(absolute)) continue;
        if (!builder) {
          result.migrations.push(await listed(context, absolute, context.executeProjectCode));
          continue;
        }
        context.onFile?.(absolute);
        const compiled = await withTimeLimit(
          () => compileOne(builder, context, absolute, shorthands),
          context.timeoutMs,
          relative,
          context.signal,
        );
        shorthands = compiled.shorthands;
        if (wanted) {
          result.migrations.push(compiled.migration);
          if (compiled.downError) result.errors.push(readError(relative, compiled.downError));
        }
      } catch (error) {
        if (wanted) result.errors.push(readError(relative, error));
      }
    }
    return result;
  },
};

/** A migration as node-pg-migrate loads it: a script, one SQL file, or an `.up.sql` with its `.down.sql`. */
interface Unit {
  kind: 'script' | 'sql';
  /** The id file first (the script, the single SQL file, the .up.sql), then the .down.sql. */
  files: string[];
  /** The name node-pg-migrate orders and records it by (`.up.sql` / `.down.sql` count as `.sql`). */
  id: string;
}

function migrationUnits(files: string[]): { units: Unit[]; errors: { file: string; what: string; fix: string }[] } {
  const units: Unit[] = [];
  const errors: { file: string; what: string; fix: string }[] = [];
  const pairs = new Map<string, { up?: string; down?: string }>();
  for (const file of files) {
    const half = /^(.*)\.(up|down)\.sql$/.exec(file);
    if (half) {
      const pair = pairs.get(half[1] ?? '') ?? {};
      pair[half[2] as 'up' | 'down'] = file;
      pairs.set(half[1] ?? '', pair);
    } else units.push({ kind: file.endsWith('.sql') ? 'sql' : 'script', files: [file], id: file });
  }
  for (const [id, pair] of pairs) {
    if (!pair.up) {
      errors.push({
        file: pair.down ?? id,
        what: 'a .down.sql without its .up.sql: node-pg-migrate refuses to load the folder.',
        fix: `Add ${id}.up.sql or remove ${pair.down}.`,
      });
      continue;
    }
    units.push({ kind: 'sql', files: pair.down ? [pair.up, pair.down] : [pair.up], id: `${id}.sql` });
  }
  return { units: units.sort((a, b) => compareFileNames(a.id, b.id)), errors };
}

/** node-pg-migrate's order: numeric prefix (17 digits read as a UTC time), then the names compared naturally. */
function compareFileNames(a: string, b: string): number {
  return prefixValue(a) - prefixValue(b) || a.localeCompare(b, undefined, { numeric: true, ignorePunctuation: true });
}

function prefixValue(file: string): number {
  const prefix = /^\d+/.exec(file)?.[0] ?? '0';
  if (prefix.length !== 17) return Number(prefix);
  const [, year, month, day, hours, minutes, seconds, ms] =
    /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/.exec(prefix) ?? [];
  return Date.parse(`${year}-${month}-${day}T${hours}:${minutes}:${seconds}.${ms}Z`);
}

const idOf = (file: string) => FILE.exec(path.basename(file))?.[1] ?? path.basename(file);
const nameOf = (file: string) => FILE.exec(path.basename(file))?.[2] || path.basename(file);

async function readSqlUnit(context: ReadContext, unit: Unit): Promise<Migration> {
  const [upFile = '', downFile] = unit.files.map((file) => path.join(context.directory, file));
  const relative = relativeToRoot(context.root, upFile);
  const text = (await readText(upFile)) ?? '';
  let up: Statement[];
  let down: Statement[] | undefined;
  if (downFile) {
    up = await splitStatements(text, 'postgresql', relative);
    const downRelative = relativeToRoot(context.root, downFile);
    down = await splitStatements((await readText(downFile)) ?? '', 'postgresql', downRelative);
    down = down.map((statement) => ({
      ...statement,
      origin: { file: downRelative, line: statement.span.start.line, column: statement.span.start.column },
    }));
  } else if (text.split('\n').some((line) => SQL_MARKERS.up.test(line.trim()))) {
    const parsed = await readAnnotated(text, relative, 'postgresql', SQL_MARKERS);
    up = parsed.up;
    down = parsed.down;
  } else {
    // Without an `-- Up Migration` marker node-pg-migrate runs the whole file as the up migration.
    up = await splitStatements(text, 'postgresql', relative);
  }
  const notes = [
    'node-pg-migrate sends each SQL section as one query: PostgreSQL runs a multi-statement query as one implicit transaction (CREATE INDEX CONCURRENTLY fails there).',
    TRANSACTION_NOTE,
  ];
  if (!down)
    notes.push('No down SQL (`-- Down Migration` section or .down.sql): node-pg-migrate down refuses to undo it.');
  return {
    id: idOf(unit.id),
    name: nameOf(unit.id).replace(/\.sql$/, ''),
    path: relative,
    format: 'node-pg-migrate',
    up,
    ...(down ? { down } : {}),
    transactional: true,
    notes,
  };
}

async function listed(context: ReadContext, absolute: string, consented: boolean): Promise<Migration> {
  const migration = await uncompiled(context.root, absolute, 'node-pg-migrate', idOf(absolute), nameOf(absolute));
  const text = (await readText(absolute)) ?? '';
  migration.transactional = !/\bpgm\s*\.\s*noTransaction\s*\(/.test(text);
  if (consented)
    migration.notes = [
      "Not compiled: node-pg-migrate is not installed in the project (npm install), and its SQL is what the project's own MigrationBuilder generates.",
    ];
  return migration;
}

interface PgmModule {
  up?: ((pgm: unknown, run?: () => void) => unknown) | false;
  down?: ((pgm: unknown, run?: () => void) => unknown) | false;
  shorthands?: Record<string, unknown>;
}

interface MigrationBuilderInstance {
  getSqlSteps(): string[];
  isUsingTransaction(): boolean;
  enableReverseMode(): unknown;
  noTransaction(): unknown;
}

type MigrationBuilderClass = new (
  db: { query: (...args: unknown[]) => Promise<unknown>; select: (...args: unknown[]) => Promise<unknown> },
  typeShorthands: Record<string, unknown>,
  shouldDecamelize: boolean,
  logger: object,
) => MigrationBuilderInstance;

/** The project's node-pg-migrate MigrationBuilder; undefined when the project does not have node-pg-migrate. */
class BuilderFactory {
  private constructor(
    readonly Builder: MigrationBuilderClass,
    readonly version: string,
    readonly decamelize: boolean,
  ) {}

  static async create(root: string, decamelize: boolean): Promise<BuilderFactory | undefined> {
    for (const entry of ['node-pg-migrate', 'node-pg-migrate/dist/migration-builder']) {
      const loaded = await importFromProject<Record<string, unknown>>(root, entry).catch(() => undefined);
      const candidate =
        loaded?.module.MigrationBuilder ??
        (loaded?.module.default as Record<string, unknown> | undefined)?.MigrationBuilder ??
        (entry.endsWith('builder') ? loaded?.module.default : undefined);
      if (typeof candidate === 'function')
        return new BuilderFactory(candidate as MigrationBuilderClass, loaded?.version ?? 'unknown', decamelize);
    }
    return undefined;
  }
}

interface Recorded {
  statements: Statement[];
  transactional: boolean;
}

async function compileOne(
  factory: BuilderFactory,
  context: ReadContext,
  absolute: string,
  inherited: Record<string, unknown>,
): Promise<{ migration: Migration; shorthands: Record<string, unknown>; downError?: UserError }> {
  const relative = relativeToRoot(context.root, absolute);
  const loaded = await loadProjectModule(absolute);
  const module = (loaded.up !== undefined ? loaded : (loaded.default ?? loaded)) as PgmModule;
  const shorthands = { ...inherited, ...(module.shorthands ?? {}) };
  if (typeof module.up !== 'function') {
    throw new UserError(
      'node-pg-migrate-no-up',
      `${relative} exports no up(pgm) function, so node-pg-migrate would fail to run it.`,
      'Export `up(pgm)` (and `down(pgm)`): `exports.up = (pgm) => { … }` or `export async function up(pgm) { … }`.',
      { file: relative, line: 1, column: 1 },
    );
  }
  const notes: string[] = [];
  const up = await record(factory, absolute, relative, 'up', module.up, shorthands, false);
  let down: Recorded | undefined;
  let downError: UserError | undefined;
  if (module.down === false) {
    notes.push('`exports.down = false`: the migration is irreversible by design (node-pg-migrate down refuses it).');
  } else if (typeof module.down === 'function') {
    down = await record(factory, absolute, relative, 'down', module.down, shorthands, false);
  } else {
    // Without a down, node-pg-migrate runs up() in reverse mode: every operation must know its inverse.
    try {
      down = await record(factory, absolute, relative, 'down', module.up, shorthands, true);
      notes.push('No down export: node-pg-migrate derives down from up() run in reverse (shown as down).');
    } catch (error) {
      downError = new UserError(
        'missing-down',
        `${relative} exports no down(pgm), and node-pg-migrate cannot reverse its up() automatically: ${error instanceof UserError ? error.what : String(error)}`,
        'Add an explicit down(pgm), or `exports.down = false` to mark it irreversible.',
        { file: relative, line: 1, column: 1 },
      );
    }
  }
  if (!up.transactional) notes.push('pgm.noTransaction(): this migration runs outside a transaction.');
  notes.push(TRANSACTION_NOTE);
  const readsNote = offlineReadsNote([...up.statements, ...(down?.statements ?? [])]);
  if (readsNote) notes.push(readsNote);
  notes.push(`Compiled with the project's node-pg-migrate ${factory.version} MigrationBuilder.`);
  return {
    migration: {
      id: idOf(absolute),
      name: nameOf(absolute),
      path: relative,
      format: 'node-pg-migrate',
      up: up.statements,
      ...(down ? { down: down.statements } : {}),
      transactional: up.transactional,
      notes,
    },
    shorthands,
    ...(downError ? { downError } : {}),
  };
}

/**
 * Runs one direction through a fresh MigrationBuilder (as node-pg-migrate's Migration.apply does) and returns
 * its SQL steps; the builder is wrapped so each step keeps the stack of the pgm call that produced it.
 * `pgm.db.query` / `pgm.db.select` run at once in the real tool: here they are recorded and answered with no rows.
 */
async function record(
  factory: BuilderFactory,
  absolute: string,
  relative: string,
  direction: 'up' | 'down',
  run: (pgm: unknown, done?: () => void) => unknown,
  shorthands: Record<string, unknown>,
  reverse: boolean,
): Promise<Recorded> {
  const immediate: Statement[] = [];
  const originHere = () => {
    const frame = frameIn(sourceMappedStack(), absolute);
    return frame ? { file: relative, line: frame.line, column: frame.column } : undefined;
  };
  const database = {
    query: async (query: unknown) => {
      const sql = typeof query === 'string' ? query : String((query as { text?: unknown })?.text ?? '');
      immediate.push(compiledStatement(sql, originHere()));
      return { rows: [], rowCount: 0, fields: [], command: '' };
    },
    select: async (query: unknown) => {
      const sql = typeof query === 'string' ? query : String((query as { text?: unknown })?.text ?? '');
      immediate.push(compiledStatement(sql, originHere()));
      return [];
    },
  };
  const silent = { debug() {}, info() {}, warn() {}, error() {}, log() {} };
  const builder = new factory.Builder(database, shorthands, factory.decamelize, silent);
  if (reverse) builder.enableReverseMode();
  const origins: (Statement['origin'] | undefined)[] = [];
  const pgm = new Proxy(builder as object, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'constructor') return value;
      return (...args: unknown[]) => {
        const before = builder.getSqlSteps().length;
        const origin = originHere();
        const returned = value.apply(target, args);
        for (let index = before; index < builder.getSqlSteps().length; index++) origins.push(origin);
        return returned;
      };
    },
  });
  try {
    if (run.length === 2)
      await new Promise<void>((resolve, reject) => {
        Promise.resolve(run(pgm, resolve)).catch(reject);
      });
    else await run(pgm);
  } catch (error) {
    if (reverse)
      throw new UserError('node-pg-migrate-irreversible', error instanceof Error ? error.message : String(error), '');
    throw thrownByMigration(absolute, direction, error);
  }
  // In reverse mode the builder returns its steps last-first; the origins follow them.
  const steps = builder.getSqlSteps();
  const stepOrigins = reverse ? [...origins].reverse() : origins;
  const statements = steps.flatMap((step, index) =>
    splitSql(step, 'generic').map((piece) => compiledStatement(piece.sql, stepOrigins[index])),
  );
  return { statements: [...immediate, ...statements], transactional: builder.isUsingTransaction() };
}

/** Detect side: the migrations folder (the `-m` of the project's node-pg-migrate script, else `migrations`). */
const TRANSACTION =
  'all pending migrations in one transaction (CLI --single-transaction, the default); `pgm.noTransaction()` runs a migration outside it';

export function scanNodePgMigrate(context: PackageContext): MigrationScan[] {
  const script = Object.values(context.node?.scripts ?? {}).find((command) => /\bnode-pg-migrate\b/.test(command));
  // A `migrations` folder is this tool's only when the package uses the tool (dependency, script or config file).
  if (!context.tools.has('node-pg-migrate') && !script && !context.files.filesIn(context.dir).includes('.pgmigraterc'))
    return [];
  const configured = script ? /(?:^|\s)(?:-m|--migrations-dir)[\s=]+([^\s"']+)/.exec(script)?.[1] : undefined;
  const dir = inPackage(context, (configured ?? 'migrations').replace(/^\.\//, '').replace(/\/$/, ''));
  if (!context.files.dirs.has(dir)) return [];
  const files = context.files.filesIn(dir).filter((name) => FILE.test(name) && !/\.d\.[cm]?ts$/.test(name));
  const { units } = migrationUnits(files);
  const migrations = units.map((unit): MigrationEntry => {
    const file = joinRelative(dir, unit.files[0] ?? '');
    const text = context.files.read(file) ?? '';
    const hasDown =
      unit.kind === 'sql'
        ? unit.files.length > 1 || /^\s*--[\s-]*down\s+migration/im.test(text)
        : !/\bdown\s*=\s*false\b/.test(text);
    return {
      id: idOf(unit.id),
      name: nameOf(unit.id).replace(/\.sql$/, ''),
      path: file,
      tool: 'node-pg-migrate',
      hasDown,
      transactional: !/\bpgm\s*\.\s*noTransaction\s*\(/.test(text),
    };
  });
  return [finish('node-pg-migrate', TRANSACTION, dir, migrations, context)];
}
